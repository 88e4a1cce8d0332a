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

import lxml.html
import pytest
from conftest import PAGES, ROOT, TRANSLATIONS, BuiltSite, build_site, page_html
from guard_support import build_project, copy_project, replace_in

from ivig_guide.editions import readable_date
from ivig_guide.lock import read_lock
from ivig_guide.pdf_check import check_pdf_fonts, check_pdf_text, normalise, pdf_fonts, pdf_text
from ivig_guide.print_pages import CARD_PAGE, CARD_PDF, CARD_PDF_A4, CARD_SECTIONS, GUIDE_PAGE, GUIDE_PDF
from ivig_guide.serve import free_port, serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser

LOCK = read_lock(ROOT / "hooks" / "emergency-lock.yml")
APPROVED_STEPS = [step for entry in LOCK.entries.values() for steps in entry.section.blocks("steps") for step in steps]
LETTER = (612, 792)
A4 = (595, 842)


@dataclass(frozen=True)
class Released:
    """A build with the handout links on, and the handouts printed into it."""

    site: BuiltSite
    printed: subprocess.CompletedProcess[str]


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
    """Build with HANDOUTS on into a temporary folder and print the handouts once for the module."""
    site = build_site(tmp_path_factory.mktemp("release") / "site", port=free_port(), extra_env={"HANDOUTS": "true"})
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


SAFE_TEXT = " ".join(["Call 911 if:", *APPROVED_STEPS])


def test_pdf_check_passes_the_approved_steps() -> None:
    """Accept text that holds every approved step in order and the number."""
    assert check_pdf_text(SAFE_TEXT, pdf="t.pdf", entries=LOCK.entries.values(), number="911") == []


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
    assert check_pdf_text(broken, pdf="t.pdf", entries=LOCK.entries.values(), number="911") == []


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
        pytest.param(lambda t: t.replace("911", "9 11"), "pdf-number-missing", id="number-lost"),
    ],
)
def test_pdf_check_reports_each_loss(edit, rule: str) -> None:
    """Report a lost, changed or reordered step and a lost number, each as its rule."""
    edited = edit(SAFE_TEXT)
    assert edited != SAFE_TEXT
    findings = check_pdf_text(edited, pdf="t.pdf", entries=LOCK.entries.values(), number="911")
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
    assert "print/" not in (built_site.path / "search" / "search_index.json").read_text(encoding="utf-8")
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
    replace_in("mkdocs.yml", 'care_team_phone: ""', 'care_team_phone: "555-0100"')(project)
    outcome = build_project(project)
    assert outcome.ok, outcome.error
    card = lxml.html.document_fromstring((outcome.site / CARD_PAGE).read_text(encoding="utf-8"))
    line = card.find_class("pg-card__care-team")[0].text_content()
    assert "555-0100" in line and not card.find_class("pg-write-in")
    assert "Emergency wording approved on November 25, 2026." in card.find_class("pg-card__meta")[0].text_content()


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
    entries = [entry for entry in LOCK.in_language(lang) if entry.id in CARD_SECTIONS]
    assert sorted(entry.id for entry in entries) == sorted(CARD_SECTIONS)
    assert check_pdf_text(text, pdf=edition + pdf, entries=entries, number="911") == []
    flat = normalise(text)
    for entry in entries:
        for block in entry.section.blocks("list"):
            for item in block:
                assert normalise(item) in flat, item
        assert normalise(entry.section.heading) in flat, entry.section.heading
    approved = max(entry.approved_on for entry in entries)
    assert readable_date(datetime.date.fromisoformat(approved), lang) in text
    if lang == LOCK.source_language:
        assert "care team" in text


@pytest.mark.browser
@pytest.mark.slow
def test_guide_pdf_is_tagged_linked_and_outlined(released: Released) -> None:
    """Give the guide PDF metadata, tags, an outline, internal links, page numbers and every step."""
    path = released.site.path / GUIDE_PDF
    reader = _reader(path)
    root = reader.trailer["/Root"]
    assert reader.metadata.title == "IVIg patient guide: the whole guide"
    assert "intravenous immunoglobulin" in (reader.metadata.subject or "")
    assert root.get("/Lang") == "en"
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert len(reader.outline) >= 10
    internal = 0
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            if "/Dest" in annotation or (action is not None and action.get("/S") == "/GoTo"):
                internal += 1
    assert internal >= 12, "the contents list should link into the document"
    text = pdf_text(path)
    assert check_pdf_text(text, pdf=GUIDE_PDF, entries=LOCK.in_language(LOCK.source_language), number="911") == []
    assert f"Page 2 of {len(reader.pages)}" in text


@pytest.mark.browser
@pytest.mark.slow
def test_page_pdf_keeps_its_steps_and_metadata(released: Released) -> None:
    """Print a page's own PDF with its steps, its address in the margin and its description as subject."""
    path = released.site.path / "handouts/pages/anaphylaxis.pdf"
    reader = _reader(path)
    assert reader.metadata.title.startswith("Severe allergic reaction")
    assert "first-aid steps" in (reader.metadata.subject or "")
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    text = pdf_text(path)
    entries = [entry for entry in LOCK.entries.values() if entry.page == "anaphylaxis.md"]
    assert check_pdf_text(text, pdf="anaphylaxis.pdf", entries=entries, number="911") == []
    assert f"{released.site.url}anaphylaxis/" in text
    assert "Last reviewed: November 25, 2026" in text


@pytest.mark.browser
@pytest.mark.slow
def test_card_renders_with_ink(released: Released, tmp_path: Path) -> None:
    """Render the card to PNG and find real ink on it, much of it at the top ("Call 911")."""
    import pypdfium2

    image = pypdfium2.PdfDocument(released.site.path / CARD_PDF)[0].render(scale=1).to_pil().convert("L")
    image.save(tmp_path / "card.png")
    pixels = image.tobytes()
    dark = sum(1 for value in pixels if value < 128) / len(pixels)
    assert 0.03 < dark < 0.5, f"ink coverage {dark:.3f}"
    top = image.crop((0, 0, image.width, image.height // 4))
    assert sum(1 for value in top.tobytes() if value < 128) / (top.width * top.height) > 0.03


@pytest.mark.browser
@pytest.mark.slow
def test_every_handout_link_resolves(released: Released) -> None:
    """With HANDOUTS on, link each page to its PDF and the card, and every such link leads to a file."""
    from ivig_guide.release import dead_handout_links

    html = page_html(released.site, "anaphylaxis/")
    links = [a.get("href") for a in lxml.html.document_fromstring(html).iter("a") if "handouts/" in a.get("href", "")]
    assert links == ["../handouts/pages/anaphylaxis.pdf", "../handouts/emergency-card.pdf"]
    assert dead_handout_links(released.site.path) == []


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
        pdf_text(text_only), pdf=CARD_PDF, entries=[LOCK.get("en", "anaphylaxis-first-aid")], number="911"
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
    assert "Shorten what it prints" in printed.stderr
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
        ".md-search",
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
