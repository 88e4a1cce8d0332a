"""The guide's print pages: the whole guide as one HTML page, and the one-page emergency card.

Both are made at build time from the final HTML of the guide's pages, so they say exactly what the
pages say, and are printed to PDF by :mod:`ivig_guide.handouts`. Nothing here imports MkDocs: the
hook ``hooks/print_pages.py`` collects each page as a :class:`PrintSource` and renders the templates
``overrides/print/guide.html`` and ``overrides/print/emergency-card.html`` with what these functions
return. The emergency guard's own checks run over both pages (:func:`check_print_page`), so a step
lost on the way to paper fails the build like a step lost on a web page.
"""

from __future__ import annotations

import html as html_lib
import posixpath
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html

from ivig_guide.addresses import split_source
from ivig_guide.article import parse_article
from ivig_guide.emergency_blocks import KIND_ATTRIBUTE, TITLE_CLASS
from ivig_guide.lock import Lock
from ivig_guide.page_check import PageResult, check_build, check_page
from ivig_guide.rules import Finding, Rule
from ivig_guide.site_check import PRINT_SOURCE_ATTRIBUTE

#: Where the print pages are written, relative to the site folder.
GUIDE_PAGE = "print/guide/index.html"
CARD_PAGE = "print/emergency-card/index.html"
#: Where ``make handouts`` writes the PDFs, relative to the site folder.
HANDOUTS_DIR = "handouts"
GUIDE_PDF = "handouts/ivig-guide.pdf"
CARD_PDF = "handouts/emergency-card.pdf"
CARD_PDF_A4 = "handouts/emergency-card-a4.pdf"
#: Each page of the guide in the combined page is an element carrying these attributes.
SOURCE_ATTRIBUTE = PRINT_SOURCE_ATTRIBUTE
URL_ATTRIBUTE = "data-pg-print-page-url"
#: A built page's ``<html>`` names its own PDF with this attribute.
PDF_ATTRIBUTE = "data-pg-print-pdf"
#: The approved sections on the emergency card, in the order printed.
CARD_SECTIONS = ("anaphylaxis-call-911", "anaphylaxis-first-aid", "headache-warning-signs")
_EXTERNAL = ("http:", "https:", "mailto:", "tel:", "sms:", "data:", "//")


class PrintError(ValueError):
    """A print page cannot be made; the message names the page and the fix."""


@dataclass(frozen=True)
class PrintSource:
    """One built page of the guide, as the print pages need it."""

    src: str  # source file, e.g. "anaphylaxis.md"
    url: str  # site-relative URL, e.g. "anaphylaxis/" ("" for the home page)
    title: str
    html: str  # the page's final HTML
    in_guide: bool = True  # False for pages that say `print: false` (maintainers' pages)
    review: Mapping[str, Any] = field(default_factory=dict)  # the page's pg_review dates


def mark_for_print(html: str, *, title: str, url: str, reviewed: str, pdf: str = "") -> str:
    """Return a built page whose ``<html>`` carries what its printed pages show in their margins.

    ``print.css`` reads these attributes into the running header and footer of every printed page
    (the guide's title, the page's web address, its "last reviewed" date), so no inline style or
    script is needed. ``pdf`` is where ``make handouts`` writes the page's own PDF.
    """
    start = html.find("<html")
    if start < 0:
        return html
    values = {
        "data-pg-print-title": title,
        "data-pg-print-url": url,
        "data-pg-print-reviewed": reviewed,
        PDF_ATTRIBUTE: pdf,
    }
    attributes = "".join(f' {name}="{html_lib.escape(value, quote=True)}"' for name, value in values.items() if value)
    cut = start + len("<html")
    return html[:cut] + attributes + html[cut:]


def review_span(pages: Iterable[PrintSource]) -> dict[str, str]:
    """Return the review dates of several pages together: the oldest review and the first due date."""
    reviews = [page.review for page in pages if page.review]
    if not reviews:
        return {}
    oldest = min(reviews, key=lambda review: str(review["reviewed"]))
    first_due = min(reviews, key=lambda review: str(review["review_due"]))
    return {
        "reviewed": str(oldest["reviewed"]),
        "reviewed_text": str(oldest["reviewed_text"]),
        "review_due": str(first_due["review_due"]),
        "review_due_text": str(first_due["review_due_text"]),
    }


def handout_pdf(src: str) -> str:
    """Return the site-relative path of a page's own PDF ('anaphylaxis.es.md' → 'es/handouts/pages/anaphylaxis.pdf')."""
    lang, original = split_source(src)
    stem = original[: -len(".md")] if original.endswith(".md") else original
    return f"{lang + '/' if lang else ''}{HANDOUTS_DIR}/pages/{stem}.pdf"


def slug_of(src: str) -> str:
    """Return the id prefix of a page in the combined guide, e.g. 'maintainers-editing' for 'maintainers/editing.md'."""
    stem = src[: -len(".md")] if src.endswith(".md") else src
    return "p-" + stem.replace("/", "-")


# --------------------------------------------------------------------------- the combined guide


@dataclass(frozen=True)
class GuideChapter:
    """One page of the guide inside the combined page: its anchor, title, URL and rewritten content."""

    id: str
    src: str
    url: str
    title: str
    html: str


def combine_guide(pages: Sequence[PrintSource], *, site_url: str) -> list[GuideChapter]:
    """Return the chapters of the combined guide, in order, with unique ids and in-document links.

    Links between pages of the guide become links to anchors in the same document; links to pages
    left out, and to files, become absolute addresses under ``site_url`` so they still work on paper.
    """
    chosen = [page for page in pages if page.in_guide]
    by_url = {page.url: page for page in chosen}
    id_maps: dict[str, dict[str, str]] = {}
    articles: dict[str, lxml.html.HtmlElement] = {}
    for page in chosen:
        article = parse_article(page.html)
        if article is None:
            raise PrintError(f"{page.src}: the built page has no content (<article>), so it cannot be printed.")
        _drop_screen_only(article)
        id_maps[page.url] = _unique_ids(article, slug_of(page.src))
        articles[page.url] = article
    chapters = []
    for page in chosen:
        article = articles[page.url]
        _rewrite_links(article, page.url, by_url, id_maps, site_url=site_url)
        inner = (article.text or "") + "".join(
            lxml.html.tostring(child, encoding="unicode", method="html") for child in article
        )
        chapters.append(GuideChapter(slug_of(page.src), page.src, page.url, page.title, inner))
    return chapters


def _drop_screen_only(article: lxml.html.HtmlElement) -> None:
    """Remove what belongs to the web page, not the printed guide: the page footer and hidden notes."""
    for element in list(article.iter()):
        if not isinstance(element.tag, str):
            continue
        classes = element.classes
        if "pg-page-meta" in classes or "pg-handout-links" in classes or "md-source-file" in classes:
            element.drop_tree()
        elif "pg-review--overdue" in classes and element.get("hidden") is not None:
            element.drop_tree()


def _unique_ids(article: lxml.html.HtmlElement, prefix: str) -> dict[str, str]:
    """Prefix every id with the page's slug, except the emergency sections' (already unique site-wide)."""
    kept: set[str] = set()
    for section in article.iter("section"):
        if section.get(KIND_ATTRIBUTE) is not None:
            kept.add(section.get("id", ""))
            for title in section.iter():
                if isinstance(title.tag, str) and TITLE_CLASS in title.classes and title.get("id"):
                    kept.add(title.get("id"))
    mapping: dict[str, str] = {}
    for element in article.iter():
        if not isinstance(element.tag, str) or element is article:
            continue
        old = element.get("id")
        if old and old not in kept:
            mapping[old] = f"{prefix}--{old}"
            element.set("id", mapping[old])
        for attribute in ("aria-labelledby", "aria-describedby", "aria-controls", "for"):
            value = element.get(attribute)
            if value:
                element.set(attribute, " ".join(f"{prefix}--{v}" if v not in kept else v for v in value.split()))
    for old in kept:
        mapping[old] = old
    return mapping


def _rewrite_links(
    article: lxml.html.HtmlElement,
    page_url: str,
    by_url: dict[str, PrintSource],
    id_maps: dict[str, dict[str, str]],
    *,
    site_url: str,
) -> None:
    """Point links at anchors of the combined page, or at absolute addresses outside it."""
    base = "http://guide.invalid/"
    here = urljoin(base, page_url)
    for element in article.iter("a", "img", "source"):
        attribute = "href" if element.tag == "a" else "src"
        value = element.get(attribute)
        if not value or value.lower().startswith(_EXTERNAL):
            continue
        if value.startswith("#"):
            element.set(attribute, "#" + id_maps[page_url].get(value[1:], value[1:]))
            continue
        target = urlsplit(urljoin(here, value))
        path = target.path[len("/") :]
        if path.endswith("index.html"):
            path = path[: -len("index.html")]
        if element.tag == "a" and path in by_url:
            if target.fragment:
                element.set("href", "#" + id_maps[path].get(target.fragment, target.fragment))
            else:
                element.set("href", "#" + slug_of(by_url[path].src))
        else:
            absolute = urljoin(site_url, posixpath.normpath(target.path).lstrip("/"))
            if target.path.endswith("/") and not absolute.endswith("/"):
                absolute += "/"
            element.set(attribute, absolute + (f"#{target.fragment}" if target.fragment else ""))


# --------------------------------------------------------------------------- the emergency card


@dataclass(frozen=True)
class CardSection:
    """One approved section on the card: its source page and its HTML as built."""

    id: str
    src: str
    html: str


def card_sections(pages: Iterable[PrintSource], section_ids: Sequence[str] = CARD_SECTIONS) -> list[CardSection]:
    """Return the card's sections, taken as built from the pages that hold them; raise if one is missing."""
    found: dict[str, CardSection] = {}
    for page in pages:
        if KIND_ATTRIBUTE not in page.html:
            continue
        article = parse_article(page.html)
        if article is None:
            continue
        for section in article.iter("section"):
            section_id = section.get("id", "")
            if section.get(KIND_ATTRIBUTE) is not None and section_id in section_ids:
                html = lxml.html.tostring(section, encoding="unicode", method="html", with_tail=False)
                found[section_id] = CardSection(section_id, page.src, html)
    missing = [section_id for section_id in section_ids if section_id not in found]
    if missing:
        raise PrintError(
            f"The emergency card needs the sections {', '.join(missing)}, which no page of the guide has. "
            "Restore them, or change CARD_SECTIONS in hooks/ivig_guide/print_pages.py."
        )
    return [found[section_id] for section_id in section_ids]


def approved_on(lock: Lock | None, lang: str, section_ids: Iterable[str]) -> str:
    """Return the date the card's wording was last approved (the latest of its sections), or ''."""
    dates = [entry.approved_on for s in section_ids if lock and (entry := lock.get(lang, s)) is not None]
    return max(dates, default="")


# --------------------------------------------------------------------------- the guard over print pages


def check_print_page(
    html: str,
    *,
    name: str,
    lock: Lock | None,
    number: str,
    lang: str,
    require: Sequence[str] | None = None,
) -> list[Finding]:
    """Run the emergency guard over a print page, one source page at a time.

    Each element with ``data-pg-print-source`` holds content of one page of the guide and is checked
    as that page. ``require`` lists the section ids that must be there (the card's); by default every
    approved section of the lock must be. Findings name the print page as well as the source.
    """
    root = lxml.html.document_fromstring(html)
    results: list[PageResult] = []
    for part in root.iter():
        if not isinstance(part.tag, str) or part.get(SOURCE_ATTRIBUTE) is None:
            continue
        fragment = lxml.html.tostring(part, encoding="unicode", method="html", with_tail=False)
        src = str(part.get(SOURCE_ATTRIBUTE))
        results.append(check_page(f"<article>{fragment}</article>", page=src, lock=lock, number=number, lang=lang))
    findings = [finding for result in results for finding in result.findings]
    if lock is not None:
        if require is None:
            printed = {result.page for result in results}
            findings += check_build(results, lock=lock, lang=lang, built_pages=printed)
        else:
            # A part holds chosen sections of its page, not all of them: only the required ones must be there.
            partial = (Rule.SECTION_MISSING, Rule.TRANSLATION_MISSING)
            findings = [finding for finding in findings if finding.rule not in partial]
            seen = {section.id for result in results for section in result.sections}
            findings += [
                Finding(
                    name,
                    None,
                    section_id,
                    Rule.SECTION_MISSING,
                    "The approved section is not on this print page.",
                    "Restore it in the template of the print page.",
                )
                for section_id in require
                if section_id not in seen
            ]
    return [
        Finding(f"{name} ({f.page})" if f.page != name else name, None, f.section, f.rule, f.message, f.fix)
        for f in findings
    ]
