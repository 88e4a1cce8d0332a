"""Pages for patient portals: a chrome-free copy of every page, and an HTML fragment of its content.

For every page ``<url>`` of the guide the build writes

- ``embed/<url>index.html``: the page content alone, in the guide's styles, for an ``<iframe>``. It
  carries no script but ``assets/javascripts/embed.js``, which tells the parent page its height.
  Links to other guide pages stay inside the embed; every other link leaves the frame.
- ``embed/fragments/<page>.html`` (``<page>`` is the Markdown path without ``.md``, e.g.
  ``embed/fragments/anaphylaxis.html``, ``embed/fragments/index.html``): the content as HTML to
  insert into a portal's own page, with the guide's CSS scoped under one wrapper class, absolute
  links and no script.

The emergency guard's checks (:mod:`ivig_guide.emergency`) run over both, during the build and
standalone::

    python -m ivig_guide.embed check site

Everything here works on strings and paths; nothing imports MkDocs.
"""

from __future__ import annotations

import argparse
import posixpath
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html

from ivig_guide import emergency
from ivig_guide.content import parse_article
from ivig_guide.emergency_blocks import KIND_ATTRIBUTE
from ivig_guide.lock import Lock, LockError, Section, diff_sections

EMBED_DIR = "embed"
FRAGMENT_DIR = f"{EMBED_DIR}/fragments"
#: The only script an embed page may load (site-relative).
SCRIPT = "assets/javascripts/embed.js"
#: The class of the element that wraps a fragment; all of its CSS is scoped under it.
WRAPPER_CLASS = "ivig-guide"
#: The ``type`` of the height messages embed.js posts to the parent page.
MESSAGE_TYPE = "ivig-guide:height"
NEW_TAB = {"target": "_blank", "rel": "noopener noreferrer"}
#: Schemes handed to another program (phone, mail): opened at the top level, never inside the frame.
APP_SCHEMES = frozenset({"tel", "mailto", "sms"})
#: Material's page furniture that lives outside template blocks: the search and drawer toggles, the overlay
#: and the dialog. The embed template empties the blocks; these are removed after rendering.
LEFTOVER_CHROME = (
    "//input[contains(concat(' ', normalize-space(@class), ' '), ' md-toggle ')]",
    "//label[contains(concat(' ', normalize-space(@class), ' '), ' md-overlay ')]",
    "//div[@data-md-component='dialog']",
    "//div[@data-md-component='announce'][not(*)]",
)


class EmbedError(ValueError):
    """A page or folder cannot be made into (or checked as) an embed; the message says why and what to do."""


# --------------------------------------------------------------------------- addresses


def embed_url(page_url: str) -> str:
    """Return the site-relative URL of a page's embed ('' → 'embed/', 'uses/' → 'embed/uses/')."""
    return f"{EMBED_DIR}/{page_url}"


def fragment_path(src_uri: str) -> str:
    """Return the site-relative path of a page's fragment ('uses.md' → 'embed/fragments/uses.html')."""
    stem = src_uri[: -len(".md")] if src_uri.endswith(".md") else src_uri
    return f"{FRAGMENT_DIR}/{stem}.html"


def url_of_page(src_uri: str) -> str:
    """Return the site-relative URL MkDocs gives a Markdown page ('index.md' → '', 'a/b.md' → 'a/b/')."""
    stem = src_uri.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def page_of_fragment(path: str) -> str:
    """Return the Markdown page a fragment was made from ('embed/fragments/uses.html' → 'uses.md')."""
    stem = path.removeprefix(f"{FRAGMENT_DIR}/")
    return (stem[: -len(".html")] if stem.endswith(".html") else stem) + ".md"


def output_path(url: str) -> str:
    """Return the file that serves a site-relative URL ('embed/uses/' → 'embed/uses/index.html')."""
    return f"{url}index.html" if url == "" or url.endswith("/") else url


def relative_url(target: str, page_url: str) -> str:
    """Return the site-relative ``target`` (with any query and fragment) as a link from the page at ``page_url``."""
    parts = urlsplit(target)
    start = "/" + posixpath.dirname(output_path(page_url))
    path = posixpath.relpath("/" + parts.path, start)
    if parts.path.endswith("/") or parts.path == "":
        path = "./" if path == "." else path + "/"
    return path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def _site_target(value: str, page_url: str) -> str | None:
    """Return the site-relative target of a relative link on the page at ``page_url``; None if it leaves the site."""
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or value.startswith("/"):
        return None
    resolved = urlsplit(urljoin("http://site.invalid/" + page_url, value))
    target = resolved.path.removeprefix("/")
    return (
        target
        + (f"?{resolved.query}" if resolved.query else "")
        + (f"#{resolved.fragment}" if resolved.fragment else "")
    )


def _leave_frame(link: lxml.html.HtmlElement, value: str) -> None:
    """Make a link that leaves the guide open outside the portal's frame: a new tab, or the top window for apps."""
    scheme = urlsplit(value).scheme.lower()
    if scheme in APP_SCHEMES:
        link.set("target", "_top")
    else:
        for name, setting in NEW_TAB.items():
            link.set(name, setting)
        # A sandboxed frame may not start downloads: the file opens in the new tab instead.
        link.attrib.pop("download", None)


# --------------------------------------------------------------------------- embed pages


def rewrite_embed(html: str, *, page_url: str, page_urls: Iterable[str]) -> str:
    """Return a page rendered by the embed template as its embed variant, to be written at ``embed/<page_url>``.

    ``html`` was rendered with the page's own context, so its links are relative to ``page_url``.
    Links to guide pages (``page_urls``) now lead to their embeds; links to the site's files are
    re-pointed from the new place; links that leave the guide open in a new tab (``tel:`` and
    ``mailto:`` at the top level). Every script except embed.js is removed.
    """
    pages = set(page_urls)
    here = embed_url(page_url)
    doc = lxml.html.document_fromstring(html)
    for path in LEFTOVER_CHROME:
        for element in doc.xpath(path):
            element.drop_tree()
    for script in list(doc.iter("script")):
        target = _site_target(script.get("src", ""), page_url) if script.get("src") else None
        if target != SCRIPT:
            script.drop_tree()
    for element in doc.iter():
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value is None or value.startswith("#") or (element.tag == "link" and element.get("rel") == "canonical"):
                continue
            target = _site_target(value, page_url)
            if target is None:
                if element.tag == "a":
                    _leave_frame(element, value)
                continue
            path = urlsplit(target).path
            if path in pages:
                element.set(attribute, relative_url(embed_url(target), here))
            else:
                element.set(attribute, relative_url(target, here))
                if element.tag == "a":
                    _leave_frame(element, value)
    return lxml.html.tostring(doc, encoding="unicode", doctype="<!doctype html>")


def stylesheets_of(html: str, page_url: str) -> tuple[str, ...]:
    """Return the site-relative paths of the stylesheets the embed of the page at ``page_url`` links, in order."""
    doc = lxml.html.document_fromstring(html)
    here = embed_url(page_url)
    links = (link.get("href", "") for link in doc.iter("link") if link.get("rel") == "stylesheet")
    found = (_site_target(href, here) for href in links)
    return tuple(urlsplit(target).path for target in found if target)


# --------------------------------------------------------------------------- fragments


def render_fragment(embed_html: str, *, page_url: str, site_url: str, css: Sequence[Rule]) -> str:
    """Return the content of an embed page as an HTML fragment for portals that insert HTML.

    ``css`` is the guide's CSS, already scoped with :func:`scope_css`; the rules that cannot match
    anything in this fragment are left out. Links become absolute (from ``site_url``), lead to the
    guide's own pages rather than their embeds, and open in a new tab; ``tel:`` links stay as they
    are. No script.
    """
    if not site_url:
        raise EmbedError("site_url is not set: a fragment needs it to make its links absolute. Set site_url.")
    doc = lxml.html.document_fromstring(embed_html)
    article = doc.find(".//article")
    if article is None:
        raise EmbedError(f"{embed_url(page_url)}: the page has no <article>, so there is no content to export.")
    body = doc.find("body")
    root = site_url if site_url.endswith("/") else site_url + "/"
    base = urljoin(root, embed_url(page_url))
    for script in list(article.iter("script")):
        script.drop_tree()
    for element in article.iter():
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value is None or value.startswith("#"):
                continue
            absolute = urljoin(base, value)
            if absolute.startswith(root + EMBED_DIR + "/"):
                absolute = root + absolute.removeprefix(root + EMBED_DIR + "/")  # the guide's page, not its embed
            element.set(attribute, absolute)
            if element.tag == "a" and urlsplit(absolute).scheme in ("http", "https"):
                element.attrib.pop("target", None)
                for name, setting in NEW_TAB.items():
                    element.set(name, setting)
            elif element.tag == "a" and element.get("target") == "_top":
                del element.attrib["target"]
    colours = {name: value for name, value in (body.attrib if body is not None else {}).items() if name != "dir"}
    page = lxml.html.Element("div", {"class": f"{WRAPPER_CLASS}__page", **colours})
    page.append(article)
    wrapper = lxml.html.Element("div", {"class": WRAPPER_CLASS, "lang": doc.get("lang") or "en"})
    wrapper.append(page)
    content = lxml.html.tostring(wrapper, encoding="unicode")
    style = prune_css(css, content)
    opening, rest = content.split(">", 1)
    return f"{opening}>\n<style>\n{style}</style>\n{rest}\n"


@dataclass(frozen=True)
class Rule:
    """One CSS rule: a style rule (selectors and declarations) or an at-rule (its prelude and its rules or text)."""

    selectors: tuple[str, ...]  # empty for an at-rule
    body: str  # declarations, or the text of an at-rule kept as it is
    at: str = ""  # the at-rule's prelude, e.g. "@media screen and (min-width:60em)"
    rules: tuple[Rule, ...] = ()  # nested rules of @media, @supports, @layer, @container


#: At-rules whose nested rules are scoped like the top level.
NESTING_AT_RULES = frozenset({"media", "supports", "layer", "container"})
#: At-rules that would change the portal's own page: left out of a fragment.
DROPPED_AT_RULES = frozenset({"charset", "font-face", "import", "namespace", "page"})
ROOT_SELECTOR = re.compile(r"^(?::root|html|body)(?![\w-])")
COMMENT = re.compile(r"(\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*')|/\*.*?\*/", re.DOTALL)
REM = re.compile(r"(?<![\w.#-])(\d*\.?\d+)rem\b")


def _blocks(css: str) -> Iterator[tuple[str, str | None]]:
    """Yield (prelude, body) for each top-level statement of ``css``; body is None for a ``;`` statement."""
    i, n, start = 0, len(css), 0
    depth = 0
    body_start = -1
    while i < n:
        char = css[i]
        if css.startswith("/*", i):
            end = css.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        if char in "\"'":
            end = i + 1
            while end < n and css[end] != char:
                end += 2 if css[end] == "\\" else 1
            i = end + 1
            continue
        if char == "{":
            if depth == 0:
                body_start = i
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                yield css[start:body_start].strip(), css[body_start + 1 : i]
                start = i + 1
            depth = max(depth, 0)
        elif char == ";" and depth == 0:
            yield css[start:i].strip(), None
            start = i + 1
        i += 1


def _split_selectors(prelude: str) -> tuple[str, ...]:
    """Split a selector list at its top-level commas."""
    parts, depth, start, quote = [], 0, 0, ""
    for i, char in enumerate(prelude):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(prelude[start:i].strip())
            start = i + 1
    parts.append(prelude[start:].strip())
    return tuple(part for part in parts if part)


def parse_css(css: str) -> tuple[Rule, ...]:
    """Return the rules of a stylesheet (comments dropped)."""
    rules = []
    for prelude, body in _blocks(COMMENT.sub(lambda match: match.group(1) or "", css)):
        if not prelude and body is None:
            continue
        if prelude.startswith("@"):
            name = re.match(r"@([\w-]+)", prelude)
            keyword = name.group(1).lower() if name else ""
            if body is not None and keyword in NESTING_AT_RULES:
                rules.append(Rule((), "", at=prelude, rules=parse_css(body)))
            else:
                rules.append(Rule((), body if body is not None else "", at=prelude))
        elif body is not None:
            rules.append(Rule(_split_selectors(prelude), body.strip()))
    return tuple(rules)


def _scope_selector(selector: str, wrapper: str) -> str:
    """Return ``selector`` so that it matches only inside ``wrapper`` (page roots become the wrapper)."""
    if ROOT_SELECTOR.match(selector):
        return ROOT_SELECTOR.sub(wrapper, selector, count=1)
    return f"{wrapper} {selector}"


def scope_css(css: str, wrapper: str = f".{WRAPPER_CLASS}") -> tuple[Rule, ...]:
    """Return a stylesheet's rules with every selector scoped under ``wrapper`` and ``rem`` sizes made local.

    ``:root``, ``html`` and ``body`` become the wrapper itself. A fragment lives in someone else's page,
    whose root font size is not the guide's, so ``1rem`` becomes ``var(--pg-rem)``, which the wrapper
    sets to the guide's root size (125% of the reader's default font size, as Material's ``html``).
    ``@charset``, ``@import`` and ``@page`` are dropped.
    """

    def scope(rules: Iterable[Rule]) -> Iterator[Rule]:
        for rule in rules:
            keyword = rule.at[1:].split(None, 1)[0].split("(")[0].lower() if rule.at else ""
            if keyword in DROPPED_AT_RULES:
                continue
            if rule.rules:
                yield Rule((), "", at=rule.at, rules=tuple(scope(rule.rules)))
            elif rule.at:
                yield rule
            else:
                selectors = tuple(_scope_selector(s, wrapper) for s in rule.selectors)
                yield Rule(selectors, REM.sub(r"calc(\1 * var(--pg-rem))", rule.body))

    # First: forget what the portal's page passes down. Last: the sizes every rem is measured by.
    reset = Rule((wrapper,), "all: revert; display: block")
    sizes = Rule((wrapper,), "font-size: medium; --pg-rem: 1.25em")
    registered = Rule((), "syntax: '<length>'; inherits: true; initial-value: 20px", at="@property --pg-rem")
    return (registered, reset, *scope(parse_css(css)), sizes)


_OUTSIDE_PARENS = re.compile(r"\([^()]*\)")
_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_ATTRIBUTE = re.compile(r"\[\s*([\w-]+)\s*(?:[~|^$*]?=\s*[\"']?([^\]\"']*)[\"']?\s*)?\]")


def _can_match(selector: str, classes: set[str], attributes: set[tuple[str, str]], names: set[str]) -> bool:
    """Tell whether a selector could match the fragment, judged by its classes and attributes.

    Only what is outside functional pseudo-classes (``:is(…)``, ``:not(…)``) counts, so the answer
    errs towards keeping a rule.
    """
    plain = selector
    while _OUTSIDE_PARENS.search(plain):
        plain = _OUTSIDE_PARENS.sub("", plain)
    if any(name not in classes for name in _CLASS.findall(plain)):
        return False
    for name, value in _ATTRIBUTE.findall(plain):
        if name not in names:
            return False
        if value and "=" in selector and (name, value) not in attributes and name.startswith("data-md"):
            return False
    return True


def prune_css(rules: Sequence[Rule], html: str) -> str:
    """Return the CSS text of the rules that could match something in ``html``."""
    doc = lxml.html.fragment_fromstring(html, create_parent="div")
    classes: set[str] = set()
    attributes: set[tuple[str, str]] = set()
    names: set[str] = set()
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        classes.update(element.get("class", "").split())
        for name, value in element.attrib.items():
            names.add(name)
            attributes.add((name, value))

    def text(rules: Iterable[Rule], indent: str = "") -> Iterator[str]:
        for rule in rules:
            if rule.rules:
                inner = "".join(text(rule.rules, indent + "  "))
                if inner:
                    yield f"{indent}{rule.at} {{\n{inner}{indent}}}\n"
            elif rule.at:
                yield f"{indent}{rule.at} {{ {rule.body} }}\n" if rule.body else f"{indent}{rule.at};\n"
            else:
                keep = [s for s in rule.selectors if _can_match(s.split(" ", 1)[-1], classes, attributes, names)]
                if keep and rule.body:
                    yield f"{indent}{', '.join(keep)} {{ {rule.body} }}\n"

    return "".join(text(rules))


# --------------------------------------------------------------------------- the guard over embeds


def sections_of(html: str) -> list[Section]:
    """Return the marked emergency sections of a page or fragment, as the guard reads them."""
    article = parse_article(html)
    if article is None:
        return []
    return [emergency.extract_section(e) for e in article.iter("section") if e.get(KIND_ATTRIBUTE) is not None]


def check_variant(
    html: str,
    *,
    page: str,
    where: str,
    main_sections: Sequence[Section] | None,
    lock: Lock | None,
    number: str,
    lang: str,
    source: str | None = None,
) -> list[emergency.Finding]:
    """Check an embed page or fragment (at ``where``) with the guard's rules, and against its main page.

    ``main_sections`` are the sections of the page it was made from (None when that page is not at hand).
    """
    result = emergency.check_page(html, page=page, lock=lock, number=number, lang=lang, source=source)
    findings = [
        emergency.Finding(f.page, f.line, f.section, f.rule, f"In {where}: {f.message}", f.fix) for f in result.findings
    ]
    if main_sections is not None and list(main_sections) != result.sections:
        found = {section.id: section for section in result.sections}
        for section in main_sections:
            got = found.get(section.id)
            if got == section:
                continue
            message = "is not on it" if got is None else "differs from the page"
            changes = "" if got is None else "\n" + "\n".join(diff_sections(section, got))
            findings.append(
                emergency.Finding(
                    page,
                    emergency.section_line(source, section.id),
                    section.id,
                    "embed-differs",
                    f"In {where}: the {section.kind} section {message}.{changes}",
                    "Embeds are made from the page by hooks/embed_pages.py: rebuild, and check that no other "
                    "hook changes embed pages.",
                )
            )
        extra = [s.id for s in result.sections if s.id not in {m.id for m in main_sections}]
        if extra:
            findings.append(
                emergency.Finding(
                    page,
                    None,
                    extra[0],
                    "embed-differs",
                    f"In {where}: sections that are not on the page: {', '.join(extra)}.",
                    "Rebuild; embeds must hold exactly the page's sections.",
                )
            )
    return findings


def _page_urls(site: Path) -> dict[str, Path]:
    """Return the main pages of a built folder that have content, by site-relative URL."""
    pages: dict[str, Path] = {}
    for html_path in sorted(site.rglob("index.html")):
        rel = html_path.relative_to(site).as_posix()
        url = rel[: -len("index.html")]
        if url.split("/", 1)[0] == EMBED_DIR:
            continue
        text = html_path.read_text(encoding="utf-8", errors="replace")
        if "<article" in text or KIND_ATTRIBUTE in text:
            pages[url] = html_path
    return pages


def check_embeds(site_dir: Path, *, lock: Lock, number: str, docs: Path | None = None) -> list[emergency.Finding]:
    """Check the embed pages and fragments of a built folder: the guard's rules, the lock, and the main pages.

    Every page that holds approved sections must have an embed and a fragment that hold them
    unchanged; every embed and fragment present must pass the guard and match its main page.
    """
    site = Path(site_dir)
    findings: list[emergency.Finding] = []
    known = {entry.page for entry in lock.entries.values()}
    main = _page_urls(site)
    sources: dict[str, str] = {}
    checked: set[tuple[str, str]] = set()  # (kind of output, page)

    def source_of(page: str) -> str | None:
        if docs is not None and page not in sources and (docs / page).is_file():
            sources[page] = (docs / page).read_text(encoding="utf-8")
        return sources.get(page)

    def main_of(page_url: str) -> tuple[list[Section] | None, str | None]:
        html_path = main.get(page_url)
        if html_path is None:
            return None, None
        html = html_path.read_text(encoding="utf-8", errors="replace")
        return sections_of(html), emergency.page_language(html, lock.source_language)

    outputs: list[tuple[str, str, str, str, Path]] = []  # (kind, page, main page URL, where, file)
    embed_root = site / EMBED_DIR
    for html_path in sorted(embed_root.rglob("index.html")) if embed_root.is_dir() else []:
        if html_path.is_relative_to(site / FRAGMENT_DIR):
            continue
        rel = html_path.relative_to(embed_root).as_posix()
        page = emergency.source_for(html_path, embed_root, docs, known)
        outputs.append(("embed", page, rel[: -len("index.html")], f"{EMBED_DIR}/{rel}", html_path))
    fragment_root = site / FRAGMENT_DIR
    for html_path in sorted(fragment_root.rglob("*.html")) if fragment_root.is_dir() else []:
        rel = html_path.relative_to(site).as_posix()
        page = page_of_fragment(rel)
        outputs.append(("fragment", page, url_of_page(page), rel, html_path))
    for kind, page, page_url, where, html_path in outputs:
        html = html_path.read_text(encoding="utf-8", errors="replace")
        main_sections, main_lang = main_of(page_url)
        if kind == "embed":
            lang = emergency.page_language(html, lock.source_language)
        else:
            wrapper = lxml.html.fragment_fromstring(html, create_parent="div").find("div")
            lang = (wrapper.get("lang") if wrapper is not None else None) or main_lang or lock.source_language
        findings += check_variant(
            html,
            page=page,
            where=where,
            main_sections=main_sections,
            lock=lock,
            number=number,
            lang=lang,
            source=source_of(page),
        )
        checked.add((kind, page))
    # Approved sections whose page is in this folder (a page that is missing altogether is the guard's finding).
    built = {
        (emergency.page_language(path.read_text(encoding="utf-8", errors="replace"), lock.source_language), url)
        for url, path in main.items()
    }
    for entry in lock.entries.values():
        if (entry.lang, url_of_page(entry.page)) not in built:
            continue
        embed_file = output_path(embed_url(url_of_page(entry.page)))
        for kind, path in (("embed", embed_file), ("fragment", fragment_path(entry.page))):
            if (kind, entry.page) not in checked:
                findings.append(
                    emergency.Finding(
                        entry.page,
                        None,
                        entry.id,
                        "embed-missing",
                        f"The page holds the approved {entry.section.kind} section '{entry.section.heading}', "
                        f"but the built folder has no {kind} of it ({path}).",
                        "Build with hooks/embed_pages.py listed under hooks: in mkdocs.yml.",
                    )
                )
    return findings


# --------------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    """Check the embed pages and fragments of a built folder against the approved lock."""
    parser = argparse.ArgumentParser(prog="python -m ivig_guide.embed", description=main.__doc__)
    parser.add_argument("command", choices=["check"], help="check the embeds of a built folder")
    parser.add_argument("site", type=Path, help="a built site folder, e.g. site")
    parser.add_argument("--docs", type=Path, help="the Markdown folder, to name source lines (e.g. docs)")
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="mkdocs.yml to read the number from")
    args = parser.parse_args(argv)
    try:
        settings = emergency.read_config(args.config) if args.config.is_file() else {"number": "911"}
        lock = emergency.read_lock(settings.get("lock") or Path("hooks") / emergency.LOCK_FILE)
        if not args.site.is_dir():
            raise LockError(f"{args.site}: no such folder. Build the site first (`make build`).")
        emergency.require_number(lock, settings["number"])
        findings = check_embeds(args.site, lock=lock, number=settings["number"], docs=args.docs)
    except LockError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    if findings:
        print(emergency.format_findings(findings), file=sys.stderr)
        return 1
    count = sum(1 for _ in (args.site / EMBED_DIR).rglob("*.html"))
    print(f"Embeds: {count} embed pages and fragments of {args.site} keep their emergency sections intact.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
