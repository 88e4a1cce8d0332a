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
from ivig_guide.emergency_blocks import CARD_ATTRIBUTE, KIND_ATTRIBUTE, TITLE_CLASS
from ivig_guide.lock import Lock, LockEntry
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
#: The order of the kinds on the emergency card: what to call first, then what to do, then who to see.
CARD_KIND_ORDER = ("emergency", "first-aid", "urgent")
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
        _name_sections_by_page(article)
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


def _name_sections_by_page(article: lxml.html.HtmlElement) -> None:
    """Name each emergency section by its heading and its page's title, so that two "Call 911 if:" differ.

    On the web each page has its own; in the combined guide they would be landmarks of the same name.
    """
    title = next((h1 for h1 in article.iter("h1") if h1.get("id")), None)
    if title is None:
        return
    for section in article.iter("section"):
        if section.get(KIND_ATTRIBUTE) is not None and section.get("aria-labelledby"):
            section.set("aria-labelledby", f"{section.get('aria-labelledby')} {title.get('id')}")


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
    """One approved section on the card: its source page, its kind and its HTML as built."""

    id: str
    src: str
    html: str
    kind: str = ""


def _card_order(kind: str) -> int:
    """Return where a kind comes on the card (unknown kinds last)."""
    return CARD_KIND_ORDER.index(kind) if kind in CARD_KIND_ORDER else len(CARD_KIND_ORDER)


def card_entries(lock: Lock, lang: str) -> list[LockEntry]:
    """Return the approved sections of a language that the card prints, emergency first, in the lock's order."""
    chosen = [entry for entry in lock.in_language(lang) if entry.section.card]
    return sorted(chosen, key=lambda entry: _card_order(entry.section.kind))


def card_section_ids(lock: Lock, lang: str) -> tuple[str, ...]:
    """Return the ids of the sections on the card, in the order printed."""
    return tuple(entry.id for entry in card_entries(lock, lang))


def card_sections(pages: Iterable[PrintSource], *, lock: Lock | None, lang: str) -> list[CardSection]:
    """Return the card's sections, taken as built from the pages that hold them; raise if one is missing.

    The card holds every section the lock approves for ``lang``, except those approved as left off
    (``card: false``). Without a lock (while new wording is being approved) it holds the built
    sections that are not marked ``card: false``, in the same order.
    """
    found: dict[str, CardSection] = {}
    wanted_by_build: list[CardSection] = []
    for page in pages:
        if KIND_ATTRIBUTE not in page.html:
            continue
        article = parse_article(page.html)
        if article is None:
            continue
        for section in article.iter("section"):
            section_id, kind = section.get("id", ""), section.get(KIND_ATTRIBUTE)
            if kind is None or section_id in found:
                continue
            # The card is one short page: its sections are headed parts, not landmarks (two would share a name).
            section.attrib.pop("aria-labelledby", None)
            html = lxml.html.tostring(section, encoding="unicode", method="html", with_tail=False)
            found[section_id] = CardSection(section_id, page.src, html, kind)
            if section.get(CARD_ATTRIBUTE) != "false":
                wanted_by_build.append(found[section_id])
    if lock is None:
        return sorted(wanted_by_build, key=lambda section: _card_order(section.kind))
    section_ids = card_section_ids(lock, lang)
    missing = [section_id for section_id in section_ids if section_id not in found]
    if missing:
        raise PrintError(
            f"The emergency card prints every approved section, and {', '.join(missing)} is on no page of the guide. "
            "Restore it, or leave it off the card on purpose: add `card: false` and a `card_reason:` to its block, "
            "then run `make approve-emergency`."
        )
    return [found[section_id] for section_id in section_ids]


#: Card elements that print a setting of mkdocs.yml name it with this attribute (e.g. "extra.clinic.name").
SETTING_ATTRIBUTE = "data-pg-setting"


@dataclass(frozen=True)
class CardPart:
    """One part of the printed card and its length, for a message about a card that does not fit."""

    name: str  # "anaphylaxis-first-aid (anaphylaxis.md)" or "extra.clinic.name in mkdocs.yml"
    characters: int


def card_parts(html: str) -> list[CardPart]:
    """Return the sections and clinic settings a built card prints, longest first."""
    root = lxml.html.document_fromstring(html)
    parts = []
    for element in root.iter():
        if not isinstance(element, lxml.html.HtmlElement):
            continue
        if element.get(SOURCE_ATTRIBUTE) is not None:
            for section in element.iter("section"):
                if isinstance(section, lxml.html.HtmlElement) and section.get(KIND_ATTRIBUTE) is not None:
                    name = f"{section.get('id')} ({element.get(SOURCE_ATTRIBUTE)})"
                    parts.append(CardPart(name, len(" ".join(section.text_content().split()))))
        elif element.get(SETTING_ATTRIBUTE) is not None:
            text = " ".join(element.text_content().split())
            parts.append(CardPart(f"{element.get(SETTING_ATTRIBUTE)} in mkdocs.yml", len(text)))
    return sorted(parts, key=lambda part: -part.characters)


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
            findings += [
                Finding(
                    f.page,
                    None,
                    f.section,
                    f.rule,
                    f"The printed guide leaves out {f.page}, which holds approved emergency content (its front "
                    "matter says `print: false`, or the page is not built).",
                    f"Remove `print: false` from {f.page}: pages with emergency sections are always printed.",
                )
                if f.rule == Rule.SECTION_MISSING and f.page not in printed
                else f
                for f in check_build(results, lock=lock, lang=lang, built_pages=printed)
            ]
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
