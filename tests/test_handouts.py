"""Printed handouts: the print pages, the PDFs of `make handouts`, the guard over them, and Ctrl+P in Chromium."""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from conftest import (
    LOCK,
    NUMBER,
    PAGES,
    ROOT,
    SETTINGS,
    TRANSLATIONS,
    BuiltSite,
    build_site,
    edition_config,
    page_html,
    url_of,
)
from english_text import english_in
from guard_support import build_project, copy_project, replace_in, set_clinic

from ivig_guide.editions import readable_date
from ivig_guide.emergency_blocks import prefixes
from ivig_guide.handouts import PRINT_FONT_JS
from ivig_guide.lock import LOCK_VERSION, LockError, diff_sections, dump_lock, load_lock
from ivig_guide.pdf_check import check_pdf_fonts, check_pdf_text, normalise, pdf_fonts, pdf_text
from ivig_guide.pdf_post import check_pdf_links, mark_artifacts, pdf_links
from ivig_guide.print_pages import (
    CARD_KIND_ORDER,
    CARD_PAGE,
    CARD_PDF,
    CARD_PDF_A4,
    GUIDE_PAGE,
    GUIDE_PDF,
    card_entries,
    card_section_ids,
    handout_pdf,
)
from ivig_guide.search_index import marked_pages
from ivig_guide.serve import free_port, serve
from ivig_guide.settings import care_team_phone

if TYPE_CHECKING:
    from playwright.sync_api import Browser

#: Every edition the guide builds, as (language, folder): ("en", ""), ("es", "es/").
EDITIONS = [(lang, SETTINGS.edition_prefix(lang)) for lang in SETTINGS.languages]
EDITION_IDS = [lang for lang, _folder in EDITIONS]
APPROVED_STEPS = [step for entry in LOCK.entries.values() for steps in entry.section.blocks("steps") for step in steps]
CARD_SECTIONS = card_section_ids(LOCK, LOCK.source_language)
#: The public address the release fixture builds for: no PDF link may lead to the machine that printed it.
PUBLIC_URL = "https://clinic.example.org/ivig-guide/"
LETTER = (612, 792)
A4 = (595, 842)


@dataclass(frozen=True)
class Released:
    """A build with the handout links on, and the handouts printed into it."""

    site: BuiltSite
    printed: subprocess.CompletedProcess[str]

    @property
    def url(self) -> str:
        """The public site_url the handouts were built and printed for."""
        return PUBLIC_URL


def _run_handouts(site: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ivig_guide.handouts", str(site)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT / "hooks")},
    )


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Released:
    """Build with HANDOUTS on and a public site_url into a temporary folder, and print the handouts once."""
    site = build_site(
        tmp_path_factory.mktemp("release") / "site",
        port=free_port(),
        extra_env={"HANDOUTS": "true", "SITE_URL": PUBLIC_URL},
    )
    # As `make release` does: the offline zip, which the About pages link to, is packed before the printing.
    offline = site.path.parent / "site-offline"
    for command in (
        ["-m", "mkdocs", "build", "--strict", "--config-file", "mkdocs.offline.yml", "--site-dir", str(offline)],
        ["-m", "ivig_guide.offline", "zip", str(offline), str(site.path / "downloads" / "ivig-guide-offline.zip")],
    ):
        packed = subprocess.run(
            [sys.executable, *command],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "PYTHONPATH": str(ROOT / "hooks"), "NO_MKDOCS_2_WARNING": "1", "SITE_URL": PUBLIC_URL},
        )
        assert packed.returncode == 0, packed.stderr
    printed = _run_handouts(site.path)
    assert printed.returncode == 0, printed.stderr
    return Released(site, printed)


def _reader(path: Path):
    from pypdf import PdfReader

    return PdfReader(path)


def _size(path: Path, page: int = 0) -> tuple[int, int]:
    box = _reader(path).pages[page].mediabox
    return round(float(box.width)), round(float(box.height))


# --------------------------------------------------------------------------- the PDF check on text


SAFE_TEXT = " ".join([f"Call {NUMBER} if:", *APPROVED_STEPS])


def test_pdf_check_passes_the_approved_steps() -> None:
    """Accept text that holds every approved step in order and the number."""
    assert check_pdf_text(SAFE_TEXT, pdf="t.pdf", entries=LOCK.entries.values(), number=NUMBER) == []


@pytest.mark.parametrize(
    ("fonts", "strangers", "expected"),
    [
        pytest.param({"AtkinsonHyperlegible-Regular", "AtkinsonHyperlegible-BoldItalic"}, [], [], id="print-font"),
        pytest.param({"AtkinsonHyperlegibleMonoExtraLight-Regular"}, [], [], id="its-mono"),
        pytest.param({"AtkinsonHyperlegible-Bold", "DejaVuSans"}, ["DejaVuSans"], ["pdf-font"], id="machine-fallback"),
        pytest.param(
            {"LiberationSans-Bold", "ArialMT"}, ["ArialMT", "LiberationSans-Bold"], ["pdf-font"], id="machine-fonts"
        ),
    ],
)
def test_pdf_font_check_names_the_machine_fonts(fonts: set[str], strangers: list[str], expected: list[str]) -> None:
    """Accept the guide's print fonts only, naming every other font a PDF uses."""
    findings = check_pdf_fonts(fonts, pdf="t.pdf")
    assert [f.rule for f in findings] == expected
    for name in strangers:
        assert name in findings[0].message


def test_pdf_check_ignores_line_breaks_and_hyphenation() -> None:
    """Accept the steps broken over lines and hyphenated, as a PDF's text comes out."""
    broken = SAFE_TEXT.replace("epinephrine pen", "epi-\nnephrine\npen").replace(" them ", "\n them  ")
    assert normalise(broken) == normalise(SAFE_TEXT)
    assert check_pdf_text(broken, pdf="t.pdf", entries=LOCK.entries.values(), number=NUMBER) == []


@pytest.mark.parametrize(
    ("edit", "rule"),
    [
        pytest.param(lambda t: t.replace(APPROVED_STEPS[3], ""), "pdf-step-missing", id="step-lost"),
        pytest.param(lambda t: t.replace("onto their side", "on their back"), "pdf-step-missing", id="step-changed"),
        pytest.param(
            lambda t: t.replace(APPROVED_STEPS[0], "").replace(
                APPROVED_STEPS[2], APPROVED_STEPS[2] + APPROVED_STEPS[0]
            ),
            "pdf-steps-order",
            id="steps-swapped",
        ),
        pytest.param(lambda t: t.replace(NUMBER, f"{NUMBER[0]} {NUMBER[1:]}"), "pdf-number-missing", id="number-lost"),
    ],
)
def test_pdf_check_reports_each_loss(edit, rule: str) -> None:
    """Report a lost, changed or reordered step and a lost number, each as its rule."""
    edited = edit(SAFE_TEXT)
    assert edited != SAFE_TEXT
    findings = check_pdf_text(edited, pdf="t.pdf", entries=LOCK.entries.values(), number=NUMBER)
    assert rule in {finding.rule for finding in findings}
    assert all(finding.page == "t.pdf" for finding in findings)


# --------------------------------------------------------------------------- print pages and links (no browser)


def test_plain_build_has_no_handout_links(built_site: BuiltSite) -> None:
    """Leave the handout links out of a build that prints no handouts."""
    for page in ("", "anaphylaxis/", "when-to-get-help/"):
        links = lxml.html.document_fromstring(page_html(built_site, page)).iter("a")
        assert [a.get("href") for a in links if "handouts/" in a.get("href", "")] == [], page
    assert (built_site.path / GUIDE_PAGE).is_file() and (built_site.path / CARD_PAGE).is_file()


def test_print_pages_are_not_pages(built_site: BuiltSite) -> None:
    """Keep the print pages out of the sitemap and the search index, and free of scripts."""
    assert "print/" not in (built_site.path / "sitemap.xml").read_text(encoding="utf-8")
    marked = [name for names in marked_pages(built_site.path).values() for name in names]
    assert marked and [name for name in marked if "print/" in name] == []
    for page in (GUIDE_PAGE, CARD_PAGE):
        assert "<script" not in (built_site.path / page).read_text(encoding="utf-8")


def test_combined_guide_links_stay_inside_it(built_site: BuiltSite) -> None:
    """Give the combined guide unique ids, a contents list, and in-document links that all resolve."""
    root = lxml.html.document_fromstring((built_site.path / GUIDE_PAGE).read_text(encoding="utf-8"))
    ids = [element.get("id") for element in root.iter() if isinstance(element.tag, str) and element.get("id")]
    assert len(ids) == len(set(ids)), "duplicate ids in the combined guide"
    anchors = [a.get("href") for a in root.iter("a") if a.get("href", "").startswith("#")]
    assert len(anchors) > 12
    assert {href[1:] for href in anchors} <= set(ids)
    relative = [a.get("href") for a in root.iter("a") if not a.get("href", "").startswith(("#", "http", "tel:"))]
    assert relative == [], "links relative to a web page break in the combined guide"
    assert root.find(".//svg") is not None, "the cover has no QR code"


def test_printed_pages_carry_title_address_and_review(built_site: BuiltSite) -> None:
    """Put the title, the canonical address and the review date on each page's <html> for the margins."""
    html = lxml.html.document_fromstring(page_html(built_site, "anaphylaxis/"))
    assert html.get("data-pg-print-title") == "IVIg patient guide"
    assert html.get("data-pg-print-url") == f"{built_site.url}anaphylaxis/"
    assert html.get("data-pg-print-reviewed", "").startswith("Last reviewed: ")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        pytest.param(
            "{%- for section in sections %}", "{%- for section in sections[:2] %}", "section-missing", id="cut"
        ),
        pytest.param("{{ section.html }}", "<details>{{ section.html }}</details>", "section-hidden", id="hidden"),
    ],
)
def test_print_page_that_loses_emergency_content_fails_the_build(tmp_path: Path, old: str, new: str, rule: str) -> None:
    """Stop the build when the card's template drops or hides an approved section, naming the print page."""
    project = copy_project(tmp_path)
    replace_in("overrides/print/emergency-card.html", old, new)(project)
    outcome = build_project(project)
    assert not outcome.ok
    assert "print/emergency-card/index.html" in outcome.log
    assert f"[{rule}]" in outcome.log


@pytest.mark.slow
def test_card_shows_the_clinic_phone(tmp_path: Path) -> None:
    """Print the clinic's care-team phone on the card when mkdocs.yml sets it, instead of the write-in line."""
    project = copy_project(tmp_path)
    set_clinic(phone="(202) 555-0123")(project)
    outcome = build_project(project)
    assert outcome.ok, outcome.error
    for lang, edition in EDITIONS:
        card = lxml.html.document_fromstring((outcome.site / edition / CARD_PAGE).read_text(encoding="utf-8"))
        line = card.find_class("pg-card__care-team")[0].text_content()
        assert "(202)\u00a0555\u20110123" in line and not card.find_class("pg-write-in"), edition
        assert _edition_text(lang)["card_care_team"] in line
        approved = max(entry.approved_on for entry in LOCK.in_language(lang))
        date = readable_date(datetime.date.fromisoformat(approved), lang)
        assert _edition_text(lang)["card_approved"].replace("{date}", date) in " ".join(
            card.find_class("pg-card__meta")[0].text_content().split()
        ), edition


# --------------------------------------------------------------------------- the PDFs


@pytest.mark.browser
@pytest.mark.slow
def test_every_handout_is_printed(released: Released) -> None:
    """Print the guide, the card on Letter and A4, and one PDF per page of the site."""
    site = released.site.path
    for pdf in (GUIDE_PDF, CARD_PDF, CARD_PDF_A4):
        assert (site / pdf).stat().st_size > 10_000, pdf
    editions = {"": PAGES, **{f"{lang}/": pages for lang, pages in TRANSLATIONS.items()}}
    for edition, edition_pages in editions.items():
        for pdf in (GUIDE_PDF, CARD_PDF, CARD_PDF_A4):
            assert (site / edition / pdf).stat().st_size > 10_000, edition + pdf
        folder = site / edition / "handouts" / "pages"
        pages = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.pdf"))
        assert pages == sorted(f"{page}.pdf" for page in edition_pages), edition
        assert not (site / edition / "handouts.tmp").exists()
    lines = (ROOT / "tests" / "published_urls.txt").read_text(encoding="utf-8").splitlines()
    published = [line for line in lines if "handouts/" in line and not line.startswith("#")]
    assert published and [url for url in published if not (site / url).is_file()] == []


@pytest.mark.browser
@pytest.mark.slow
def test_every_handout_embeds_only_the_print_font(released: Released) -> None:
    """Embed Atkinson Hyperlegible (and its Mono where code is printed) in every PDF, and no font of the machine."""
    site = released.site.path
    folders = [site / "handouts", *(site / lang / "handouts" for lang in TRANSLATIONS)]
    found = {path.relative_to(site).as_posix(): pdf_fonts(path) for folder in folders for path in folder.rglob("*.pdf")}
    assert len(found) == len(PAGES) + 3 + sum(len(pages) + 3 for pages in TRANSLATIONS.values())
    strangers = {pdf: sorted(fonts) for pdf, fonts in found.items() if check_pdf_fonts(fonts, pdf=pdf)}
    assert strangers == {}
    for pdf, fonts in found.items():
        assert {"AtkinsonHyperlegible-Regular", "AtkinsonHyperlegible-Bold"} <= fonts, pdf
    with_code = [
        pdf for pdf, fonts in found.items() if any(name.startswith("AtkinsonHyperlegibleMono") for name in fonts)
    ]
    assert with_code, "a page with code should print it in Atkinson Hyperlegible Mono"


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("lang", [LOCK.source_language, *TRANSLATIONS])
@pytest.mark.parametrize(("pdf", "size"), [(CARD_PDF, LETTER), (CARD_PDF_A4, A4)])
def test_card_is_one_page_with_everything(released: Released, pdf: str, size: tuple[int, int], lang: str) -> None:
    """Print each edition's card on one page of its paper, with its steps in order, the number and the date."""
    edition = "" if lang == LOCK.source_language else f"{lang}/"
    path = released.site.path / edition / pdf
    assert len(_reader(path).pages) == 1
    width, height = _size(path)
    assert abs(width - size[0]) <= 2 and abs(height - size[1]) <= 2, (width, height)
    text = pdf_text(path)
    entries = [entry for entry in LOCK.in_language(lang) if entry.id in card_section_ids(LOCK, lang)]
    assert sorted(entry.id for entry in entries) == sorted(card_section_ids(LOCK, lang))
    assert check_pdf_text(text, pdf=edition + pdf, entries=entries, number=NUMBER) == []
    flat = normalise(text)
    for entry in entries:
        for block in entry.section.blocks("list"):
            for item in block:
                assert normalise(item) in flat, item
        assert normalise(entry.section.heading) in flat, entry.section.heading
    approved = max(entry.approved_on for entry in entries)
    assert readable_date(datetime.date.fromisoformat(approved), lang) in text
    if lang == LOCK.source_language:
        assert "care team" in text and f"Call {NUMBER} if:" in text


def _outline_titles(outline: list) -> list[str]:
    """Return the titles of a PDF's bookmarks, nested ones included."""
    titles: list[str] = []
    for item in outline:
        titles += _outline_titles(item) if isinstance(item, list) else [str(item.title)]
    return titles


def _edition_text(lang: str) -> dict[str, str]:
    """Return the words an edition's pages and handouts are framed with."""
    from ivig_guide.editions import strings

    return strings(lang)


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize(("lang", "edition"), EDITIONS, ids=EDITION_IDS)
def test_guide_pdf_is_tagged_linked_and_outlined(released: Released, lang: str, edition: str) -> None:
    """Give each edition's guide PDF its title, cover, tags, language, bookmarks, internal links and every step."""
    path = released.site.path / edition / GUIDE_PDF
    reader = _reader(path)
    root = reader.trailer["/Root"]
    config, words = edition_config(lang), _edition_text(lang)
    assert reader.metadata.title == words["whole_guide"].replace("{site}", config["site_name"])
    assert " ".join((reader.metadata.subject or "").split()) == " ".join(config["site_description"].split())
    assert root.get("/Lang") == lang
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    # The bookmarks name every chapter of the contents list, as the edition titles them.
    toc = lxml.html.document_fromstring((released.site.path / edition / GUIDE_PAGE).read_text(encoding="utf-8"))
    chapters = [" ".join(a.text_content().split()) for a in toc.findall(".//nav[@class='pg-print-toc']//a")]
    assert len(chapters) >= 10
    outline = _outline_titles(reader.outline)
    assert [title for title in chapters if title not in outline] == [], outline
    internal = 0
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            if "/Dest" in annotation or (action is not None and action.get("/S") == "/GoTo"):
                internal += 1
    assert internal >= len(chapters), "the contents list should link into the document"
    text = pdf_text(path)
    assert check_pdf_text(text, pdf=edition + GUIDE_PDF, entries=LOCK.in_language(lang), number=NUMBER) == []
    # The cover: the edition's name, its review dates and the address its QR code opens.
    cover = " ".join(reader.pages[0].extract_text().split())
    reviewed = datetime.date.fromisoformat(str(SETTINGS.review["reviewed"]))
    due = datetime.date.fromisoformat(str(SETTINGS.review["review_due"]))
    assert config["site_name"] in cover
    assert f"{words['last_reviewed']}: {readable_date(reviewed, lang)}" in cover
    assert f"{words['next_review']}: {readable_date(due, lang)}" in cover
    assert f"{PUBLIC_URL}{edition}" in cover
    page_word, of_word = {"en": ("Page", "of"), "es": ("Página", "de")}.get(lang, ("Page", "of"))
    assert f"{page_word} 2 {of_word} {len(reader.pages)}" in text


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize(("lang", "edition"), EDITIONS, ids=EDITION_IDS)
def test_guide_pdf_cover_has_the_qr_code(released: Released, lang: str, edition: str) -> None:
    """Print on the cover of each edition's guide a QR code that reads as the edition's address."""
    import pypdfium2

    image = pypdfium2.PdfDocument(released.site.path / edition / GUIDE_PDF)[0].render(scale=2).to_pil().convert("L")
    # The code is a square of black and white modules: find the rows and columns with many dark pixels.
    pixels = image.load()
    dark_rows = [y for y in range(image.height) if sum(pixels[x, y] < 128 for x in range(0, image.width, 2)) > 40]
    assert dark_rows, "no QR code on the cover"
    qr_page = lxml.html.document_fromstring((released.site.path / edition / GUIDE_PAGE).read_text(encoding="utf-8"))
    figure = qr_page.find(".//figure[@class='pg-print-qr']")
    assert figure is not None and figure.get("aria-label") == _edition_text(lang)["qr_label"]
    title = figure.find(".//title")
    assert title is not None and title.text.endswith(f"{PUBLIC_URL}{edition}")


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize(("lang", "edition"), EDITIONS, ids=EDITION_IDS)
def test_page_pdf_keeps_its_steps_and_metadata(released: Released, lang: str, edition: str) -> None:
    """Print each page with emergency content to its PDF with its steps, address, review date, title and subject."""
    words = _edition_text(lang)
    pages = sorted({entry.page for entry in LOCK.in_language(lang)})
    assert pages
    for source in pages:
        page = source.removesuffix(".md").removesuffix(f".{lang}")
        pdf = f"{edition}handouts/pages/{page}.pdf"
        reader = _reader(released.site.path / pdf)
        built = lxml.html.document_fromstring(page_html(released.site, f"{edition}{page}/"))
        heading = " ".join(built.find(".//article//h1").text_content().split())
        description = built.find(".//meta[@name='description']").get("content")
        assert reader.metadata.title.startswith(heading), pdf
        assert " ".join((reader.metadata.subject or "").split()) == " ".join(description.split()), pdf
        assert str(reader.trailer["/Root"].get("/Lang")) == lang
        assert "/StructTreeRoot" in reader.trailer["/Root"]
        text = pdf_text(released.site.path / pdf)
        entries = [entry for entry in LOCK.in_language(lang) if entry.page == source]
        assert check_pdf_text(text, pdf=pdf, entries=entries, number=NUMBER) == []
        assert f"{released.url}{edition}{page}/" in text
        assert f"{words['last_reviewed']}: {readable_date(SETTINGS.review['reviewed'], lang)}" in text


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize(("lang", "edition"), EDITIONS, ids=EDITION_IDS)
@pytest.mark.parametrize("pdf", [CARD_PDF, CARD_PDF_A4])
def test_card_renders_with_ink(released: Released, tmp_path: Path, lang: str, edition: str, pdf: str) -> None:
    """Render each edition's card to PNG and find real ink on it, much of it at the top ("Call 911")."""
    import pypdfium2

    image = pypdfium2.PdfDocument(released.site.path / edition / pdf)[0].render(scale=1).to_pil().convert("L")
    image.save(tmp_path / "card.png")
    pixels = image.tobytes()
    dark = sum(1 for value in pixels if value < 128) / len(pixels)
    assert 0.03 < dark < 0.5, f"ink coverage {dark:.3f}"
    top = image.crop((0, 0, image.width, image.height // 4))
    assert sum(1 for value in top.tobytes() if value < 128) / (top.width * top.height) > 0.03


@pytest.mark.browser
@pytest.mark.slow
def test_every_handout_link_resolves(released: Released) -> None:
    """With HANDOUTS on, link each page to its PDF, the card and the guide, and every such link leads to a file."""
    from ivig_guide.release import dead_handout_links

    html = page_html(released.site, "anaphylaxis/")
    links = [a.get("href") for a in lxml.html.document_fromstring(html).iter("a") if "handouts/" in a.get("href", "")]
    own = ["../handouts/pages/anaphylaxis.pdf", "../handouts/emergency-card.pdf", "../handouts/ivig-guide.pdf"]
    assert links[:3] == own
    assert dead_handout_links(released.site.path) == []


def _handout_links(html: str, page_url: str) -> list[tuple[str, str | None, str]]:
    """Return the handout links of a built page: site-relative target, hreflang and text."""
    here = urljoin("http://site.invalid/", page_url)
    found = []
    for link in lxml.html.document_fromstring(html).iter("a"):
        target = urlsplit(urljoin(here, link.get("href", ""))).path.lstrip("/")
        if "handouts/" in target:
            found.append((target, link.get("hreflang"), " ".join(link.text_content().split())))
    return found


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize(("lang", "edition"), EDITIONS, ids=EDITION_IDS)
def test_every_page_links_to_the_other_editions_guide_and_card(released: Released, lang: str, edition: str) -> None:
    """Link each page to the other editions' guide PDF and card, with hreflang and text in the page's language."""
    from ivig_guide.editions import LANGUAGE_NAMES

    words = _edition_text(lang)
    others = [(other, folder) for other, folder in EDITIONS if other != lang]
    assert others, "the guide has one edition only"
    pages = PAGES if not edition else TRANSLATIONS[lang]
    for page in pages:
        if page.startswith("maintainers/"):
            continue
        url = url_of(f"{edition}{page}")
        links = _handout_links(page_html(released.site, url), url)
        expected = [
            (f"{edition}handouts/pages/{page}.pdf", None, words["print_page"]),
            (f"{edition}{CARD_PDF}", None, words["card_pdf"]),
            (f"{edition}{GUIDE_PDF}", None, words["guide_pdf"]),
        ]
        for other, folder in others:
            called = LANGUAGE_NAMES[lang][other]
            assert called not in " ".join(text for _target, _lang, text in expected)
            expected += [
                (f"{folder}{GUIDE_PDF}", other, words["other_guide_pdf"].replace("{language}", called)),
                (f"{folder}{CARD_PDF}", other, words["other_card_pdf"].replace("{language}", called)),
            ]
        assert links == expected, page
        for target, _lang, text in links:
            assert (released.site.path / target).is_file(), target
            if lang != SETTINGS.default_language:
                assert english_in(text) == [], text
    # The files the links lead to are in the language they say.
    import pikepdf

    for other, folder in others:
        for pdf in (GUIDE_PDF, CARD_PDF):
            with pikepdf.open(released.site.path / folder / pdf) as document:
                assert str(document.Root.Lang) == other


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("lang", [lang for lang in SETTINGS.languages if lang != SETTINGS.default_language])
def test_translated_pdfs_hold_no_english(released: Released, lang: str) -> None:
    """Print every PDF of a translated edition without English words, running headers and page numbers included.

    Code (the embedding page's snippets) is tagged as code in the PDF, and is code in any language.
    """
    found = {}
    for path in sorted((released.site.path / lang / "handouts").rglob("*.pdf")):
        text = pdf_read_text(path)
        assert edition_config(lang)["site_name"] in text or path.parent.name != "pages", path
        found[path.relative_to(released.site.path).as_posix()] = english_in(text)
    assert len(found) == len(TRANSLATIONS[lang]) + 3
    assert {pdf: words for pdf, words in found.items() if words} == {}


@pytest.mark.browser
@pytest.mark.slow
def test_release_check_passes_and_catches_a_lost_step(released: Released, tmp_path: Path) -> None:
    """Pass the release check on the printed site, and fail it when a PDF lost a step."""
    from pypdf import PdfWriter

    ran = subprocess.run(
        [sys.executable, "-m", "ivig_guide.release", "check", str(released.site.path), "--docs", "docs"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    # A card PDF that is the guide's cover page only: no step, no number.
    broken = PdfWriter()
    broken.add_page(_reader(released.site.path / GUIDE_PDF).pages[0])
    text_only = tmp_path / "broken.pdf"
    broken.write(text_only)
    findings = check_pdf_text(
        pdf_text(text_only), pdf=CARD_PDF, entries=[LOCK.get("en", "anaphylaxis-first-aid")], number=NUMBER
    )
    assert {finding.rule for finding in findings} == {"pdf-step-missing", "pdf-number-missing"}
    assert any("Stay with them until help arrives." in finding.message for finding in findings)


@pytest.mark.browser
@pytest.mark.slow
def test_card_that_grows_fails_with_a_clear_message(tmp_path: Path) -> None:
    """Stop `make handouts` with a clear message when the card no longer fits on one page, leaving no handouts."""
    project = copy_project(tmp_path / "project")
    longer = "\n".join(f"- a warning sign that needs a doctor, number {n}" for n in range(1, 40))
    replace_in("docs/when-to-get-help.md", "- throwing up (vomiting)\n", f"- throwing up (vomiting)\n{longer}\n")(
        project
    )
    # The Spanish page keeps the same number of signs as its original, or the approval is refused.
    más = "\n".join(f"- una señal de alarma que necesita un médico, número {n}" for n in range(1, 40))
    replace_in("docs/when-to-get-help.es.md", "- vómitos\n", f"- vómitos\n{más}\n")(project)
    ran = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "EMERGENCY_GUARD": "approve"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    # The longer wording is approved in the copy, so only the card's length is wrong.
    approve = subprocess.run(
        [sys.executable, "-m", "ivig_guide.emergency", "approve", str(tmp_path / "site"), "--docs", "docs", "--yes"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert approve.returncode == 0, approve.stderr
    rebuilt = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert rebuilt.returncode == 0, rebuilt.stderr
    printed = _run_handouts(tmp_path / "site", cwd=project)
    assert printed.returncode == 1
    assert re.search(r"the emergency card is [2-9] pages long on Letter paper; it must fit on one", printed.stderr)
    longest = re.search(r"What it prints, longest first: ([^;]+);", printed.stderr)
    assert longest and longest.group(1).startswith("headache-warning-signs (when-to-get-help.md)"), printed.stderr
    assert "Shorten what is long" in printed.stderr
    assert "Traceback" not in printed.stderr
    for edition in ("", *(f"{lang}/" for lang in TRANSLATIONS)):
        assert not (tmp_path / "site" / edition / "handouts").exists()
        assert not (tmp_path / "site" / edition / "handouts.tmp").exists()


# --------------------------------------------------------------------------- Ctrl+P in Chromium


@pytest.fixture(scope="module")
def release_url(released: Released) -> Iterator[str]:
    """Serve the printed build on a loopback port of its own for the module."""
    with serve(released.site.path) as served:
        yield served.url


@pytest.fixture(scope="module")
def printed_page(release_url: str, browser: Browser) -> Iterator:
    """The anaphylaxis page opened in Chromium with print media emulated."""
    page = browser.new_page()
    page.emulate_media(media="print")
    page.goto(f"{release_url}anaphylaxis/")
    yield page
    page.close()


@pytest.mark.browser
@pytest.mark.slow
def test_print_hides_site_chrome(printed_page) -> None:
    """Hide the header, tabs, navigation, search, banner, footer and handout links when printing."""
    for selector in (
        ".md-header",
        ".md-sidebar--primary",
        ".md-footer",
        ".md-banner",
        ".pg-search-open",
        ".pg-handout-links",
    ):
        assert printed_page.locator(selector).first.evaluate("e => getComputedStyle(e).display") == "none", selector
    assert printed_page.locator("#anaphylaxis-first-aid").is_visible()


@pytest.mark.browser
@pytest.mark.slow
def test_print_type_and_breaks(printed_page) -> None:
    """Print body text at 11 pt or more, and keep emergency sections, steps and headings together."""
    size = printed_page.locator("article p").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size * 0.75 >= 11, f"body text is {size * 0.75:.1f} pt"
    for selector in ("#anaphylaxis-first-aid", "#anaphylaxis-first-aid ol"):
        assert printed_page.locator(selector).evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    assert printed_page.locator("article h2").first.evaluate("e => getComputedStyle(e).breakAfter") == "avoid"
    border = printed_page.locator("#anaphylaxis-call-911").evaluate("e => getComputedStyle(e).borderTopStyle")
    assert border == "solid"


@pytest.mark.browser
@pytest.mark.slow
def test_print_writes_out_external_links(release_url: str, browser: Browser) -> None:
    """Write the address after each external link when printing."""
    page = browser.new_page()
    page.emulate_media(media="print")
    page.goto(f"{release_url}about/")
    link = page.locator("article a[href^='https://']").first
    href = link.get_attribute("href")
    after = link.evaluate("e => getComputedStyle(e, '::after').content")
    page.close()
    assert href and href in after
    assert re.match(r'^" \(.*\)"$', after), after


@pytest.mark.browser
@pytest.mark.slow
def test_print_is_black_on_white_in_dark_mode(release_url: str, browser: Browser) -> None:
    """Print black text on white, emergency sections included, when the reader's screen is in dark mode."""
    page = browser.new_page(color_scheme="dark")
    page.goto(f"{release_url}anaphylaxis/")
    scheme = page.locator("body").get_attribute("data-md-color-scheme")
    page.emulate_media(media="print", color_scheme="dark")
    colours = {
        selector: page.locator(selector).first.evaluate("e => getComputedStyle(e).color")
        for selector in ("article p", "#anaphylaxis-first-aid li", "#anaphylaxis-first-aid-title")
    }
    background = page.locator("body").evaluate("e => getComputedStyle(e).backgroundColor")
    page.close()
    assert scheme == "slate", "the page should have switched to its dark scheme"
    assert set(colours.values()) == {"rgb(0, 0, 0)"}, colours
    assert background == "rgb(255, 255, 255)"


@pytest.mark.browser
def test_print_opens_collapsed_blocks(browser: Browser) -> None:
    """Print the content of a collapsed <details> block, which the screen hides, even without JavaScript."""
    css = (ROOT / "overrides/assets/stylesheets/print.css").read_text(encoding="utf-8")
    page = browser.new_page(java_script_enabled=False)
    block = '<details><summary>More</summary><p id="more">Text</p></details>'
    page.set_content(f'<style>{css}</style><div class="md-typeset">{block}</div>')
    on_screen = page.locator("#more").is_visible()
    page.emulate_media(media="print")
    printed = page.locator("#more").is_visible()
    page.close()
    assert (on_screen, printed) == (False, True)


# --------------------------------------------------------------------------- the card is made from the lock


def test_card_holds_every_approved_section_emergency_first() -> None:
    """Put every approved section of the language on the card, emergency sections first, then first aid, urgent."""
    assert set(CARD_SECTIONS) == {entry.id for entry in LOCK.in_language(LOCK.source_language)}
    kinds = [LOCK.get(LOCK.source_language, section_id).section.kind for section_id in CARD_SECTIONS]
    assert kinds == sorted(kinds, key=CARD_KIND_ORDER.index)
    assert kinds[0] == "emergency"


def _lock_text(version: int, *, card: str = "") -> str:
    """Return the real lock at another version, with one section's card choice edited in."""
    text = (ROOT / "hooks" / "emergency-lock.yml").read_text(encoding="utf-8")
    text = text.replace(f"version: {LOCK_VERSION}", f"version: {version}")
    if version == 1:
        text = text.replace("  card: true\n", "")
    if card:
        head, tail = text.split("  id: headache-warning-signs\n", 1)
        text = head + "  id: headache-warning-signs\n" + card + tail.replace("  card: true\n", "", 1)
    return text


def test_version_1_lock_reads_with_every_section_on_the_card() -> None:
    """Read a lock written before the card choice existed as putting every section on the card."""
    old = load_lock(_lock_text(1))
    assert [entry.section.card for entry in old.entries.values()] == [True] * len(LOCK.entries)
    assert dump_lock(old) == (ROOT / "hooks" / "emergency-lock.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(_lock_text(0), "'version' must be 2 (or the older 1), found 0", id="unknown-version"),
        pytest.param(_lock_text(2, card="  card: false\n"), "'card: false' needs a 'card_reason'", id="no-reason"),
        pytest.param(_lock_text(2, card="  card: maybe\n"), "'card' must be true or false", id="not-a-boolean"),
    ],
)
def test_bad_card_choice_in_the_lock_is_a_clear_error(text: str, message: str) -> None:
    """Refuse an unknown lock version and a card choice without its reason, naming the section."""
    with pytest.raises(LockError, match=re.escape(message)):
        load_lock(text, path="hooks/emergency-lock.yml")


def test_section_left_off_the_card_is_an_approved_choice() -> None:
    """Leave a section approved as `card: false` off the card, and show the choice in the approval diff."""
    reason = "Printed on the clinic's own headache leaflet."
    lock = load_lock(_lock_text(2, card=f"  card: false\n  card_reason: {reason}\n"))
    lang = lock.source_language
    assert "headache-warning-signs" not in [entry.id for entry in card_entries(lock, lang)]
    assert len(card_entries(lock, lang)) == len(LOCK.in_language(lang)) - 1
    diff = list(
        diff_sections(
            LOCK.get(lang, "headache-warning-signs").section, lock.get(lang, "headache-warning-signs").section
        )
    )
    assert diff == [f"  ~ emergency card: on the card → left off the card ({reason})"]
    assert "card_reason: Printed on" in dump_lock(lock)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("options", "rule"),
    [
        pytest.param("    card: false\n    card_reason: On the clinic leaflet.\n", "card-changed", id="unapproved"),
        pytest.param("    card: false\n", "card-reason-missing", id="no-reason"),
    ],
)
def test_card_choice_must_be_approved(tmp_path: Path, options: str, rule: str) -> None:
    """Stop the build when a block leaves the card without approval, or without a reason."""
    project = copy_project(tmp_path)
    replace_in(
        "docs/when-to-get-help.md", "    id: headache-warning-signs\n", f"    id: headache-warning-signs\n{options}"
    )(project)
    outcome = build_project(project)
    assert not outcome.ok
    assert f"[{rule}]" in outcome.log


def test_card_that_does_not_fit_names_its_parts_and_settings() -> None:
    """Name the card's sections and clinic settings, longest first, for the message about a card that is too long."""
    from ivig_guide.print_pages import card_parts

    html = (
        '<main><div data-pg-print-source="a.md"><section data-pg-safety="urgent" id="short">Short</section></div>'
        '<div data-pg-print-source="b.md"><section data-pg-safety="emergency" id="long">A much longer text</section>'
        '</div><p>At <span data-pg-setting="extra.clinic.name">A clinic name</span>: '
        '<strong data-pg-setting="extra.clinic.care_team_phone">555</strong></p></main>'
    )
    assert [(part.name, part.characters) for part in card_parts(html)] == [
        ("long (b.md)", 18),
        ("extra.clinic.name in mkdocs.yml", 13),
        ("short (a.md)", 5),
        ("extra.clinic.care_team_phone in mkdocs.yml", 3),
    ]


#: A long clinic name (60 characters) and phone (30 characters), as a clinic forking the guide may set them.
LONG_CLINIC = "Northwestern Regional Infusion and Immunology Center, Suite 4"[:60]
LONG_PHONE = "+1 (202) 555-0123 ext. 1234567"
#: Lengthen every text of the card's sections by a share of itself, as a translation would.
STRETCH_JS = """(share) => {
  const walker = document.createTreeWalker(document.querySelector(".pg-card__sections"), NodeFilter.SHOW_TEXT);
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  for (const node of nodes) {
    const text = node.textContent.trim();
    if (!text || node.parentElement.closest(".pg-visually-hidden")) continue;
    const extra = Math.round(text.length * share);
    let more = "";
    while (more.length < extra) more += " " + text;
    node.textContent += more.slice(0, extra);
  }
}"""
#: The computed size in points of the first element each selector finds on the card.
SIZES_JS = """(selectors) => Object.fromEntries(selectors.map((s) => {
  const element = document.querySelector(s);
  return [s, element ? parseFloat(getComputedStyle(element).fontSize) * 0.75 : null];
}))"""


@pytest.fixture(scope="module")
def long_clinic_card(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve a build whose card prints a 60-character clinic name and a 30-character phone."""
    assert (len(LONG_CLINIC), len(LONG_PHONE)) == (60, 30)
    site = build_site(
        tmp_path_factory.mktemp("clinic") / "site",
        port=free_port(),
        settings=f'extra:\n  clinic:\n    name: "{LONG_CLINIC}"\n    care_team_phone: "{LONG_PHONE}"\n',
    )
    with serve(site.path) as served:
        yield served.url


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("share", [0.0, 0.2])
@pytest.mark.parametrize(("paper", "size"), [("Letter", LETTER), ("A4", A4)])
@pytest.mark.parametrize(("lang", "edition"), EDITIONS, ids=EDITION_IDS)
def test_card_fits_one_page_at_readable_sizes(
    long_clinic_card: str,
    browser: Browser,
    tmp_path: Path,
    share: float,
    paper: str,
    size: tuple[int, int],
    lang: str,
    edition: str,
) -> None:
    """Fit each edition's card, a long clinic name and phone, and 20% longer text on one page, at 11 pt and up."""
    page = browser.new_page()
    page.emulate_media(media="print")
    page.goto(long_clinic_card + edition + CARD_PAGE.removesuffix("index.html"))
    assert page.evaluate(PRINT_FONT_JS) == []
    entries = card_entries(LOCK, lang)
    assert entries
    body = [f"#{entry.id} p" for entry in entries] + [".pg-card__meta"]
    strong = [f"#{entry.id} ol > li" for entry in entries if entry.section.blocks("steps")]
    strong += [f"#{entry.id}-title" for entry in entries if entry.section.kind == "emergency"]
    strong += [f"#{entry.id} p" for entry in entries if entry.section.kind == "emergency"]
    strong += [".pg-card__care-team"]
    sizes = page.evaluate(SIZES_JS, body + strong)
    care_team = page.locator(".pg-card__care-team").inner_text()
    page.evaluate(STRETCH_JS, share)
    page.pdf(path=str(tmp_path / "card.pdf"), format=paper, prefer_css_page_size=True, print_background=True)
    page.close()
    assert None not in sizes.values(), sizes
    assert {s: v for s, v in sizes.items() if s in body and v < 11} == {}
    assert {s: v for s, v in sizes.items() if s in strong and v < 12} == {}
    shown, _ = care_team_phone(LONG_PHONE, country="US", number=NUMBER)
    assert LONG_CLINIC in care_team and shown in care_team
    assert len(_reader(tmp_path / "card.pdf").pages) == 1, f"{paper} with text {share:.0%} longer"
    width, height = _size(tmp_path / "card.pdf")
    assert abs(width - size[0]) <= 2 and abs(height - size[1]) <= 2, (width, height)


# --------------------------------------------------------------------------- PDF links, tags and artifacts


@pytest.mark.parametrize(
    ("uri", "why"),
    [
        pytest.param("tel:911", None, id="tel"),
        pytest.param("mailto:care@clinic.example.org", None, id="mailto"),
        pytest.param(f"{PUBLIC_URL}anaphylaxis/", None, id="built-page"),
        pytest.param(f"{PUBLIC_URL}handouts/emergency-card.pdf", None, id="built-file"),
        pytest.param("https://creativecommons.org/licenses/by/4.0/", None, id="other-site"),
        pytest.param("http://127.0.0.1:8765/anaphylaxis/", "points at the machine", id="loopback"),
        pytest.param("http://localhost:8000/", "points at the machine", id="localhost"),
        pytest.param("http://192.168.1.20/anaphylaxis/", "points at the machine", id="private"),
        pytest.param(f"{PUBLIC_URL}no-such-page/", "leads to no page of the build", id="missing-page"),
        pytest.param("file:///tmp/site/index.html", "is not a web address", id="file"),
    ],
)
def test_pdf_link_check(tmp_path: Path, uri: str, why: str | None) -> None:
    """Accept links inside the build, dial links and public sites; name loopback, private and missing targets."""
    (tmp_path / "anaphylaxis").mkdir()
    (tmp_path / "anaphylaxis" / "index.html").write_text("<p>page</p>", encoding="utf-8")
    (tmp_path / "handouts").mkdir()
    (tmp_path / "handouts" / "emergency-card.pdf").write_bytes(b"%PDF")
    problems = check_pdf_links([(2, uri)], pdf="x.pdf", site=tmp_path, site_url=PUBLIC_URL)
    assert [why in str(p) for p in problems] == ([True] if why else [])
    if why:
        assert str(problems[0]).startswith(f"x.pdf, page 2: the link {uri} ")


def test_unmarked_content_becomes_artifacts() -> None:
    """Wrap text objects, text and paths outside marked content as /Artifact, leaving tagged content as it is."""
    import pikepdf

    stream = (
        b"q 0 0 10 10 re f Q BT /F1 9 Tf (header) Tj ET "
        b"BT /P <</MCID 0>> BDC (body) Tj EMC (footer) Tj ET 0 0 5 5 re W n"
    )
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].obj.Contents = pdf.make_stream(stream)
    operations = list(pikepdf.parse_content_stream(pdf.pages[0]))
    marked, added = mark_artifacts(operations)
    text = pikepdf.unparse_content_stream(marked).decode()
    assert added == 3
    assert " ".join(text.split()) == (
        "q /Artifact BMC 0 0 10 10 re f EMC Q /Artifact BMC BT /F1 9 Tf (header) Tj ET EMC "
        "BT /P << /MCID 0 >> BDC (body) Tj EMC /Artifact BMC (footer) Tj EMC ET 0 0 5 5 re W n"
    )


def pdf_marked_text(path: Path) -> tuple[dict[tuple[int, int], str], list[tuple[int, str]]]:
    """Return the text of each marked-content id (page index, MCID) of a PDF, and the text in no marked content.

    Read with PDFium, independently of the pikepdf code that marks the artifacts.
    """
    import ctypes

    import pypdfium2
    import pypdfium2.raw as pdfium

    document = pypdfium2.PdfDocument(path)
    by_mcid: dict[tuple[int, int], str] = {}
    unmarked: list[tuple[int, str]] = []
    for index in range(len(document)):
        page = document[index]
        textpage = page.get_textpage()
        baseline: float | None = None
        for item in page.get_objects():
            if item.type != pdfium.FPDF_PAGEOBJ_TEXT:
                continue
            size = pdfium.FPDFTextObj_GetText(item.raw, textpage.raw, None, 0)
            buffer = ctypes.create_string_buffer(size)
            pdfium.FPDFTextObj_GetText(
                item.raw, textpage.raw, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)), size
            )
            text = buffer.raw.decode("utf-16-le").rstrip("\x00")
            # A line break ends a word, as a reader hears it: the space the line broke at is not a glyph.
            if baseline is not None and abs(item.get_matrix().f - baseline) > 1:
                text = " " + text
            baseline = item.get_matrix().f
            mcid = pdfium.FPDFPageObj_GetMarkedContentID(item.raw)
            if mcid >= 0:
                by_mcid[(index, mcid)] = by_mcid.get((index, mcid), "") + text
            elif pdfium.FPDFPageObj_CountMarks(item.raw) == 0 and text.strip():
                unmarked.append((index + 1, text))
    return by_mcid, unmarked


def pdf_headings(path: Path) -> list[str]:
    """Return the text of every heading element (H1…H6) of a PDF's structure tree, through its MCIDs."""
    import pikepdf

    by_mcid, _ = pdf_marked_text(path)
    headings: list[str] = []
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}

        def kids(element: pikepdf.Dictionary) -> list:
            found = element.get("/K")
            return [] if found is None else list(found) if isinstance(found, pikepdf.Array) else [found]

        def page_of(element: pikepdf.Dictionary, default: int) -> int:
            return pages.get(element.Pg.objgen, default) if element.get("/Pg") is not None else default

        def text_of(element: pikepdf.Dictionary, page: int) -> str:
            page = page_of(element, page)
            text = ""
            for kid in kids(element):
                if isinstance(kid, int):
                    text += by_mcid.get((page, int(kid)), "")
                elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                    text += by_mcid.get((page_of(kid, page), int(kid.MCID)), "")
                elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != "/OBJR":
                    text += text_of(kid, page)
            return text

        def walk(element: pikepdf.Dictionary, page: int) -> None:
            if str(element.get("/S", "")) in {f"/H{level}" for level in range(1, 7)}:
                headings.append(" ".join(text_of(element, page).split()))
            for kid in kids(element):
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/MCR", "/OBJR"):
                    walk(kid, page_of(kid, page))

        walk(pdf.Root.StructTreeRoot, 0)
    return headings


def pdf_read_text(path: Path, *, skip: frozenset[str] = frozenset({"/Code"})) -> str:
    """Return the text of a PDF as read, running headers included, without what is tagged as one of ``skip``.

    Read with PDFium text object by text object; the structure tree (pikepdf) says which marked content is code.
    """
    import ctypes

    import pikepdf
    import pypdfium2
    import pypdfium2.raw as pdfium

    skipped: set[tuple[int, int]] = set()
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}

        def kids(element: pikepdf.Dictionary) -> list:
            found = element.get("/K")
            return [] if found is None else list(found) if isinstance(found, pikepdf.Array) else [found]

        def page_of(element: pikepdf.Dictionary, default: int) -> int:
            return pages.get(element.Pg.objgen, default) if element.get("/Pg") is not None else default

        def walk(element: pikepdf.Dictionary, page: int, inside: bool) -> None:
            inside = inside or str(element.get("/S", "")) in skip
            for kid in kids(element):
                if isinstance(kid, int) and inside:
                    skipped.add((page, int(kid)))
                elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                    if inside:
                        skipped.add((page_of(kid, page), int(kid.MCID)))
                elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != "/OBJR":
                    walk(kid, page_of(kid, page), inside)

        walk(pdf.Root.StructTreeRoot, 0, False)
    document = pypdfium2.PdfDocument(path)
    texts = []
    for index in range(len(document)):
        page = document[index]
        textpage = page.get_textpage()
        previous: tuple[float, float] | None = None  # (baseline, right) of the previous text object
        for item in page.get_objects():
            if item.type != pdfium.FPDF_PAGEOBJ_TEXT:
                continue
            if (index, pdfium.FPDFPageObj_GetMarkedContentID(item.raw)) in skipped:
                previous = None
                texts.append(" ")
                continue
            size = pdfium.FPDFTextObj_GetText(item.raw, textpage.raw, None, 0)
            buffer = ctypes.create_string_buffer(size)
            pdfium.FPDFTextObj_GetText(
                item.raw, textpage.raw, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)), size
            )
            left, _bottom, right, _top = item.get_bounds()
            baseline = item.get_matrix().f
            # Chromium writes a text object a glyph run (often a letter): a new line starts a new word.
            if previous is not None and (abs(baseline - previous[0]) > 1 or left < previous[1] - 1):
                texts.append(" ")
            texts.append(buffer.raw.decode("utf-16-le").rstrip("\x00"))
            previous = (baseline, right)
        texts.append(" ")
    return "".join(texts)


def _pdfs(released: Released) -> dict[str, Path]:
    return {p.relative_to(released.site.path).as_posix(): p for p in sorted(released.site.path.rglob("*.pdf"))}


@pytest.mark.browser
@pytest.mark.slow
def test_every_pdf_link_leads_somewhere(released: Released) -> None:
    """Point every PDF link inside it, at a phone or mail address, a built page under site_url, or a public site."""
    links = {pdf: pdf_links(path) for pdf, path in _pdfs(released).items()}
    assert len(links) == len(PAGES) + 3 + sum(len(pages) + 3 for pages in TRANSLATIONS.values())
    problems = [
        str(problem)
        for pdf, found in links.items()
        for problem in check_pdf_links(found, pdf=pdf, site=released.site.path, site_url=PUBLIC_URL)
    ]
    assert problems == []
    every = [uri for found in links.values() for _, uri in found]
    assert not [uri for uri in every if "127.0.0.1" in uri]
    on_site = [uri for _, uri in links["handouts/pages/index.pdf"] if uri.startswith(PUBLIC_URL)]
    assert len(on_site) >= 4, "the home page's menu cards should link to the guide online"


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize(("lang", "edition"), EDITIONS, ids=EDITION_IDS)
def test_every_guarded_heading_is_tagged_with_its_kind(released: Released, lang: str, edition: str) -> None:
    """Tag the heading of each approved section in every PDF of an edition as its kind and heading, in its language.

    ("Emergency: Call 911 if:", "Emergencia: Llame al 911 si:").
    """
    kinds = prefixes(lang)
    checked = 0
    for pdf, path in _pdfs(released).items():
        if not pdf.startswith(f"{edition}handouts/"):
            continue
        headings = pdf_headings(path)
        if pdf == edition + GUIDE_PDF:
            entries = LOCK.in_language(lang)
        elif pdf in (edition + CARD_PDF, edition + CARD_PDF_A4):
            entries = card_entries(LOCK, lang)
        else:
            entries = [e for e in LOCK.in_language(lang) if handout_pdf(e.page) == pdf]
        expected = sorted(f"{kinds[e.section.kind]} {e.section.heading}" for e in entries)
        found = sorted(h for h in headings if any(h.endswith(e.section.heading) for e in entries))
        assert found == expected, pdf
        checked += len(expected)
    assert checked >= 2 * len(LOCK.in_language(lang)) + len(card_section_ids(LOCK, lang))


@pytest.mark.browser
@pytest.mark.slow
def test_no_pdf_text_is_untagged(released: Released) -> None:
    """Leave no text of any PDF outside marked content: tagged, or an artifact (running headers, link addresses)."""
    untagged = {pdf: pdf_marked_text(path)[1][:5] for pdf, path in _pdfs(released).items()}
    assert {pdf: found for pdf, found in untagged.items() if found} == {}


@pytest.mark.browser
@pytest.mark.slow
def test_every_pdf_has_xmp_title_and_language(released: Released) -> None:
    """Give every PDF XMP metadata with its title and language, and keep its structure tree."""
    import pikepdf

    for pdf, path in _pdfs(released).items():
        # Each edition's PDFs are in its language: handouts/ is the guide's own, es/handouts/ Spanish.
        lang = next((lang for lang in TRANSLATIONS if pdf.startswith(f"{lang}/")), LOCK.source_language)
        with pikepdf.open(path) as document:
            meta = document.open_metadata()
            assert meta.get("dc:title") and meta.get("dc:title") == str(document.docinfo["/Title"]), pdf
            assert lang in meta.get("dc:language", []), pdf
            assert "/StructTreeRoot" in document.Root and str(document.Root.Lang) == lang, pdf


@pytest.mark.browser
@pytest.mark.slow
def test_release_check_fails_on_a_pdf_link_to_the_printing_machine(released: Released, tmp_path: Path) -> None:
    """Fail the release check, naming the PDF, page and address, when a PDF links to a loopback server."""
    import shutil

    import pikepdf

    site = tmp_path / "site"
    shutil.copytree(released.site.path, site)
    pdf = site / "handouts/pages/index.pdf"
    with pikepdf.open(pdf, allow_overwriting_input=True) as document:
        for annotation in document.pages[0].obj.get("/Annots", []):
            action = annotation.get("/A")
            if action is not None and str(action.get("/URI", "")).startswith(PUBLIC_URL):
                local = str(action.URI).replace(PUBLIC_URL, "http://127.0.0.1:8123/")
                action.URI = pikepdf.String(local)
                break
        document.save(pdf)
    ran = subprocess.run(
        [sys.executable, "-m", "ivig_guide.release", "check", str(site), "--docs", "docs"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 1, ran.stderr
    assert f"handouts/pages/index.pdf, page 1: the link {local} points at the machine that printed" in ran.stderr
