"""The Spanish guide (docs/<page>.es.md): a page for every English page, the same facts and emergency sections, and
plain Spanish held to its INFLESZ limits.

Each page's Markdown is rendered with the site's real Markdown extensions, for checks of what its author wrote;
readability is measured on the Spanish edition of the built site (es/), what a reader gets. The English originals
are read from docs/, mkdocs.yml and the approved lock.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path

import lxml.html
import pytest
from conftest import DOCS, PAGES, ROOT, TRANSLATIONS, BuiltSite, url_of
from english_text import english_in
from guard_support import render
from mkdocs.utils.meta import get_data

from ivig_guide.article import parse_article
from ivig_guide.emergency_blocks import HIDDEN_CLASS, KIND_ATTRIBUTE
from ivig_guide.lock import LockEntry
from ivig_guide.page_check import check_page
from ivig_guide.readability import (
    INFLESZ_EMERGENCY_LIMIT,
    INFLESZ_READER_LIMIT,
    article_text,
    inflesz,
    inflesz_band,
)
from ivig_guide.sections import extract_section
from ivig_guide.settings import configured_lock

#: The Spanish edition: its pages are docs/<page>.es.md, built under es/.
SPANISH = "es"
ENGLISH = ""
#: English pages the Spanish edition leaves out (its maintainers' pages).
NOT_TRANSLATED = ("maintainers/",)
#: Every English page the Spanish edition has, as its path in docs/ without ".md".
TRANSLATED = [page for page in PAGES if not page.startswith(NOT_TRANSLATED)]
SPANISH_PAGES = sorted(TRANSLATIONS.get(SPANISH, []))
CONFIG, LOCK = configured_lock(ROOT / "mkdocs.yml")
NUMBER = CONFIG.number
#: The approved English sections, which every Spanish section translates.
ORIGINALS = LOCK.in_language(LOCK.source_language)


def _source(lang: str, page: str) -> Path:
    """Return the Markdown file of a page in a language ("" for English)."""
    return DOCS / (f"{page}.{lang}.md" if lang else f"{page}.md")


@cache
def _read(lang: str, page: str) -> tuple[str, dict]:
    """Return a page's Markdown and its front matter, split as MkDocs splits them."""
    return get_data(_source(lang, page).read_text(encoding="utf-8"))


@cache
def _html(lang: str, page: str) -> str:
    """Return a page rendered with the site's extensions for the Spanish edition, as an <article>."""
    return render(_read(lang, page)[0], lang=lang or "en")


def _reader_text(html: str) -> str:
    """Return the article's text without the screen-reader prefixes of emergency headings.

    The build writes those prefixes; they are not part of what the page's author wrote.
    """
    article = parse_article(html)
    assert article is not None
    for hidden in article.xpath(f".//span[contains(concat(' ', @class, ' '), ' {HIDDEN_CLASS} ')]"):
        hidden.drop_tree()
    return article_text(lxml.html.tostring(article, encoding="unicode"))


def _sections(html: str) -> dict[str, lxml.html.HtmlElement]:
    """Return a page's marked emergency sections by id."""
    article = parse_article(html)
    assert article is not None
    return {element.get("id"): element for element in article.iter("section") if element.get(KIND_ATTRIBUTE)}


def _numbers(text: str) -> Counter[str]:
    """Return how often each number appears in a text."""
    return Counter(re.findall(r"\d+", text))


def _plain(text: str) -> str:
    """Return text without accents, lower-cased: what a reader may type into a search box."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


# --------------------------------------------------------------------------- pages


def test_every_english_page_has_its_spanish_page() -> None:
    """Translate every English page but the maintainers', under the same file name, and nothing else."""
    assert SPANISH_PAGES == TRANSLATED


@pytest.mark.parametrize("page", TRANSLATED)
def test_front_matter_matches_the_english_page(page: str) -> None:
    """Give each Spanish page the English page's front matter keys, and the same reference, print and review dates."""
    english, spanish = _read(ENGLISH, page)[1], _read(SPANISH, page)[1]
    assert sorted(spanish) == sorted(english)
    for key in ("reference", "print", "reviewed", "review_due"):
        assert spanish.get(key) == english.get(key), key
    assert isinstance(spanish["title"], str) and spanish["title"].strip() and spanish["title"] != english["title"]
    assert isinstance(spanish["description"], str) and spanish["description"].strip()
    assert spanish["description"] != english["description"]
    assert isinstance(spanish["tags"], list) and all(isinstance(tag, str) and tag.strip() for tag in spanish["tags"])


@pytest.mark.parametrize("page", TRANSLATED)
def test_tags_can_be_typed_without_accents(page: str) -> None:
    """Give every tag with an accent or ñ a twin without it, since many readers type Spanish without accents."""
    tags = _read(SPANISH, page)[1]["tags"]
    typed = {tag.lower() for tag in tags}
    assert [tag for tag in tags if _plain(tag) not in typed] == []


@pytest.mark.parametrize("page", TRANSLATED)
def test_links_lead_to_the_same_pages(page: str) -> None:
    """Link to the same pages of the guide as the English page, by their file names."""

    def targets(lang: str) -> set[str]:
        article = parse_article(_html(lang, page))
        assert article is not None
        return {
            a.get("href", "").split("#")[0]
            for a in article.iter("a")
            if a.get("href", "").split("#")[0].endswith(".md")
        }

    found = targets(SPANISH)
    assert found == targets(ENGLISH)
    # A link to "page.md" leads to the page of the reader's edition: its Spanish file must exist.
    missing = [
        target for target in found if not _source(SPANISH, (Path(page).parent / target).as_posix()[:-3]).is_file()
    ]
    assert missing == []


@pytest.mark.parametrize("page", TRANSLATED)
def test_same_numbers_as_the_english_page(page: str) -> None:
    """Keep every number of the English page (doses, hours, ages, years, percentages), as often as it says it."""
    english = _numbers(_reader_text(_html(ENGLISH, page)))
    spanish = _numbers(_reader_text(_html(SPANISH, page)))
    assert spanish == english, f"{page}: missing {english - spanish}, added {spanish - english}"


def test_glossary_defines_as_many_words_as_the_english_one() -> None:
    """Define in "Palabras que debe conocer" as many words as the English glossary, each with a meaning."""

    def terms(lang: str) -> list[lxml.html.HtmlElement]:
        article = parse_article(_html(lang, "glossary"))
        assert article is not None
        return list(article.iter("dt"))

    spanish = terms(SPANISH)
    assert len(spanish) == len(terms(ENGLISH))
    assert [
        dt.text_content() for dt in spanish if dt.getnext() is None or not dt.getnext().text_content().strip()
    ] == []
    first, *_ = parse_article(_html(SPANISH, "glossary")).iter("h1")
    assert first.text_content() == _read(SPANISH, "glossary")[1]["title"] == "Palabras que debe conocer"


# --------------------------------------------------------------------------- plain Spanish

#: Reader pages are those the English edition does not mark `reference: true`.
READER_PAGES = [page for page in TRANSLATED if not _read(ENGLISH, page)[1].get("reference")]


@pytest.mark.parametrize("page", READER_PAGES)
def test_page_is_easy_to_read(built_site: BuiltSite, page: str) -> None:
    """Keep each built reader page at INFLESZ 60 or more, and pages with emergency content at 65 or more."""
    html = (built_site.path / url_of(f"{SPANISH}/{page}") / "index.html").read_text(encoding="utf-8")
    limit = INFLESZ_EMERGENCY_LIMIT if _sections(html) else INFLESZ_READER_LIMIT
    score = inflesz(html, digit_by_digit={NUMBER})
    assert score >= limit, f"{page}: INFLESZ {score:.1f} ({inflesz_band(score)}) is below {limit}"


def test_emergency_pages_use_the_emergency_limit() -> None:
    """Hold to the stricter limit the Spanish pages of every approved English section."""
    with_sections = {page for page in READER_PAGES if _sections(_html(SPANISH, page))}
    assert with_sections == {entry.page.removesuffix(".md") for entry in ORIGINALS}


@pytest.mark.parametrize("page", TRANSLATED)
def test_no_english_text_is_left(page: str) -> None:
    """Leave no English on a Spanish page (text, title, description, tags) but names of organisations and brands."""
    text, meta = _reader_text(_html(SPANISH, page)), _read(SPANISH, page)[1]
    everything = " ".join([text, meta["title"], meta["description"], *meta["tags"]])
    assert english_in(everything) == []


# --------------------------------------------------------------------------- emergency sections


@pytest.mark.parametrize("entry", ORIGINALS, ids=[entry.id for entry in ORIGINALS])
def test_emergency_section_matches_its_english_original(entry: LockEntry) -> None:
    """Give every approved English section a Spanish section with its id, kind, steps, signs, numbers and tel: links."""
    page = entry.page.removesuffix(".md")
    sections = _sections(_html(SPANISH, page))
    assert entry.id in sections, f"{page}.md has no Spanish section with id: {entry.id}"
    spanish, english = extract_section(sections[entry.id]), entry.section
    assert spanish.kind == english.kind
    assert spanish.shape() == english.shape(), "kind, steps or list items differ from the English section"
    assert sorted(spanish.tel) == sorted(english.tel)
    assert _numbers(spanish.heading) == _numbers(english.heading)
    for (kind, found), (_, approved) in zip(spanish.content, english.content, strict=True):
        # Each text, sign and step keeps its own numbers: "911" stays in the step that says to call it.
        items = [(found, approved)] if isinstance(found, str) else zip(found, approved, strict=True)
        for found_item, approved_item in items:
            assert _numbers(found_item) == _numbers(approved_item), f"a {kind} block: {found_item!r}"


@pytest.mark.parametrize("page", TRANSLATED)
def test_no_spanish_section_without_an_english_original(page: str) -> None:
    """Mark on each Spanish page only the sections approved in English for the same page."""
    approved = {entry.id for entry in ORIGINALS if entry.page == f"{page}.md"}
    assert set(_sections(_html(SPANISH, page))) == approved


@pytest.mark.parametrize("page", TRANSLATED)
def test_page_passes_the_emergency_guard(page: str) -> None:
    """Pass the guard's structure and unguarded-instruction rules, as the English pages do."""
    text = _read(SPANISH, page)[0]
    result = check_page(_html(SPANISH, page), page=f"{page}.md", lock=None, number=NUMBER, lang="es", source=text)
    assert [str(finding) for finding in result.findings] == []


@pytest.mark.parametrize("page", TRANSLATED)
def test_emergency_number_only_in_emergency_sections(page: str) -> None:
    """Name the emergency number only inside marked sections; elsewhere the pages link to the emergency page."""
    article = parse_article(_html(SPANISH, page))
    assert article is not None
    for section in list(_sections(lxml.html.tostring(article, encoding="unicode"))):
        element = article.get_element_by_id(section)
        element.drop_tree()
    assert NUMBER not in _numbers(article_text(lxml.html.tostring(article, encoding="unicode")))


def test_second_pen_advice_keeps_its_timing() -> None:
    """Keep the first-aid advice to use a second pen after the English timing, in the section's last block."""
    for entry in ORIGINALS:
        if entry.section.kind != "first-aid":
            continue
        page = entry.page.removesuffix(".md")
        spanish = extract_section(_sections(_html(SPANISH, page))[entry.id])
        kind, advice = spanish.content[-1]
        assert kind == "text" and "segunda pluma" in advice
        assert _numbers(advice) == _numbers(str(entry.section.content[-1][1])) != Counter()


@pytest.mark.parametrize("page", TRANSLATED)
def test_no_typo_or_page_furniture(page: str) -> None:
    """Leave out the source's typo for IgG and its page furniture, as the English pages do."""
    text = _source(SPANISH, page).read_text(encoding="utf-8")
    assert "IVG" not in text
    assert [word for word in ("pinterest", "stocksy", "santi nuñez", "was this helpful") if word in text.lower()] == []
