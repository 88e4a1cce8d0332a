"""The site's privacy and security, checked on the built files: CSP, 404, sitemap, canonical URLs, links."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
import pytest
from conftest import EDITION_PAGES, PAGES, BuiltSite, page_html, url_of
from guard_support import build_project, copy_project, replace_in

from ivig_guide import csp

JS_TYPES = {"", "text/javascript", "module", "application/javascript"}


def documents(site: Path) -> list[Path]:
    """Return every whole HTML document of a built site (not the fragments meant for pasting into a page)."""
    return [path for path in sorted(site.rglob("*.html")) if csp.is_document(path.read_text(encoding="utf-8"))]


def policy_of(html: str) -> dict[str, list[str]]:
    """Return the CSP of a document as {directive: [sources]}, read with lxml (not the module's own parser)."""
    metas = lxml.html.document_fromstring(html).xpath(
        "//meta[translate(@http-equiv, 'CONTENT-SECURITY-POLICY', 'content-security-policy')"
        " = 'content-security-policy']"
    )
    assert len(metas) == 1, f"expected exactly one CSP <meta>, found {len(metas)}"
    directives = {}
    for part in metas[0].get("content").split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


# --------------------------------------------------------------------------- csp.py on small documents

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>T</title>
  <link rel="stylesheet" href="a.css">
  <script>var first = 1;</script>
  <script type="module">import "./m.js";</script>
  <script id="cfg" type="application/json">{"data": true}</script>
  <script src="b.js"></script>
  <style>p { color: red; }</style>
</head>
<body><p style="margin: 0">Text</p><script>var last = 2;</script></body>
</html>
"""


def test_policy_hashes_exactly_the_inline_scripts_that_run() -> None:
    """Hash inline classic and module scripts; never data blocks or scripts loaded from a file."""
    policy = policy_of(csp.add_policy(PAGE))
    hashes = [source for source in policy["script-src"] if source.startswith("'sha256-")]
    assert sorted(hashes) == sorted(sha256(s) for s in ("var first = 1;", 'import "./m.js";', "var last = 2;"))
    assert policy["script-src"][0] == "'self'"
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]


def test_policy_allows_only_what_the_site_uses() -> None:
    """Deny by default; allow the site's own files, data: images, search index, workers and manifest; nothing else."""
    policy = policy_of(csp.add_policy(PAGE))
    assert policy["default-src"] == ["'none'"]
    assert policy["style-src"][:1] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    for name in ("font-src", "connect-src", "worker-src", "manifest-src", "base-uri"):
        assert policy[name] == ["'self'"], name
    assert policy["form-action"] == ["'none'"] and policy["object-src"] == ["'none'"]
    every_source = [source for sources in policy.values() for source in sources]
    assert not [s for s in every_source if "*" in s or "://" in s or s in ("http:", "https:", "blob:")]


def test_style_blocks_and_attributes_are_allowed_by_hash() -> None:
    """Allow a <style> block by its hash, and a style attribute by its hash with 'unsafe-hashes'."""
    style = policy_of(csp.add_policy(PAGE))["style-src"]
    assert style == ["'self'", sha256("p { color: red; }"), "'unsafe-hashes'", sha256("margin: 0")]
    plain = PAGE.replace(' style="margin: 0"', "").replace("<style>p { color: red; }</style>", "")
    assert policy_of(csp.add_policy(plain))["style-src"] == ["'self'"]


def test_policy_comes_first_in_head_after_the_charset() -> None:
    """Put the policy before any script or stylesheet, right after <meta charset> (kept in the first 1,024 bytes)."""
    head = lxml.html.document_fromstring(csp.add_policy(PAGE)).head
    assert [child.tag for child in head][:2] == ["meta", "meta"]
    assert head[0].get("charset") == "utf-8" and head[1].get("http-equiv") == "Content-Security-Policy"
    no_charset = PAGE.replace('<meta charset="utf-8">', "")
    assert lxml.html.document_fromstring(csp.add_policy(no_charset)).head[0].get("http-equiv")


def test_adding_the_policy_twice_changes_nothing() -> None:
    """Replace an existing policy instead of adding a second one."""
    once = csp.add_policy(PAGE)
    assert csp.add_policy(once) == once
    assert once.count("Content-Security-Policy") == 1


def test_line_endings_do_not_change_the_hash() -> None:
    """Hash a script as the browser does, after turning CR LF into LF."""
    assert csp.hash_source("a();\r\nb();") == csp.hash_source("a();\nb();") == sha256("a();\nb();")


def test_injected_inline_script_is_not_allowed() -> None:
    """Leave out the hash of a script added after the build, so the browser refuses to run it."""
    built = csp.add_policy(PAGE)
    injected = built.replace("</body>", "<script>steal(document.cookie)</script></body>")
    assert sha256("steal(document.cookie)") not in policy_of(injected)["script-src"]


@pytest.mark.parametrize(
    ("markup", "rule"),
    [
        pytest.param('<button onclick="go()">Go</button>', "inline-event-handler", id="onclick"),
        pytest.param('<img src="x.png" alt="" onerror="go()">', "inline-event-handler", id="onerror"),
        pytest.param('<a href="javascript:go()">Go</a>', "javascript-url", id="javascript-url"),
    ],
)
def test_code_no_hash_can_allow_is_reported_with_its_line(markup: str, rule: str) -> None:
    """Report inline event handlers and javascript: URLs, naming the file and the line."""
    findings = csp.check_inline_code(PAGE.replace("<body>", "<body>\n" + markup), file="t/index.html")
    assert [(f.file, f.line, f.rule) for f in findings] == [("t/index.html", 14, rule)]
    assert "Fix: move the code into a script file" in str(findings[0])


def test_folder_pass_writes_documents_and_leaves_fragments(tmp_path: Path) -> None:
    """Give every document under a folder its policy; leave an HTML fragment (no <head>) as it is."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(PAGE, encoding="utf-8")
    fragment = '<div class="md-typeset"><p>Content only</p></div>\n'
    (tmp_path / "a" / "fragment.html").write_text(fragment, encoding="utf-8")
    result = csp.add_policy_to_folder(tmp_path)
    assert result.documents == [tmp_path / "a" / "index.html"] and result.findings == []
    assert result.fragments == [tmp_path / "a" / "fragment.html"]
    assert policy_of((tmp_path / "a" / "index.html").read_text(encoding="utf-8"))
    assert (tmp_path / "a" / "fragment.html").read_text(encoding="utf-8") == fragment


def test_folder_with_blocked_code_is_left_unchanged(tmp_path: Path) -> None:
    """Write nothing when any file has code the policy would block: no half-done folder."""
    (tmp_path / "good.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "bad.html").write_text(PAGE.replace("<body>", '<body onload="go()">'), encoding="utf-8")
    result = csp.add_policy_to_folder(tmp_path)
    assert [(f.file, f.rule) for f in result.findings] == [("bad.html", "inline-event-handler")]
    assert (tmp_path / "good.html").read_text(encoding="utf-8") == PAGE


def test_command_adds_policies_or_explains_what_blocks_them(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """Run the same pass on any built folder: python -m ivig_guide.csp FOLDER."""
    (tmp_path / "index.html").write_text(PAGE, encoding="utf-8")
    assert csp.main([str(tmp_path)]) == 0
    assert "Content-Security-Policy added to 1 documents (0 fragments)" in capsys.readouterr().out
    policy_of((tmp_path / "index.html").read_text(encoding="utf-8"))
    (tmp_path / "bad.html").write_text(PAGE.replace("<p ", '<p onclick="go()" '), encoding="utf-8")
    assert csp.main([str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "bad.html:13 [inline-event-handler] <p onclick" in err and "nothing was changed" in err
    assert "Content-Security-Policy" not in (tmp_path / "bad.html").read_text(encoding="utf-8")


def test_document_without_head_is_a_clear_error() -> None:
    """Name the file and what to add when a document has no <head>."""
    with pytest.raises(csp.CspError, match=r"x/index.html: has no <head>.*give it <html><head>"):
        csp.add_policy("<html><body><p>Hi</p></body></html>", file="x/index.html")


# --------------------------------------------------------------------------- the built site


def test_every_document_has_one_policy_first_in_head(built_site: BuiltSite) -> None:
    """Give every HTML document (pages, 404, redirects, embeds, print pages) one CSP, before any resource."""
    checked = documents(built_site.path)
    assert len(checked) >= len(PAGES) + 2  # the pages, 404.html, at least one redirect page
    for path in checked:
        html = path.read_text(encoding="utf-8")
        policy_of(html)
        head = lxml.html.document_fromstring(html).head
        tags = [(child.tag, child.get("http-equiv") or child.get("charset") or "") for child in head]
        first = next((n for n, (tag, _) in enumerate(tags) if tag in ("script", "link", "style")), len(tags))
        assert ("meta", "Content-Security-Policy") in tags[:first], f"{path}: the policy comes after a resource"


def test_policy_hashes_match_every_inline_script(built_site: BuiltSite) -> None:
    """List, in each document's policy, exactly the hashes of the inline scripts it runs."""
    for path in documents(built_site.path):
        html = path.read_text(encoding="utf-8")
        doc = lxml.html.document_fromstring(html)
        scripts = [
            s.text or ""
            for s in doc.iter("script")
            if s.get("src") is None and (s.get("type") or "").strip().lower() in JS_TYPES
        ]
        hashes = {s for s in policy_of(html)["script-src"] if s.startswith("'sha256-")}
        assert hashes == {sha256(text) for text in scripts}, path


def test_redirect_pages_keep_their_script_allowed(built_site: BuiltSite) -> None:
    """Let the old address's redirect page run its script (by hash), with its meta refresh as fallback."""
    html = (built_site.path / "emergency" / "index.html").read_text(encoding="utf-8")
    doc = lxml.html.document_fromstring(html)
    script = doc.find(".//script")
    assert "when-to-get-help" in script.text and sha256(script.text) in policy_of(html)["script-src"]
    assert doc.find(".//meta[@http-equiv='refresh']") is not None


def test_no_mixed_content_or_insecure_links(built_site: BuiltSite) -> None:
    """Load nothing over http: (or from any other host), in pages, embeds, fragments and stylesheets."""
    loading = {"script": "src", "img": "src", "iframe": "src", "source": "src", "audio": "src", "video": "src"}
    for path in sorted(built_site.path.rglob("*.html")):
        doc = lxml.html.document_fromstring(path.read_text(encoding="utf-8"))
        for element in doc.iter():
            urls = []
            if element.tag in loading:
                urls.append(element.get(loading[element.tag], ""))
            if element.tag == "link" and element.get("rel") not in ("canonical", "prev", "next", "alternate"):
                urls.append(element.get("href", ""))
            if element.tag == "a":
                href = element.get("href", "")
                assert not href.startswith("http://") or href.startswith(built_site.url), f"{path}: link to {href}"
            for url in urls:
                assert not re.match(r"(https?:)?//", url), f"{path}: <{element.tag}> loads {url}"
    for sheet in built_site.path.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", sheet.read_text(encoding="utf-8")), sheet


def test_new_tab_links_have_noopener(built_site: BuiltSite) -> None:
    """Add rel="noopener" to every link that opens a new tab, embeds and fragments included."""
    for path in sorted(built_site.path.rglob("*.html")):
        doc = lxml.html.document_fromstring(path.read_text(encoding="utf-8"))
        for link in doc.xpath("//a[@target='_blank']"):
            assert "noopener" in (link.get("rel") or "").split(), f"{path}: {link.get('href')} lacks noopener"


def test_no_script_sets_cookies_or_loads_analytics(built_site: BuiltSite) -> None:
    """Ship no script of ours that writes cookies, and no analytics or code-host widget in the config."""
    ours = [p for p in built_site.path.rglob("*.js") if ".min." not in p.name and "lunr" not in p.parts]
    for script in ours:
        assert "document.cookie" not in script.read_text(encoding="utf-8"), script
    index = page_html(built_site, "")
    assert "md-source" not in index, "a repo_url widget fetches its star count from the code host"
    assert not re.search(r"gtag|googletagmanager|analytics", index, re.IGNORECASE)


def test_canonical_url_of_every_page_comes_from_site_url(built_site: BuiltSite) -> None:
    """Point each page's canonical link at its address under site_url."""
    for page in PAGES:
        doc = lxml.html.document_fromstring(page_html(built_site, url_of(page)))
        assert [link.get("href") for link in doc.xpath("//link[@rel='canonical']")] == [
            built_site.url + url_of(page)
        ], page


def test_sitemap_lists_every_page_and_nothing_else(built_site: BuiltSite) -> None:
    """List each page once at its site_url address; not the redirect, embed or print outputs."""
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    for name in ("sitemap.xml", "sitemap.xml.gz"):
        data = (built_site.path / name).read_bytes()
        root = lxml.etree.fromstring(gzip.decompress(data) if name.endswith(".gz") else data)
        locations = [loc.text for loc in root.findall("s:url/s:loc", namespace)]
        assert sorted(locations) == sorted(built_site.url + url_of(page) for page in EDITION_PAGES), name


def test_404_page_links_home_and_to_emergency_help_from_any_depth(built_site: BuiltSite) -> None:
    """Make 404.html say what happened and link home and to the emergency page, by site-absolute URLs."""
    doc = lxml.html.document_fromstring((built_site.path / "404.html").read_text(encoding="utf-8"))
    content = doc.find(".//article")
    assert "Page not found" in content.findtext(".//h1")
    base = urlsplit(built_site.url).path
    hrefs = [a.get("href") for a in content.iter("a")]
    assert base + "when-to-get-help/" in hrefs and any(h in (base, base + ".") for h in hrefs), hrefs
    for element, attribute in (("link", "href"), ("script", "src")):
        for node in doc.iter(element):
            value = node.get(attribute)
            if value and node.get("rel") != "canonical":
                assert value.startswith(base), f"404.html: {value} would not load at /a/b/missing"


@pytest.mark.slow
def test_build_stops_on_inline_code_the_policy_would_block(tmp_path: Path) -> None:
    """Fail the build, naming the built file and line, when a page carries an inline event handler."""
    project = copy_project(tmp_path / "project")
    replace_in(
        "docs/glossary.md",
        "They are in A to Z order.\n",
        'They are in A to Z order.\n\n<span onclick="alert(1)">Hi</span>\n',
    )(project)
    outcome = build_project(project)
    assert not outcome.ok
    assert re.search(r"\n  glossary/index\.html:\d+ \[inline-event-handler\] <span onclick", outcome.log), outcome.log
    assert "Fix: move the code into a script file" in outcome.log and "Traceback" not in outcome.log
    assert "Content-Security-Policy" not in (outcome.site / "index.html").read_text(encoding="utf-8")
