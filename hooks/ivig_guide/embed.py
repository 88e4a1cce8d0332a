"""Pages for patient portals: a chrome-free copy of every page, and an HTML fragment of its content.

For every page ``<url>`` of the guide the build writes

- ``embed/<url>index.html``: the page content alone, in the guide's styles, for an ``<iframe>``. It
  carries no script but ``assets/javascripts/embed.js``, which tells the parent page its height.
  Links to other guide pages stay inside the embed; every other link leaves the frame.
- ``embed/fragments/<page>.html`` (``<page>`` is the Markdown path without ``.md``, e.g.
  ``embed/fragments/anaphylaxis.html``, ``embed/fragments/index.html``): the content as HTML to
  insert into a portal's own page, with the guide's CSS scoped under one wrapper class
  (:mod:`ivig_guide.fragment_css`), absolute links and no script. Addresses come from
  :mod:`ivig_guide.addresses`.

The emergency guard's checks (:mod:`ivig_guide.page_check`) run over both, during the build and
standalone::

    python -m ivig_guide.embed check site

Everything here works on strings and paths; nothing imports MkDocs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html

from ivig_guide.addresses import (
    EDITION,
    EMBED_DIR,
    FRAGMENT_DIR,
    embed_url,
    fragment_path,
    output_path,
    page_of_fragment,
    relative_url,
    site_target,
    split_url,
    url_of_page,
)
from ivig_guide.article import parse_article
from ivig_guide.emergency_blocks import KIND_ATTRIBUTE
from ivig_guide.errors import GuideError, OutputError
from ivig_guide.fragment_css import Rule, prune_css
from ivig_guide.html_query import elements
from ivig_guide.lock import Lock, Section, diff_sections
from ivig_guide.page_check import check_page
from ivig_guide.rules import Finding, format_findings
from ivig_guide.rules import Rule as GuardRule
from ivig_guide.sections import extract_section, page_language
from ivig_guide.settings import configured_lock
from ivig_guide.site_check import source_for
from ivig_guide.source_lines import section_line

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


class EmbedError(OutputError):
    """A page or folder cannot be made into (or checked as) an embed; the message says why and what to do."""


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
        for element in elements(doc, path):
            element.drop_tree()
    for script in elements(doc, "//script"):
        target = site_target(script.get("src", ""), page_url) if script.get("src") else None
        if target != SCRIPT:
            script.drop_tree()
    for element in doc.iter():
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value is None or value.startswith("#") or (element.tag == "link" and element.get("rel") == "canonical"):
                continue
            target = site_target(value, page_url)
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
    return str(lxml.html.tostring(doc, encoding="unicode", doctype="<!doctype html>"))


def stylesheets_of(html: str, page_url: str) -> tuple[str, ...]:
    """Return the site-relative paths of the stylesheets the embed of the page at ``page_url`` links, in order."""
    doc = lxml.html.document_fromstring(html)
    here = embed_url(page_url)
    links = (link.get("href", "") for link in doc.iter("link") if link.get("rel") == "stylesheet")
    found = (site_target(href, here) for href in links)
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
    for script in elements(article, ".//script"):
        script.drop_tree()
    for element in article.iter():
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value is None or value.startswith("#"):
                continue
            absolute = urljoin(base, value)
            if absolute.startswith(root):
                edition, rest = split_url(absolute.removeprefix(root))
                if rest.startswith(EMBED_DIR + "/"):  # the guide's page (of its edition), not its embed
                    absolute = root + edition + rest.removeprefix(EMBED_DIR + "/")
            element.set(attribute, absolute)
            if element.tag == "a" and urlsplit(absolute).scheme in ("http", "https"):
                if "target" in element.attrib:
                    del element.attrib["target"]
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


# --------------------------------------------------------------------------- the guard over embeds


def sections_of(html: str) -> list[Section]:
    """Return the marked emergency sections of a page or fragment, as the guard reads them."""
    article = parse_article(html)
    if article is None:
        return []
    return [extract_section(e) for e in article.iter("section") if e.get(KIND_ATTRIBUTE) is not None]


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
) -> list[Finding]:
    """Check an embed page or fragment (at ``where``) with the guard's rules, and against its main page.

    ``main_sections`` are the sections of the page it was made from (None when that page is not at hand).
    """
    result = check_page(html, page=page, lock=lock, number=number, lang=lang, source=source)
    findings = [Finding(f.page, f.line, f.section, f.rule, f"In {where}: {f.message}", f.fix) for f in result.findings]
    if main_sections is not None and list(main_sections) != result.sections:
        found = {section.id: section for section in result.sections}
        for section in main_sections:
            got = found.get(section.id)
            if got == section:
                continue
            message = "is not on it" if got is None else "differs from the page"
            changes = "" if got is None else "\n" + "\n".join(diff_sections(section, got))
            findings.append(
                Finding(
                    page,
                    section_line(source, section.id),
                    section.id,
                    GuardRule.EMBED_DIFFERS,
                    f"In {where}: the {section.kind} section {message}.{changes}",
                    "Embeds are made from the page by hooks/embed_pages.py: rebuild, and check that no other "
                    "hook changes embed pages.",
                )
            )
        extra = [s.id for s in result.sections if s.id not in {m.id for m in main_sections}]
        if extra:
            findings.append(
                Finding(
                    page,
                    None,
                    extra[0],
                    GuardRule.EMBED_DIFFERS,
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
        if split_url(url)[1].split("/", 1)[0] == EMBED_DIR:
            continue
        text = html_path.read_text(encoding="utf-8", errors="replace")
        if "<article" in text or KIND_ATTRIBUTE in text:
            pages[url] = html_path
    return pages


def check_embeds(site_dir: Path, *, lock: Lock, number: str, docs: Path | None = None) -> list[Finding]:
    """Check the embed pages and fragments of a built folder: the guard's rules, the lock, and the main pages.

    Every page that holds approved sections must have an embed and a fragment that hold them
    unchanged; every embed and fragment present must pass the guard and match its main page.
    """
    site = Path(site_dir)
    findings: list[Finding] = []
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
        return sections_of(html), page_language(html, lock.source_language)

    outputs: list[tuple[str, str, str, str, Path]] = []  # (kind, page, main page URL, where, file)
    # Every edition's embeds: embed/ and each language's es/embed/.
    editions = [""] + sorted(f"{path.name}/" for path in site.iterdir() if path.is_dir() and EDITION.match(path.name))
    for edition in editions:
        embed_root = site / edition / EMBED_DIR
        for html_path in sorted(embed_root.rglob("index.html")) if embed_root.is_dir() else []:
            if html_path.is_relative_to(site / edition / FRAGMENT_DIR):
                continue
            rel = html_path.relative_to(embed_root).as_posix()
            page = source_for(site / edition / rel, site, docs, known)
            main_url = edition + rel[: -len("index.html")]
            outputs.append(("embed", page, main_url, f"{edition}{EMBED_DIR}/{rel}", html_path))
        fragment_root = site / edition / FRAGMENT_DIR
        for html_path in sorted(fragment_root.rglob("*.html")) if fragment_root.is_dir() else []:
            rel = html_path.relative_to(site).as_posix()
            page = page_of_fragment(rel)
            outputs.append(("fragment", page, url_of_page(page), rel, html_path))
    for kind, page, page_url, where, html_path in outputs:
        html = html_path.read_text(encoding="utf-8", errors="replace")
        main_sections, main_lang = main_of(page_url)
        if kind == "embed":
            lang = page_language(html, lock.source_language)
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
        (page_language(path.read_text(encoding="utf-8", errors="replace"), lock.source_language), url)
        for url, path in main.items()
    }
    for entry in lock.entries.values():
        if (entry.lang, url_of_page(entry.page)) not in built:
            continue
        embed_file = output_path(embed_url(url_of_page(entry.page)))
        for kind, path in (("embed", embed_file), ("fragment", fragment_path(entry.page))):
            if (kind, entry.page) not in checked:
                findings.append(
                    Finding(
                        entry.page,
                        None,
                        entry.id,
                        GuardRule.EMBED_MISSING,
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
        settings, lock = configured_lock(args.config)
        if not args.site.is_dir():
            raise OutputError(f"{args.site}: no such folder. Build the site first (`make build`).")
        findings = check_embeds(args.site, lock=lock, number=settings.number, docs=args.docs)
    except GuideError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    if findings:
        print(format_findings(findings), file=sys.stderr)
        return 1
    count = sum(1 for _ in (args.site / EMBED_DIR).rglob("*.html"))
    print(f"Embeds: {count} embed pages and fragments of {args.site} keep their emergency sections intact.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
