"""The language editions of one build: addresses, language, alternates, switcher, untranslated pages, outputs."""

from __future__ import annotations

import datetime
import functools
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
import pytest
from conftest import DOCS, EDITION_PAGES, PAGES, ROOT, SETTINGS, TRANSLATIONS, BuiltSite, page_html, url_of
from guard_support import build_project, copy_project

from ivig_guide.addresses import embed_url, fragment_path, url_of_page
from ivig_guide.editions import readable_date, strings
from ivig_guide.lock import read_lock
from ivig_guide.print_pages import CARD_PAGE, GUIDE_PAGE, handout_pdf
from ivig_guide.settings import load_config_file

LOCK = read_lock(ROOT / "hooks" / "emergency-lock.yml")
OTHER = [lang for lang in SETTINGS.languages if lang != SETTINGS.default_language]
SPANISH = [f"es/{page}" for page in TRANSLATIONS["es"]]


def _doc(site: BuiltSite, page: str) -> lxml.html.HtmlElement:
    """Return a built page of any edition, parsed."""
    return lxml.html.document_fromstring(page_html(site, url_of(page)))


def test_editions_come_from_mkdocs_yml() -> None:
    """Build English at the root and Spanish under es/, as the i18n plugin in mkdocs.yml says."""
    assert SETTINGS.default_language == "en"
    assert OTHER == ["es"]
    assert SETTINGS.omit_pages == ()  # the default edition omits nothing


@pytest.mark.parametrize("page", EDITION_PAGES)
def test_every_page_says_its_language(built_site: BuiltSite, page: str) -> None:
    """Give every page <html lang> of its edition, Material's interface strings and the search box in that language."""
    lang = page.split("/")[0] if page.split("/")[0] in OTHER else SETTINGS.default_language
    doc = _doc(built_site, page)
    assert doc.get("lang") == lang
    header = doc.find(".//nav[@class='md-header__inner md-grid']")
    assert header is not None and header.get("aria-label") == {"en": "Header", "es": "Cabecera"}[lang]
    search = doc.find(".//input[@id='pg-search-input']")
    assert search is not None
    assert search.get("placeholder") == {"en": "Search", "es": "Buscar"}[lang]


def test_no_english_page_under_a_spanish_address(built_site: BuiltSite) -> None:
    """Build under es/ only the pages written in Spanish; never an English page with lang="es"."""
    spanish_pages = {
        path.parent.relative_to(built_site.path).as_posix() + "/"
        for path in (built_site.path / "es").rglob("index.html")
        if "<article" in path.read_text(encoding="utf-8")
        and not {"embed", "print"} & set(path.relative_to(built_site.path / "es").parts)
    }
    assert sorted(spanish_pages) == sorted("es/" if page == "index" else f"es/{page}/" for page in TRANSLATIONS["es"])
    assert not (built_site.path / "es" / "maintainers").exists()


@functools.cache
def _omit_pages(lang: str) -> tuple[str, ...]:
    """Return the pages an edition leaves out, as mkdocs.yml's i18n settings for that language name them."""
    plugins = load_config_file(ROOT / "mkdocs.yml")["plugins"]
    i18n = next(item["i18n"] for item in plugins if isinstance(item, dict) and "i18n" in item)
    language = next(language for language in i18n["languages"] if language["locale"] == lang)
    return tuple((language.get("extra") or {}).get("omit_pages") or [])


def _english_links(site, page: str, untranslated: set[str]) -> int:
    """Check every link of a Spanish page to an untranslated page is marked English; return how many there are."""
    here = urljoin("http://site.invalid/", url_of(page))
    marked = 0
    for link in _doc(site, page).iter("a"):
        target = urlsplit(urljoin(here, link.get("href", ""))).path.lstrip("/")
        if target in untranslated:
            assert link.get("hreflang") == "en", f"{page}: the link to {target} is not marked as English"
            assert "(en inglés)" in link.text_content()
            assert (site.path / target / "index.html").is_file()
            marked += 1
    return marked


@pytest.mark.parametrize("page", SPANISH)
def test_untranslated_pages_are_linked_as_english(built_site: BuiltSite, page: str) -> None:
    """Link every untranslated page from the Spanish edition to the English page, marked hreflang="en"."""
    omitted = {page.removesuffix(".md") for page in _omit_pages("es")}
    untranslated = {p for p in PAGES if p not in TRANSLATIONS["es"]}
    marked = _english_links(built_site, page, {url_of(p) for p in untranslated})
    if untranslated - omitted:
        assert marked > 0, "the Spanish menu lists the untranslated pages"


@pytest.mark.slow
def test_a_page_not_yet_translated_is_linked_as_english(tmp_path) -> None:
    """Build a copy whose Spanish edition lacks one page: its menu links to the English page, marked English."""
    project = copy_project(tmp_path / "project")
    page = next(
        p for p in TRANSLATIONS["es"] if p != "index" and not any(e.page == f"{p}.md" for e in LOCK.entries.values())
    )
    (project / "docs" / f"{page}.es.md").unlink()
    for other in (project / "docs").glob("*.es.md"):
        # Spanish pages that link to the missing page link to the English one, as a writer would.
        text = other.read_text(encoding="utf-8")
        other.write_text(text.replace(f"]({page}.md", f"](../{page}/)"), encoding="utf-8")
    outcome = build_project(project)
    assert outcome.ok, outcome.error + outcome.log

    class Site:
        path = outcome.site

    assert _english_links(Site, "es/index", {url_of(page)}) > 0
    assert not (outcome.site / "es" / url_of(page)).exists()


def test_spanish_menu_leaves_out_the_maintainers_page(built_site: BuiltSite) -> None:
    """Leave the maintainers' page out of the Spanish edition, menu included."""
    for page in SPANISH:
        hrefs = [link.get("href", "") for link in _doc(built_site, page).iter("a")]
        assert not [href for href in hrefs if "maintainers" in href], page


def _sitemap_alternates(site: BuiltSite) -> dict[str, dict[str, str]]:
    """Return each address of the sitemap and its hreflang alternates."""
    namespaces = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = lxml.etree.fromstring((site.path / "sitemap.xml").read_bytes())
    return {
        url.findtext("s:loc", namespaces=namespaces): {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link[@rel='alternate']", namespaces)
        }
        for url in root.findall("s:url", namespaces)
    }


@pytest.mark.parametrize("page", EDITION_PAGES)
def test_alternates_are_absolute_with_x_default(built_site: BuiltSite, page: str) -> None:
    """List each page's alternates in the sitemap, with absolute addresses from site_url, and x-default."""
    original = page.split("/", 1)[1] if page.split("/")[0] in OTHER else page
    expected = {"en": built_site.url + url_of(original)}
    if original in TRANSLATIONS["es"]:
        expected |= {"es": built_site.url + url_of(f"es/{original}"), "x-default": built_site.url + url_of(original)}
    assert _sitemap_alternates(built_site)[built_site.url + url_of(page)] == expected
    # Not in the page's head: Material's script would request a sitemap.xml beside each such link.
    assert _doc(built_site, page).findall(".//head/link[@rel='alternate']") == []


@pytest.mark.parametrize("page", EDITION_PAGES)
def test_switcher_leads_to_the_same_page_or_the_other_home(built_site: BuiltSite, page: str) -> None:
    """Lead the language switcher to the same page in the other language, or that edition's home page."""
    original = page.split("/", 1)[1] if page.split("/")[0] in OTHER else page
    here = urljoin(built_site.url, url_of(page))
    found = {
        link.get("hreflang"): urljoin(here, link.get("href", ""))
        for link in _doc(built_site, page).iter("a")
        if "md-select__link" in link.get("class", "")
    }
    spanish = url_of(f"es/{original}") if original in TRANSLATIONS["es"] else "es/"
    assert found == {"en": built_site.url + url_of(original), "es": built_site.url + spanish}


@pytest.mark.parametrize("page", SPANISH)
def test_spanish_frame_banner_and_review_dates(built_site: BuiltSite, page: str) -> None:
    """Frame Spanish pages in Spanish: the emergency banner to the Spanish page, review dates the Spanish way."""
    doc = _doc(built_site, page)
    words = strings("es")
    banner = doc.find(".//p[@class='pg-announce']")
    assert banner is not None and words["announce_label"] in banner.text_content()
    link = banner.find(".//a")
    here = urljoin("http://site.invalid/", url_of(page))
    assert urlsplit(urljoin(here, link.get("href"))).path == "/es/when-to-get-help/"
    meta = doc.find(".//aside[@class='pg-page-meta']")
    assert meta is not None and meta.get("aria-label") == words["about_page"]
    review = meta.find(".//p[@class='pg-review']").text_content()
    reviewed = datetime.date.fromisoformat(str(SETTINGS.review["reviewed"]))
    assert f"{words['last_reviewed']}: {readable_date(reviewed, 'es')}" in " ".join(review.split())
    assert readable_date(reviewed, "es").endswith(str(reviewed.year)) and " de " in readable_date(reviewed, "es")


@pytest.mark.parametrize("entry", [e for e in LOCK.entries.values() if e.lang in OTHER], ids=lambda e: e.key)
def test_every_output_of_a_translated_page_is_in_its_edition(built_site: BuiltSite, entry) -> None:
    """Write a translated page's page, embed and fragment under its edition's folder, with its sections."""
    url = url_of_page(entry.page)
    assert url.startswith(f"{entry.lang}/")
    for path in (f"{url}index.html", f"{embed_url(url)}index.html", fragment_path(entry.page)):
        assert path.startswith(f"{entry.lang}/"), path
        html = (built_site.path / path).read_text(encoding="utf-8")
        assert f'id="{entry.id}"' in html, path
    assert handout_pdf(entry.page).startswith(f"{entry.lang}/handouts/pages/")


@pytest.mark.parametrize("lang", OTHER)
def test_print_pages_per_edition(built_site: BuiltSite, lang: str) -> None:
    """Write each edition's print guide and emergency card under its folder, in its language, not over English."""
    for page in (GUIDE_PAGE, CARD_PAGE):
        english = lxml.html.parse(str(built_site.path / page)).getroot()
        translated = lxml.html.parse(str(built_site.path / lang / page)).getroot()
        assert english.get("lang") == SETTINGS.default_language
        assert translated.get("lang") == lang
    card = (built_site.path / lang / CARD_PAGE).read_text(encoding="utf-8")
    for entry in LOCK.in_language(lang):
        if entry.id in card:
            assert entry.section.heading in lxml.html.document_fromstring(card).text_content()


def test_each_document_has_one_policy(built_site: BuiltSite) -> None:
    """Run the CSP pass once over every document of every edition."""
    for path in built_site.path.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        if "<head" in html:
            assert html.count('http-equiv="Content-Security-Policy"') == 1, path


def test_translated_sources_exist_beside_their_originals() -> None:
    """Write each translation as docs/<page>.<lang>.md beside an English docs/<page>.md."""
    for lang, pages in TRANSLATIONS.items():
        for page in pages:
            assert (DOCS / f"{page}.{lang}.md").is_file() and (DOCS / f"{page}.md").is_file()


@pytest.mark.slow
def test_a_copy_in_one_language_still_builds(tmp_path) -> None:
    """Build a fork that drops the i18n plugin and the translations: English alone, with MkDocs' sitemap."""
    project = copy_project(tmp_path / "project")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    start, end = config.index("  - i18n:\n"), config.index("  - redirects:\n")
    (project / "mkdocs.yml").write_text(config[:start] + config[end:], encoding="utf-8")
    for path in (project / "docs").rglob("*.md"):
        if len(path.suffixes) > 1:
            path.unlink()
    outcome = build_project(project)
    assert outcome.ok, outcome.error + outcome.log
    assert not (outcome.site / "es").exists()
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = lxml.etree.fromstring((outcome.site / "sitemap.xml").read_bytes())
    assert len(root.findall("s:url/s:loc", namespace)) == len(PAGES)
