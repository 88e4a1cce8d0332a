"""Every copy of the Spanish guide a reader can get is in Spanish: pages, embeds, fragments, print pages, 404.

Each built document under es/ is read as a reader gets it (its text, its title and description, the attributes
that are read out or shown: tooltips, accessible names, text alternatives, placeholders, the margins of printed
pages) and must hold no English word but the names of tests/english_words.yml. The site's one 404 page must say
the same in Spanish, marked lang="es", leading to the Spanish pages. The PDFs are checked by tests/test_handouts.py.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from conftest import SETTINGS, TRANSLATIONS, BuiltSite, edition_config, url_of
from english_text import documents, english_in, english_on_page, read_text

from ivig_guide.addresses import embed_url, fragment_path, url_of_page
from ivig_guide.print_pages import CARD_PAGE, GUIDE_PAGE

OTHER = [lang for lang in SETTINGS.languages if lang != SETTINGS.default_language]
SPANISH = "es"


def test_the_word_list_finds_english() -> None:
    """Find the English of the site's frame, and pass names, addresses and Spanish text."""
    assert english_in("Switch to dark mode") == ["dark", "mode", "switch", "to"]
    assert english_in("My care team (write the phone number on the line):") == [
        "care", "line", "my", "number", "on", "phone", "team", "the", "write",
    ]  # fmt: skip
    assert english_in("Immune Deficiency Foundation, CC BY 4.0, https://example.org/when-to-get-help/") == []
    assert english_in("Llame al 911 si tiene una reacción alérgica grave. Código QR.") == []


def test_a_page_with_english_is_caught() -> None:
    """Read the page's text, its title, its accessible names and its margins, but not code or English marked as such."""
    page = (
        '<html lang="es"><head><title>Guía</title><meta name="description" content="Una guía"></head><body>'
        '<a href="/" lang="en">English</a><pre><code>if (data.version) return;</code></pre>'
        '<button aria-label="Switch to dark mode"></button><p>Hola.</p></body></html>'
    )
    assert english_on_page(page, lang=SPANISH) == ["dark", "mode", "switch", "to"]
    fixed = page.replace("Switch to dark mode", "Cambiar al modo oscuro")
    assert english_on_page(fixed, lang=SPANISH) == []
    assert english_on_page(fixed.replace("Hola", "Hello, this is the page"), lang=SPANISH) == [
        "is", "page", "the", "this",
    ]  # fmt: skip
    margins = fixed.replace('lang="es"', 'lang="es" data-pg-print-reviewed="Last reviewed: 1 de mayo"', 1)
    assert english_on_page(margins, lang=SPANISH) == ["last", "reviewed"]


@pytest.mark.parametrize("lang", OTHER)
def test_every_spanish_copy_is_in_spanish(built_site: BuiltSite, lang: str) -> None:
    """Leave no English word on any document of the edition: pages, embed pages, fragments and print pages."""
    found = {
        path.relative_to(built_site.path).as_posix(): english_on_page(path.read_text(encoding="utf-8"), lang=lang)
        for path in documents(built_site.path, lang)
    }
    pages = TRANSLATIONS[lang]
    expected = {f"{url_of(f'{lang}/{page}')}index.html" for page in pages}
    expected |= {f"{embed_url(url_of_page(f'{page}.{lang}.md'))}index.html" for page in pages}
    expected |= {fragment_path(f"{page}.{lang}.md") for page in pages}
    expected |= {f"{lang}/{GUIDE_PAGE}", f"{lang}/{CARD_PAGE}"}
    assert expected <= set(found), f"copies not built: {sorted(expected - set(found))}"
    assert {path: words for path, words in found.items() if words} == {}


@pytest.mark.parametrize("lang", OTHER)
def test_the_404_page_speaks_the_edition(built_site: BuiltSite, lang: str) -> None:
    """Say on the site's 404 page, in the edition's language and marked so, what happened, with its links."""
    html = (built_site.path / "404.html").read_text(encoding="utf-8")
    root = lxml.html.document_fromstring(html)
    parts = [part for part in root.iter("div") if part.get("lang") == lang]
    assert len(parts) == 1, f"404.html has no part marked lang={lang!r}"
    texts = read_text(html, lang=lang)
    assert texts and english_in(" ".join(texts)) == []
    base = "http://site.invalid" + urlsplit(built_site.url).path
    hrefs = {urlsplit(urljoin(base, a.get("href", ""))).path for a in parts[0].iter("a")}
    site_path = urlsplit(built_site.url).path
    assert hrefs == {f"{site_path}{lang}/", f"{site_path}{edition_config(lang)['extra']['emergency_url']}"}
    assert {a.get("hreflang") for a in parts[0].iter("a")} == {lang}
