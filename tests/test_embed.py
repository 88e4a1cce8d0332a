"""Pages for patient portals: embed pages, HTML fragments, the guard over them, and the documented snippet."""

from __future__ import annotations

import functools
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
import tinycss2
from browser_support import PHONE, describe_violations, run_axe, wait_until
from conftest import EDITION_PAGES, LOCK, NUMBER, PAGES, SETTINGS, TRANSLATIONS, BuiltSite, page_html, url_of
from english_text import english_in
from guard_support import build_project, copy_pages, copy_project

from ivig_guide import embed, fragment_css
from ivig_guide.emergency_blocks import KIND_ATTRIBUTE
from ivig_guide.search_index import marked_pages
from ivig_guide.serve import Served, serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Frame, Page

ROOT = Path(__file__).resolve().parent.parent
EMERGENCY_PAGES = ["anaphylaxis", "when-to-get-help"]
#: Site chrome an embed page must not have: Material's header, tabs, navigation, search, sidebars, footer, banner.
CHROME = [
    ".//header",
    ".//nav",
    ".//*[@data-md-component='header']",
    ".//*[@data-md-component='search']",
    ".//*[@data-md-component='sidebar']",
    ".//*[@data-md-component='navigation']",
    ".//*[@data-md-component='tabs']",
    ".//*[@data-md-component='footer']",
    ".//footer",
    ".//input[@type='checkbox']",
    ".//*[contains(@class, 'md-search')]",
    ".//*[contains(@class, 'pg-search')]",
    ".//*[contains(@class, 'md-banner')]",
    ".//*[contains(@class, 'pg-announce')]",
]


def _doc(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


def _embed_html(site: BuiltSite, page: str) -> str:
    return (site.path / embed.output_path(embed.embed_url(url_of(page)))).read_text(encoding="utf-8")


def _source(page: str) -> str:
    """Return the source file of a page of any edition ('uses' → 'uses.md', 'es/uses' → 'uses.es.md')."""
    lang, _slash, rest = page.partition("/")
    return f"{rest}.{lang}.md" if rest and lang in TRANSLATIONS else f"{page}.md"


def _original(page: str) -> str:
    """Return the page of the default edition a page of any edition translates ('es/uses' → 'uses')."""
    lang, _slash, rest = page.partition("/")
    return rest if rest and lang in TRANSLATIONS else page


def _fragment_html(site: BuiltSite, page: str) -> str:
    return (site.path / embed.fragment_path(_source(page))).read_text(encoding="utf-8")


def _sections_markup(html: str) -> list[str]:
    """Return the emergency sections of a page as normalised HTML, minus the link targets embeds add."""
    root = lxml.html.fragment_fromstring(html, create_parent="div") if "<html" not in html else _doc(html)
    found = []
    for section in root.iter("section"):
        if section.get(KIND_ATTRIBUTE) is None:
            continue
        for link in section.iter("a"):
            link.attrib.pop("target", None)
            link.attrib.pop("rel", None)
            if link.get("href", "").startswith("http"):
                link.set("href", urlsplit(link.get("href")).path.rsplit("/", 2)[-2])
        found.append(" ".join(lxml.html.tostring(section, encoding="unicode").split()))
    return found


# --------------------------------------------------------------------------- addresses and link rewriting


@pytest.mark.parametrize(
    ("target", "page_url", "expected"),
    [
        ("embed/uses/", "embed/anaphylaxis/", "../uses/"),
        ("embed/", "embed/anaphylaxis/", "../"),
        ("embed/uses/#dose", "embed/", "uses/#dose"),
        (
            "assets/stylesheets/guide.css",
            "embed/maintainers/editing-emergency-content/",
            "../../../assets/stylesheets/guide.css",
        ),
        ("embed/anaphylaxis/", "embed/anaphylaxis/", "./"),
        ("embed/uses.html", "embed/anaphylaxis.html", "uses.html"),
    ],
)
def test_relative_url(target: str, page_url: str, expected: str) -> None:
    """Link a site-relative target from a page, the way a browser resolves it back."""
    assert embed.relative_url(target, page_url) == expected
    base = "http://site.invalid/"
    assert urljoin(base + page_url, expected) == base + target


@pytest.mark.parametrize(
    ("src_uri", "url"),
    [("index.md", ""), ("uses.md", "uses/"), ("maintainers/index.md", "maintainers/"), ("a/b.md", "a/b/")],
)
def test_url_of_page(src_uri: str, url: str) -> None:
    """Name a Markdown page's address the way MkDocs does, and its fragment after its source path."""
    assert embed.url_of_page(src_uri) == url
    assert embed.page_of_fragment(embed.fragment_path(src_uri)) == src_uri


SAMPLE = """<!doctype html><html lang="en"><head>
<link rel="canonical" href="https://guide.example/anaphylaxis/">
<link rel="stylesheet" href="../assets/stylesheets/guide.css">
<script>__md_scope=new URL(".",location)</script>
<script src="../assets/javascripts/bundle.js"></script>
<script src="../assets/javascripts/embed.js" defer></script>
</head><body><input class="md-toggle" type="checkbox" id="__search">
<div class="md-dialog" data-md-component="dialog"></div>
<article>
<a id="page" href="../when-to-get-help/#call">page</a>
<a id="home" href="../">home</a>
<a id="same" href="#steps">same page</a>
<a id="file" href="../print/guide.pdf" download>file</a>
<a id="web" href="https://www.fda.gov/">web</a>
<a id="tel" href="tel:911">911</a>
<a id="mail" href="mailto:care@example.org">mail</a>
<img id="img" src="../assets/images/pen.svg" alt="">
</article></body></html>"""


@pytest.fixture(scope="module")
def sample() -> lxml.html.HtmlElement:
    """The sample page rewritten as the embed of 'anaphylaxis/'."""
    pages = {"", "anaphylaxis/", "when-to-get-help/"}
    return _doc(embed.rewrite_embed(SAMPLE, page_url="anaphylaxis/", page_urls=pages))


@pytest.mark.parametrize(
    ("link", "href", "target", "rel"),
    [
        ("page", "../when-to-get-help/#call", None, None),
        ("home", "../", None, None),
        ("same", "#steps", None, None),
        ("file", "../../print/guide.pdf", "_blank", "noopener noreferrer"),
        ("web", "https://www.fda.gov/", "_blank", "noopener noreferrer"),
        ("tel", "tel:911", "_top", None),
        ("mail", "mailto:care@example.org", "_top", None),
    ],
)
def test_embed_links(sample: lxml.html.HtmlElement, link: str, href: str, target: str | None, rel: str | None) -> None:
    """Keep links between guide pages inside the embeds; send every other link out of the frame."""
    element = sample.get_element_by_id(link)
    assert (element.get("href"), element.get("target"), element.get("rel")) == (href, target, rel)


def test_embed_resources_and_scripts(sample: lxml.html.HtmlElement) -> None:
    """Re-point the site's files from the embed's folder, keep the canonical link, and keep only embed.js."""
    assert sample.get_element_by_id("img").get("src") == "../../assets/images/pen.svg"
    assert sample.find(".//link[@rel='stylesheet']").get("href") == "../../assets/stylesheets/guide.css"
    assert sample.find(".//link[@rel='canonical']").get("href") == "https://guide.example/anaphylaxis/"
    assert [s.get("src") for s in sample.iter("script")] == ["../../assets/javascripts/embed.js"]
    assert sample.find(".//input") is None and sample.find(".//div[@data-md-component='dialog']") is None
    assert sample.get_element_by_id("file").get("download") is None, "sandboxed frames may not download"


# --------------------------------------------------------------------------- CSS of fragments


def _scoped(css: str, html: str = '<div class="ivig-guide"><p class="md-typeset">x</p></div>') -> str:
    return fragment_css.prune_css(fragment_css.scope_css(css), html)


def test_scope_css_puts_every_rule_under_the_wrapper() -> None:
    """Scope selectors under the wrapper, make page roots the wrapper, measure rem locally, drop @page."""
    css = ":root { --x: 1 } html { font-size: 125% } body, .md-typeset p { margin: .8rem 0 } @page { margin: 0 }"
    text = _scoped(css)
    assert ".ivig-guide { --x: 1 }" in text
    assert ".ivig-guide { font-size: 125% }" in text
    assert ".ivig-guide, .ivig-guide .md-typeset p { margin: calc(.8 * var(--pg-rem)) 0 }" in text
    assert "@page" not in text


@pytest.mark.parametrize(
    ("css", "expected"),
    [
        pytest.param(".md-typeset p { margin: 0 -1rem }", "margin: 0 calc(-1 * var(--pg-rem))", id="negative"),
        pytest.param(".md-typeset p { width: calc(100% - .6rem) }", "calc(100% - calc(.6 * var(--pg-rem)))", id="calc"),
        pytest.param(".md-typeset p { margin: var(--a, 2rem) }", "var(--a, calc(2 * var(--pg-rem)))", id="fallback"),
        pytest.param(".md-typeset p { top: -.05rem !important }", "calc(-.05 * var(--pg-rem)) !important", id="flag"),
        pytest.param('.md-typeset p::after { content: "1rem" }', 'content: "1rem"', id="string-kept"),
    ],
)
def test_every_rem_becomes_local(css: str, expected: str) -> None:
    """Convert every rem length, negative, nested in functions or marked !important; leave strings alone."""
    assert expected in _scoped(css)


def test_keyframes_are_kept_only_when_used_and_renamed() -> None:
    """Keep the keyframes a kept rule uses, under the guide's prefix, and leave the others out."""
    css = (
        "@keyframes pulse { 0% { opacity: 0 } to { opacity: 1 } } @keyframes consent { to { top: 1rem } }"
        " .md-typeset p { animation: pulse 1s infinite } .md-dialog { animation-name: consent }"
    )
    text = _scoped(css)
    assert "animation: pg-pulse 1s infinite" in text
    assert "@keyframes pg-pulse" in text
    assert "consent" not in text, "keyframes of a rule that cannot match are left out"


def test_at_rules_that_touch_the_portal_are_dropped() -> None:
    """Drop @charset, @import, @font-face and other sites' @property; keep the guide's own @property."""
    css = (
        '@charset "utf-8"; @import url(x.css); @font-face { font-family: X; src: url(x.woff2) }'
        " @property --md-x { syntax: '*'; inherits: false } @property --pg-y { syntax: '*'; inherits: false }"
    )
    text = _scoped(css)
    for gone in ("@charset", "@import", "@font-face", "--md-x"):
        assert gone not in text
    assert "@property --pg-y" in text


def test_prune_css_leaves_out_rules_for_absent_classes() -> None:
    """Leave out rules whose classes or colour settings are not in the fragment; keep :is() alternatives."""
    rules = fragment_css.scope_css(
        ".md-header { a: 1 } .md-typeset :is(.note, .absent) { b: 2 } [data-md-color-primary=red] { c: 3 }"
        " [data-md-color-primary=indigo] { d: 4 } .md-typeset .absent { e: 5 }"
        ' .md-typeset a[href$=".pdf"] { f: 6 }'
    )
    html = '<div class="ivig-guide"><div data-md-color-primary="indigo" class="md-typeset"><a href="x.pdf">x</a>'
    text = fragment_css.prune_css(rules, html)
    assert "b: 2" in text and "d: 4" in text
    assert "f: 6" in text, "an attribute value with a dot is not a class name"
    assert "a: 1" not in text and "c: 3" not in text and "e: 5" not in text


# --------------------------------------------------------------------------- built embed pages


@pytest.mark.parametrize("page", EDITION_PAGES)
def test_embed_page_has_no_chrome_and_no_material_script(built_site: BuiltSite, page: str) -> None:
    """Give every page an embed with its content only, embed.js as its one script, noindex and a canonical link."""
    doc = _doc(_embed_html(built_site, page))
    for path in CHROME:
        assert doc.xpath(path) == [], f"{page}: the embed has {path}"
    depth = len(embed.embed_url(url_of(page)).removesuffix("/").split("/"))
    assert [s.get("src") for s in doc.iter("script")] == ["../" * depth + embed.SCRIPT]
    assert doc.find(".//meta[@name='robots']").get("content") == "noindex"
    assert doc.find(".//link[@rel='canonical']").get("href") == built_site.url + url_of(page)
    main = _doc(page_html(built_site, url_of(page)))
    assert doc.find(".//article").text_content().split() == main.find(".//article").text_content().split()
    assert doc.find(".//aside[@class='pg-page-meta']") is not None, "the review dates and care-team line are kept"


@pytest.mark.parametrize("page", [p for p in EDITION_PAGES if _original(p) in EMERGENCY_PAGES])
def test_embed_and_fragment_keep_the_emergency_sections(built_site: BuiltSite, page: str) -> None:
    """Carry the page's emergency sections into its embed and fragment, the same markup and the same wording."""
    main = page_html(built_site, url_of(page))
    assert len(_sections_markup(main)) >= 1
    for variant in (_embed_html(built_site, page), _fragment_html(built_site, page)):
        assert _sections_markup(variant) == _sections_markup(main)
        assert embed.sections_of(variant) == embed.sections_of(main)


@pytest.mark.parametrize("page", EDITION_PAGES)
def test_embed_links_stay_in_the_embed_or_leave_the_frame(built_site: BuiltSite, page: str) -> None:
    """Link guide pages to their embeds (which exist), and open every other link outside the frame."""
    here = embed.embed_url(url_of(page))
    base = "http://site.invalid/"
    for link in _doc(_embed_html(built_site, page)).find(".//article").iter("a"):
        href = link.get("href", "")
        if href.startswith("#"):
            continue
        if urlsplit(href).scheme in embed.APP_SCHEMES:
            assert link.get("target") == "_top", href
        elif urlsplit(href).scheme:
            assert (link.get("target"), link.get("rel")) == ("_blank", "noopener noreferrer"), href
        else:
            target = urlsplit(urljoin(base + here, href)).path.removeprefix("/")
            assert embed.EMBED_DIR in target.split("/")[:2], f"{page}: {href} leaves the embeds"
            assert (built_site.path / embed.output_path(target)).is_file(), f"{page}: {href} is broken"
            assert link.get("target") is None


def test_embeds_are_not_in_the_sitemap_or_search(built_site: BuiltSite) -> None:
    """List no embed page or fragment in the sitemap or the search index: they are copies of the pages."""
    assert "/embed/" not in (built_site.path / "sitemap.xml").read_text(encoding="utf-8")
    marked = [name for names in marked_pages(built_site.path).values() for name in names]
    assert marked and [name for name in marked if "embed/" in name] == []


@pytest.mark.parametrize("page", EDITION_PAGES)
def test_fragment_is_content_with_scoped_css_and_no_script(built_site: BuiltSite, page: str) -> None:
    """Export the content in one wrapper with its own scoped CSS, absolute links, no script and no stylesheet link."""
    html = _fragment_html(built_site, page)
    root = lxml.html.fragment_fromstring(html)
    assert root.tag == "div" and root.get("class") == embed.WRAPPER_CLASS
    assert root.find(".//script") is None and root.find(".//link") is None
    style = root.find("style").text
    assert ".ivig-guide .md-typeset" in style
    assert (".ivig-guide .md-typeset .pg-safety" in style) == (_original(page) in EMERGENCY_PAGES)
    assert _independent_css_problems(style) == ()
    for link in root.iter("a"):
        href = link.get("href", "")
        assert href.startswith(("#", "tel:", "mailto:", "http://", "https://")), href
        if href.startswith(built_site.url):
            assert "embed" not in urlsplit(href).path.split("/")[1:3], "fragment links lead to the guide's pages"
        if href.startswith("http"):
            assert (link.get("target"), link.get("rel")) == ("_blank", "noopener noreferrer")
    text = root.find(".//article").text_content().split()
    assert text == _doc(page_html(built_site, url_of(page))).find(".//article").text_content().split()


@functools.cache
def _independent_css_problems(style: str) -> tuple[str, ...]:
    """Read a fragment's CSS with tinycss2 alone (not the scoping code) and return what leaks into a portal."""
    problems: list[str] = []
    wrapper = f".{embed.WRAPPER_CLASS}"

    def tokens(nodes):
        for node in nodes:
            yield node
            yield from tokens(getattr(node, "arguments", None) or getattr(node, "content", None) or [])

    def walk(rules) -> None:
        for rule in rules:
            if rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports", "layer", "container"):
                walk(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))
            elif rule.type == "at-rule" and rule.lower_at_keyword == "keyframes":
                name = tinycss2.serialize(rule.prelude).strip()
                if not name.startswith("pg-"):
                    problems.append(f"keyframes without the guide's prefix: {name}")
            elif rule.type == "at-rule":
                if rule.lower_at_keyword != "property" or not tinycss2.serialize(rule.prelude).strip().startswith(
                    "--pg-"
                ):
                    problems.append(f"global at-rule @{rule.at_keyword}")
            elif rule.type == "qualified-rule":
                for selector in tinycss2.serialize(rule.prelude).split(","):
                    if not selector.strip().startswith(wrapper):
                        problems.append(f"unscoped selector: {selector.strip()}")
                for token in tokens(rule.content):
                    if token.type == "dimension" and token.lower_unit == "rem":
                        problems.append(f"bare rem in {tinycss2.serialize(rule.prelude).strip()}")

    walk(tinycss2.parse_stylesheet(style, skip_comments=True, skip_whitespace=True))
    return tuple(problems)


# --------------------------------------------------------------------------- the guard over embeds


def test_check_embeds_passes_the_built_site(built_site: BuiltSite) -> None:
    """Find nothing wrong with the embeds and fragments of a fresh build."""
    assert embed.check_embeds(built_site.path, lock=LOCK, number=NUMBER, docs=ROOT / "docs") == []


def _drop_last_step(html: str) -> str:
    """Remove the last numbered step of the first-aid section."""
    start = html.index('data-pg-safety="first-aid"')
    end = html.index("</ol>", start)
    last = html.rindex("<li", start, end)
    return html[:last] + html[end:]


@pytest.mark.parametrize(
    ("damaged", "rules"),
    [
        pytest.param(lambda site: site / "embed/anaphylaxis/index.html", {"steps-count", "embed-differs"}, id="embed"),
        pytest.param(
            lambda site: site / "embed/fragments/anaphylaxis.html", {"steps-count", "embed-differs"}, id="fragment"
        ),
    ],
)
def test_check_embeds_catches_a_lost_step(built_site: BuiltSite, tmp_path: Path, damaged, rules: set[str]) -> None:
    """Report an embed page or fragment whose first aid lost a step, naming the file and the source line."""
    site = tmp_path / "site"
    copy_pages(built_site.path, site)
    path = damaged(site)
    html = path.read_text(encoding="utf-8")
    path.write_text(_drop_last_step(html), encoding="utf-8")
    findings = embed.check_embeds(site, lock=LOCK, number=NUMBER, docs=ROOT / "docs")
    assert {f.rule for f in findings} == rules
    assert all(f.page == "anaphylaxis.md" and f.section == "anaphylaxis-first-aid" for f in findings)
    assert all(path.relative_to(site).as_posix() in f.message for f in findings)
    assert all(f.line is not None for f in findings)


@pytest.mark.parametrize("rule", [pytest.param("embed-missing", id="embed-deleted")])
def test_check_embeds_catches_a_missing_embed(built_site: BuiltSite, tmp_path: Path, rule: str) -> None:
    """Report the approved sections of a page whose embed is not in the built folder."""
    site = tmp_path / "site"
    copy_pages(built_site.path, site)
    shutil.rmtree(site / "embed" / "when-to-get-help")
    findings = embed.check_embeds(site, lock=LOCK, number=NUMBER)
    assert {(f.page, f.rule) for f in findings} == {("when-to-get-help.md", rule)}
    assert len(findings) == len(LOCK.on_page("en", "when-to-get-help.md"))


def test_standalone_embed_check(built_site: BuiltSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Run the check on a built folder from the command line: 0 when intact, 1 naming the damage."""
    options = ["--docs", str(ROOT / "docs"), "--config", str(ROOT / "mkdocs.yml")]
    assert embed.main(["check", str(built_site.path), *options]) == 0
    assert "keep their emergency sections intact" in capsys.readouterr().out
    site = tmp_path / "site"
    copy_pages(built_site.path, site)
    page = site / "embed" / "anaphylaxis" / "index.html"
    page.write_text(
        page.read_text(encoding="utf-8").replace(f'href="tel:{NUMBER}"', f'href="tel:{NUMBER}0"'), encoding="utf-8"
    )
    assert embed.main(["check", str(site), *options]) == 1
    error = capsys.readouterr().err
    assert "[tel-mismatch] In embed/anaphylaxis/index.html" in error and "anaphylaxis.md:" in error


@pytest.mark.slow
def test_build_fails_when_a_template_hides_the_embeds_emergency_content(tmp_path: Path) -> None:
    """Stop the build, naming the page and the rule, when the embed template collapses the content."""
    project = copy_project(tmp_path)
    template = project / "overrides" / "embed.html"
    template.write_text(
        template.read_text(encoding="utf-8")
        + "\n{% block content %}<details><summary>Guide</summary>{{ super() }}</details>{% endblock %}\n",
        encoding="utf-8",
    )
    outcome = build_project(project)
    assert not outcome.ok
    assert "[section-hidden] In embed/anaphylaxis/index.html" in outcome.log
    assert re.search(r"anaphylaxis\.md:\d+ section 'anaphylaxis-call-911' \[section-hidden\]", outcome.log)
    assert not (project / "site" / "embed" / "anaphylaxis" / "index.html").exists()


# --------------------------------------------------------------------------- the documented snippet, in Chromium


def _snippet(site: BuiltSite, edition: str = "") -> str:
    """Return the copy-paste snippet exactly as an edition's embedding page shows it."""
    codes = _doc(page_html(site, f"{edition}embedding/")).find(".//article").iter("code")
    snippets = [code.text_content() for code in codes if "<iframe" in code.text_content()]
    assert len(snippets) == 1, "the embedding page shows one snippet"
    return snippets[0]


#: Every edition that translates the embedding page, as its folder ("" for the default edition, "es/").
EMBEDDING_EDITIONS = [
    SETTINGS.edition_prefix(lang)
    for lang in SETTINGS.languages
    if lang == SETTINGS.default_language or "embedding" in TRANSLATIONS.get(lang, [])
]


@pytest.mark.parametrize("edition", EMBEDDING_EDITIONS)
def test_embedding_page_points_at_its_editions_embeds(built_site: BuiltSite, edition: str) -> None:
    """Show on each edition's embedding page the addresses of its own embeds, each built, titled in its language."""
    snippet = _snippet(built_site, edition)
    frame = lxml.html.fragment_fromstring(snippet, create_parent="div").find("iframe")
    src = frame.get("src")
    assert src.startswith(f"{built_site.url}{edition}{embed.EMBED_DIR}/"), src
    lang = edition.rstrip("/") or SETTINGS.default_language
    if lang != SETTINGS.default_language:
        assert english_in(frame.get("title")) == [], frame.get("title")
    # Every address of the guide the page shows (the frame's, the fragment's, the message's page) is of this
    # edition's embeds and is built.
    codes = [code.text_content() for code in _doc(page_html(built_site, f"{edition}embedding/")).iter("code")]
    shown = {match for code in codes for match in re.findall(rf"{re.escape(built_site.url)}[^\s\"'<>]*", code)}
    shown |= {built_site.url + json.loads(code)["page"].lstrip("/") for code in codes if code.lstrip().startswith("{")}
    guide = {url for url in shown if url.rstrip("/") != built_site.url.rstrip("/")}
    # The page the snippet frames, and its fragment: both of this edition.
    framed = src.removeprefix(f"{built_site.url}{edition}{embed.EMBED_DIR}/").strip("/") or "index"
    fragment = embed.fragment_path(f"{framed}.{lang}.md" if edition else f"{framed}.md")
    assert {src.removeprefix(built_site.url), fragment} <= {url.removeprefix(built_site.url) for url in guide}, shown
    for url in sorted(guide):
        path = url.removeprefix(built_site.url)
        assert path.startswith(f"{edition}{embed.EMBED_DIR}/"), f"{edition}embedding/ shows {url}"
        assert (built_site.path / embed.output_path(path)).is_file(), f"{edition}embedding/ shows {url}, not built"


@pytest.mark.parametrize("lang", [lang for lang in SETTINGS.languages if lang != SETTINGS.default_language])
def test_every_translated_page_has_its_embed_and_fragment(built_site: BuiltSite, lang: str) -> None:
    """Build an embed page and a fragment for every page of each translated edition, in that edition's folder."""
    pages = TRANSLATIONS[lang]
    assert pages
    for page in pages:
        embed_page = built_site.path / embed.output_path(embed.embed_url(url_of(f"{lang}/{page}")))
        fragment = built_site.path / embed.fragment_path(f"{page}.{lang}.md")
        assert embed_page.is_file() and fragment.is_file(), page
        assert _doc(embed_page.read_text(encoding="utf-8")).get("lang") == lang
        assert lxml.html.fragment_fromstring(fragment.read_text(encoding="utf-8")).get("lang") == lang, page
    folder = built_site.path / embed.fragment_path(f"index.{lang}.md")
    built = {path.relative_to(built_site.path).as_posix() for path in folder.parent.rglob("*.html")}
    assert built == {embed.fragment_path(f"{page}.{lang}.md") for page in pages}


def test_snippet_is_for_this_site(built_site: BuiltSite) -> None:
    """Fill the snippet with the configured site_url and check messages against its origin, sandboxed."""
    snippet = _snippet(built_site)
    frame = lxml.html.fragment_fromstring(snippet, create_parent="div").find("iframe")
    assert frame.get("src") == built_site.url + "embed/when-to-get-help/"
    assert frame.get("title") and frame.get("loading") == "lazy"
    assert set(frame.get("sandbox").split()) == {
        "allow-scripts",
        "allow-same-origin",
        "allow-popups",
        "allow-popups-to-escape-sandbox",
        "allow-top-navigation-by-user-activation",
    }
    assert f'event.origin !== "{built_site.url.rstrip("/")}"' in snippet and "event.source" in snippet


HOST_RECORDER = """<script>
window.heightMessages = [];
window.addEventListener("message", function (event) {
  if (event.data && event.data.type === "ivig-guide:height") {
    window.heightMessages.push({origin: event.origin, data: event.data});
  }
});
</script>"""


@dataclass
class Portal:
    """A portal page on another loopback port with the documented snippet, and what its frames reported."""

    context: BrowserContext
    page: Page
    errors: list[str] = field(default_factory=list)
    #: The Referer header of each request for a guide page (None when the browser sent none).
    referers: dict[str, str | None] = field(default_factory=dict)

    @property
    def frame(self) -> Frame:
        """The guide's frame."""
        return self.page.main_frame.child_frames[0]

    def frame_height(self) -> float:
        """The iframe's height on the portal page, in CSS pixels."""
        return self.page.evaluate("document.getElementById('ivig-guide').getBoundingClientRect().height")


@pytest.fixture
def portal(built_site: BuiltSite, served_site: Served, browser: Browser, tmp_path: Path) -> Iterator[Portal]:
    """Open a portal on a second loopback server whose page holds the snippet (for the anaphylaxis page)."""
    snippet = _snippet(built_site).replace("embed/when-to-get-help/", "embed/anaphylaxis/")
    (tmp_path / "index.html").write_text(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Portal</title></head>'
        f"<body><h1>My health portal</h1>{snippet}{HOST_RECORDER}</body></html>",
        encoding="utf-8",
    )
    with serve(tmp_path) as host:
        assert host.port != served_site.port
        context = browser.new_context(viewport={"width": 800, "height": 600})
        # Nothing may leave the machine: answer any other host with a stub page.
        context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.fulfill(body="elsewhere"))
        page = context.new_page()
        portal = Portal(context, page)
        page.on("console", lambda m: m.type == "error" and portal.errors.append(f"console: {m.text}"))
        page.on("pageerror", lambda error: portal.errors.append(f"page error: {error}"))
        page.on(
            "request",
            lambda request: (
                request.resource_type == "document"
                and request.url.startswith(served_site.url)
                and portal.referers.setdefault(request.url, request.headers.get("referer"))
            ),
        )
        page.goto(host.url, wait_until="load")
        page.wait_for_function("window.heightMessages.length > 0")
        yield portal
        context.close()


@pytest.mark.browser
def test_portal_frame_fits_its_page(portal: Portal, served_site: Served) -> None:
    """Size the cross-origin frame from the page's height messages, with no scroll bar inside the frame."""
    message = portal.page.evaluate("window.heightMessages[window.heightMessages.length - 1]")
    assert message["origin"] == served_site.url.rstrip("/")
    data = message["data"]
    assert set(data) == {"type", "version", "height", "page"}
    assert (data["type"], data["version"], data["page"]) == ("ivig-guide:height", 1, "/embed/anaphylaxis/")
    assert isinstance(data["height"], int) and data["height"] > 600
    portal.page.wait_for_function(f"document.getElementById('ivig-guide').offsetHeight === {data['height']}")
    inner = portal.frame.evaluate("[document.documentElement.scrollHeight, window.innerHeight]")
    assert inner[0] <= inner[1], f"the frame scrolls inside: content {inner[0]} px in a {inner[1]} px frame"
    assert portal.referers == {served_site.url + "embed/anaphylaxis/": None}, "the portal's address was sent"
    assert portal.errors == []


@pytest.mark.browser
def test_portal_frame_follows_a_new_width(portal: Portal) -> None:
    """Send a new height when the content reflows, and grow the frame to it."""
    before = portal.frame_height()
    count = portal.page.evaluate("window.heightMessages.length")
    portal.page.set_viewport_size({"width": 360, "height": 600})
    portal.page.wait_for_function(f"window.heightMessages.length > {count}")
    portal.page.wait_for_function(
        "document.getElementById('ivig-guide').offsetHeight === "
        "window.heightMessages[window.heightMessages.length - 1].data.height"
    )
    assert portal.frame_height() > before
    inner = portal.frame.evaluate("[document.documentElement.scrollHeight, window.innerHeight]")
    assert inner[0] <= inner[1]


@pytest.mark.browser
def test_portal_ignores_messages_from_elsewhere(portal: Portal) -> None:
    """Leave the frame's height alone when a message with the right shape comes from another window."""
    before = portal.frame_height()
    portal.page.evaluate("window.postMessage({type: 'ivig-guide:height', version: 1, height: 5, page: '/'}, '*')")
    portal.page.wait_for_function("window.heightMessages.some((m) => m.data.height === 5)")
    assert portal.frame_height() == before


@pytest.mark.browser
def test_portal_tel_link_calls_from_the_top(portal: Portal) -> None:
    """Ask the browser to open the emergency tel: link at the top level, unblocked, leaving the frame as it was."""
    frame = portal.frame
    start = frame.url
    cdp = portal.context.new_cdp_session(portal.page)
    cdp.send("Page.enable")
    top = cdp.send("Page.getFrameTree")["frameTree"]["frame"]["id"]
    requested: list[dict] = []
    cdp.on("Page.frameRequestedNavigation", lambda params: requested.append(params))
    frame.locator(f"section[data-pg-safety='emergency'] a[href='tel:{NUMBER}']").click()
    wait_until(portal.page, lambda: requested)
    assert [(r["frameId"], r["url"]) for r in requested] == [(top, f"tel:{NUMBER}")]
    assert frame.url == start
    assert portal.errors == []


@pytest.mark.browser
def test_portal_links(portal: Portal, served_site: Served) -> None:
    """Keep links to guide pages in the frame, as their embeds; open links to other sites in a new tab."""
    frame = portal.frame
    portal_url = portal.page.url
    frame.locator("article a[href='../side-effects/']").first.click()
    frame.wait_for_url(served_site.url + "embed/side-effects/")
    assert portal.page.url == portal_url
    portal.page.wait_for_function("window.heightMessages.some((m) => m.data.page === '/embed/side-effects/')")
    frame.goto(served_site.url + "embed/about/")  # the about page links to other sites
    with portal.context.expect_page() as opened:
        frame.locator("article a[href^='https://']").first.click()
    assert urlsplit(opened.value.url).hostname != "127.0.0.1"
    assert (portal.page.url, frame.url) == (portal_url, served_site.url + "embed/about/")
    assert portal.errors == []


@pytest.mark.browser
def test_tel_link_is_blocked_without_the_documented_sandbox(
    built_site: BuiltSite, served_site: Served, browser: Browser, tmp_path: Path
) -> None:
    """Show that the snippet's sandbox is what lets a tel: link work: without it Chromium blocks the call."""
    snippet = _snippet(built_site).replace("embed/when-to-get-help/", "embed/anaphylaxis/")
    snippet = re.sub(r'sandbox="[^"]*"', 'sandbox="allow-scripts allow-same-origin"', snippet)
    (tmp_path / "index.html").write_text(f"<!doctype html><title>Portal</title>{snippet}", encoding="utf-8")
    with serve(tmp_path) as host:
        context = browser.new_context()
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.goto(host.url, wait_until="load")
        page.main_frame.child_frames[0].locator(f"a[href='tel:{NUMBER}']").first.click()
        wait_until(page, lambda: errors)
        context.close()
    assert any("allow-top-navigation-by-user-activation" in error for error in errors), errors


@pytest.mark.browser
def test_embed_pages_pass_axe(served_site: Served, browser: Browser) -> None:
    """Pass axe-core's WCAG 2.2 A/AA and best-practice rules on every embed page, in a phone-wide frame."""
    context = browser.new_context(viewport=PHONE)
    tab = context.new_page()
    failures = {}
    for page in PAGES:
        tab.goto(served_site.url + embed.embed_url(url_of(page)), wait_until="load")
        violations = run_axe(tab)
        if violations:
            failures[page] = describe_violations(violations)
    context.close()
    assert failures == {}, "\n".join(f"{page}:\n{text}" for page, text in failures.items())


@pytest.mark.browser
@pytest.mark.parametrize("page", EMERGENCY_PAGES)
def test_embed_reads_without_javascript(served_site: Served, browser: Browser, page: str) -> None:
    """Show the whole content, emergency sections included, with JavaScript off."""
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(served_site.url + embed.embed_url(url_of(page)), wait_until="load")
    entries = LOCK.on_page("en", f"{page}.md")
    assert entries
    for entry in entries:
        section = tab.locator(f"section#{entry.id}")
        assert section.is_visible()
        shown = " ".join(section.inner_text().split())
        for kind, block in entry.section.content:
            for text in (block,) if kind == "text" else block:
                assert text in shown, f"{entry.id}: {text!r} is not shown without JavaScript"
    assert tab.locator("article h1").is_visible()
    context.close()


PORTAL_STYLE = "html { font-size: 62.5% } body { font: 1.4rem/1.3 Georgia, serif; color: #123456 } a { color: #008000 }"
PORTAL_PROBES = """() => [...document.querySelectorAll("html, body, #portal-title, #portal-text, #portal-link")]
  .map((e) => {
    const s = getComputedStyle(e);
    return [e.id || e.tagName, s.fontSize, s.fontFamily, s.color, s.margin, s.lineHeight, s.backgroundColor];
  })"""


@pytest.mark.browser
def test_fragment_styles_itself_and_not_the_portal(built_site: BuiltSite, browser: Browser, tmp_path: Path) -> None:
    """Insert the fragment into a portal page: the portal looks the same, and the emergency sections keep their look."""
    portal = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Portal</title>'
        f"<style>{PORTAL_STYLE}</style></head><body><h1 id='portal-title'>My health portal</h1>"
        "<p id='portal-text'>Your <a id='portal-link' href='#'>messages</a>.</p>FRAGMENT</body></html>"
    )
    (tmp_path / "without.html").write_text(portal.replace("FRAGMENT", ""), encoding="utf-8")
    (tmp_path / "with.html").write_text(
        portal.replace("FRAGMENT", _fragment_html(built_site, "anaphylaxis")), encoding="utf-8"
    )
    with serve(tmp_path) as host:
        context = browser.new_context()
        requests: list[str] = []
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        page.goto(host.url + "without.html")
        before = page.evaluate(PORTAL_PROBES)
        page.goto(host.url + "with.html")
        after = page.evaluate(PORTAL_PROBES)
        section = page.locator("section[data-pg-safety='first-aid']")
        border = section.evaluate("(e) => getComputedStyle(e).borderTopColor")
        text_size = page.locator(".ivig-guide article p").first.evaluate("(e) => getComputedStyle(e).fontSize")
        steps_visible = page.locator("section[data-pg-safety='first-aid'] ol > li").evaluate_all(
            "(items) => items.map((li) => li.checkVisibility())"
        )
        context.close()
    assert after == before, "the fragment's CSS changed the portal's own elements"
    assert border == "rgb(179, 38, 30)", "the first-aid section lost its emergency border"
    assert text_size == "16px", "text is sized from the reader's default font size, not the portal's root"
    assert steps_visible and all(steps_visible)
    assert [url for url in requests if not url.startswith(host.url)] == []
