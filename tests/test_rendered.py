"""The rendered check: every copy of every guarded section, as Chromium paints it.

The guide is built once (the session's ``built_site``); each harmful stylesheet change is added to the
guide's CSS by request routing, so no case rebuilds the site.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import ROOT, BuiltSite

from ivig_guide.print_pages import CARD_PAGE, card_section_ids
from ivig_guide.rendered import (
    FIXES,
    Copy,
    Shots,
    check_rendered,
    check_step_numbers,
    contrast,
    expected_sections,
    main,
    measure_text,
    plan_copies,
)
from ivig_guide.settings import configured_lock

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext

SETTINGS, LOCK = configured_lock(ROOT / "mkdocs.yml")
LANG = SETTINGS.lang
#: The page holding the first-aid steps, from the lock.
STEPS_ENTRY = next(entry for entry in LOCK.in_language(LANG) if entry.section.blocks("steps"))
STEPS_URL = STEPS_ENTRY.page.removesuffix(".md") + "/"
STEPS = ".md-typeset .pg-safety ol > li"


def with_css(css: str) -> Callable[[BrowserContext], None]:
    """Return a route hook that serves every stylesheet with ``css`` added at its end (print pages link their own)."""

    def hook(context: BrowserContext) -> None:
        def fulfil(route) -> None:
            response = route.fetch()
            route.fulfill(response=response, body=response.text() + "\n" + css)

        context.route("**/*.css", fulfil)

    return hook


def test_contrast_is_wcag_contrast() -> None:
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21)
    assert contrast((118, 118, 118), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)
    assert contrast((10, 20, 30), (10, 20, 30)) == 1


def _shots(backdrop: Callable[[int], tuple[int, int, int]], ink: tuple[int, int, int]) -> Shots:
    """Return the four screenshots of a 40 x 10 px region whose columns 10-29 are "text" in ``ink``."""
    from PIL import Image

    def image(colour: Callable[[int, int], tuple[int, int, int]]) -> Image.Image:
        picture = Image.new("RGB", (40, 10))
        picture.putdata([colour(x, y) for y in range(10) for x in range(40)])
        return picture

    def text(colour: tuple[int, int, int]) -> Callable[[int, int], tuple[int, int, int]]:
        return lambda x, y: colour if 10 <= x < 30 and 2 <= y < 8 else backdrop(x)

    return Shots(
        (0, 0), image(text(ink)), image(lambda x, y: backdrop(x)), image(text((0, 0, 0))), image(text((255,) * 3))
    )


PIXEL_CASES = [
    pytest.param(lambda x: (255, 255, 255), (0, 0, 0), 21, id="black-on-white"),
    pytest.param(lambda x: (255, 255, 255), (255, 255, 255), 1, id="white-on-white"),
    pytest.param(lambda x: (20, 20, 20) if x < 14 else (255, 255, 255), (0, 0, 0), 1.1, id="dark-band-behind-part"),
    pytest.param(lambda x: (30, 30, 30), (230, 230, 230), 13.5, id="light-on-dark"),
]


@pytest.mark.parametrize(("backdrop", "ink", "expected"), PIXEL_CASES)
def test_text_contrast_is_measured_against_what_is_behind_it(backdrop, ink, expected) -> None:
    """Measure the text's pixels against the same pixels without the text; a bad part counts."""
    ratio, coverage = measure_text(_shots(backdrop, ink), {"x": 0, "y": 0, "width": 40, "height": 10})
    assert coverage == 1.0
    assert ratio == pytest.approx(expected, rel=0.05)


def test_text_that_is_not_drawn_has_no_contrast() -> None:
    white = _shots(lambda x: (255, 255, 255), (0, 0, 0))
    nothing = Shots(white.origin, white.bare, white.bare, white.bare, white.bare)
    assert measure_text(nothing, {"x": 0, "y": 0, "width": 40, "height": 10}) == (None, 0.0)


def _steps_text(steps: tuple[str, ...], numbers: list[str]) -> str:
    return "\n".join(f"{number} {step}" for number, step in zip(numbers, steps, strict=True))


def _numbers(steps: tuple[str, ...]) -> list[str]:
    return [f"{n}." for n in range(1, len(steps) + 1)]


STEP_TEXT_EDITS = [
    pytest.param(lambda numbers: numbers, [], "pdf-step-number", id="numbered"),
    pytest.param(lambda numbers: ["" for _ in numbers], "all", "pdf-step-number", id="numbers-lost"),
    pytest.param(lambda numbers: [numbers[0], "", *numbers[2:]], [2], "pdf-step-number", id="one-number-lost"),
    pytest.param(lambda numbers: ["\u2022" for _ in numbers], "all", "pdf-step-number", id="bullets-instead"),
    pytest.param(
        lambda numbers: [numbers[1], numbers[0], *numbers[2:]], [1, 2], "pdf-step-number", id="numbers-swapped"
    ),
]


@pytest.mark.parametrize(("edit", "broken", "rule"), STEP_TEXT_EDITS)
def test_pdf_steps_need_their_numbers(edit, broken, rule: str) -> None:
    """Report each approved step whose PDF text is not preceded by its own number."""
    steps = STEPS_ENTRY.section.blocks("steps")[0]
    text = _steps_text(steps, edit(_numbers(steps)))
    findings = check_step_numbers(text, pdf="handouts/x.pdf", entries=[STEPS_ENTRY])
    expected = list(range(1, len(steps) + 1)) if broken == "all" else broken
    assert [f.element.split(" (")[0] for f in findings] == [f"step {n}" for n in expected]
    assert {f.rule for f in findings} <= {rule}


def test_plan_covers_every_copy(built_site: BuiltSite) -> None:
    """Plan each guarded page in both schemes at both widths and in print, embeds, and the print pages."""
    copies = plan_copies(built_site.path)
    pages = {entry.page.removesuffix(".md") + "/" for entry in LOCK.in_language(LANG)}
    labels = {(copy.url, copy.label) for copy in copies}
    for page in pages:
        for scheme in ("light", "dark"):
            for width in (390, 1280):
                assert (page, f"{scheme} {width} px") in labels
                assert (f"embed/{page}", f"embed {scheme} {width} px") in labels
        assert (page, "print") in labels
    assert ("print/guide/", "print") in labels and ("print/emergency-card/", "print") in labels
    assert expected_sections("print/emergency-card/", lock=LOCK, lang=LANG) == set(card_section_ids(LOCK, LANG))
    assert not any(copy.url.startswith("embed/fragments/") for copy in copies)


def test_command_names_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "nothing"), "--config", str(ROOT / "mkdocs.yml")]) == 2
    assert "nothing: no such folder" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.browser
def test_the_guide_passes_in_every_copy(built_site: BuiltSite, browser: Browser) -> None:
    """Find nothing wrong with any copy of the guide as built."""
    findings = check_rendered(built_site.path, lock=LOCK, lang=LANG, browser=browser)
    assert findings == [], "\n".join(map(str, findings))


#: One stylesheet change each: the page and copy it is seen in, and the rule it breaks.
HARMFUL = [
    pytest.param(STEPS_URL, f"{STEPS} {{ list-style: none }}", "light 390 px", "not-numbered", id="numbers-removed"),
    pytest.param(
        STEPS_URL, f"{STEPS}::marker {{ content: none }}", "light 1280 px", "marker-not-painted", id="marker-none"
    ),
    pytest.param(
        STEPS_URL,
        ".md-typeset .pg-safety { background: #fff !important } .md-typeset .pg-safety ol { color: #fff !important }",
        "light 390 px",
        "low-contrast",
        id="white-on-white",
    ),
    pytest.param(STEPS_URL, f"{STEPS} {{ font-size: 4px }}", "light 390 px", "text-too-small", id="tiny-text"),
    pytest.param(
        STEPS_URL,
        f"[data-md-color-scheme=slate] {STEPS} {{ color: var(--md-default-bg-color) !important }}",
        "dark 390 px",
        "low-contrast",
        id="invisible-in-dark-mode",
    ),
    pytest.param(
        STEPS_URL,
        ".md-typeset .pg-safety ol { position: relative }"
        ".md-typeset .pg-safety ol::after { content: ''; position: absolute; inset: 0; background: #fff }",
        "light 1280 px",
        "covered",
        id="covered-by-positioned-element",
    ),
    pytest.param(
        STEPS_URL,
        ".md-typeset .pg-safety ol { background-image: repeating-linear-gradient(90deg, #111 0 30px, #eee 30px 60px) }",
        "light 1280 px",
        "low-contrast",
        id="background-image",
    ),
    pytest.param(STEPS_URL, f"{STEPS} {{ opacity: 0.3 }}", "dark 1280 px", "transparent", id="faded"),
    pytest.param(STEPS_URL, f"{STEPS} {{ transform: scale(0.3) }}", "light 390 px", "hidden", id="scaled-away"),
    pytest.param(
        STEPS_URL,
        ".md-typeset .pg-safety ol { height: 1em; overflow: hidden }",
        "light 390 px",
        "clipped",
        id="clipped",
    ),
    pytest.param(
        STEPS_URL,
        "@media print { .md-typeset .pg-safety ol { visibility: hidden } }",
        "print",
        "hidden",
        id="print-only-hiding",
    ),
    pytest.param(
        STEPS_URL,
        ".md-typeset .pg-safety a[href^='tel:'] { font-size: 0.6em }",
        "light 390 px",
        "tel-too-small",
        id="tel-shrunk",
    ),
    pytest.param(STEPS_URL, f"{STEPS} {{ list-style-type: lower-alpha }}", "dark 390 px", "not-numbered", id="letters"),
    pytest.param(
        STEPS_URL, f"{STEPS}::marker {{ color: #f2f2f2 }}", "light 1280 px", "marker-low-contrast", id="pale-numbers"
    ),
    pytest.param(
        STEPS_URL, f"{STEPS}::marker {{ font-size: 5px }}", "light 390 px", "marker-too-small", id="tiny-numbers"
    ),
    pytest.param(
        STEPS_URL,
        "#anaphylaxis-first-aid ol > li { -webkit-text-fill-color: transparent !important }",
        "light 390 px",
        "not-painted",
        id="text-colour-transparent",
    ),
    pytest.param(STEPS_URL, f"{STEPS} {{ text-indent: -9999px }}", "light 1280 px", "off-screen", id="text-pushed-out"),
    pytest.param(
        f"embed/{STEPS_URL}",
        "@media (prefers-color-scheme: dark) { .pg-safety ol > li { color: #fff !important } }",
        "embed dark 390 px",
        "low-contrast",
        id="embed-invisible-in-dark-mode",
    ),
    pytest.param(
        "print/emergency-card/",
        "@media print { .pg-card .pg-safety ol > li { color: #fff !important } }",
        "print",
        "low-contrast",
        id="card-steps-white",
    ),
]

#: Style changes a clinic may make that keep every step shown, readable and numbered.
HARMLESS = [
    pytest.param(f"{STEPS} {{ font-size: 1.1em }}", "light 390 px", id="larger-steps"),
    pytest.param(f"{STEPS}::marker {{ color: #1a237e }}", "light 1280 px", id="darker-blue-numbers"),
    pytest.param(f"[data-md-color-scheme=slate] {STEPS}::marker {{ color: #ffcc80 }}", "dark 390 px", id="dark-amber"),
]


def _check_one(site: Path, browser: Browser, css: str, label: str, url: str = STEPS_URL) -> list:
    def only(copy: Copy) -> bool:
        return copy.url == url and copy.label == label

    return check_rendered(site, lock=LOCK, lang=LANG, route=with_css(css), only=only, browser=browser, pdfs=False)


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize(("url", "css", "label", "rule"), HARMFUL)
def test_harmful_style_fails(
    built_site: BuiltSite, browser: Browser, url: str, css: str, label: str, rule: str
) -> None:
    """Fail each harmful stylesheet change, naming the page, the copy, the section, the step and the figure."""
    findings = _check_one(built_site.path, browser, css, label, url)
    assert rule in {f.rule for f in findings}, "\n".join(map(str, findings))
    finding = next(f for f in findings if f.rule == rule and f.section == STEPS_ENTRY.id)
    assert (finding.page, finding.copy, finding.section) == (url, label, STEPS_ENTRY.id)
    assert finding.element.startswith(("step ", "tel: link ")), finding
    message = str(finding)
    assert f"[{label}]" in message and f"[{rule}]" in message and FIXES[rule] in message
    if rule not in ("not-numbered", "hidden"):  # those name the CSS value; the others measure
        assert any(ch.isdigit() for ch in finding.detail), "the message gives the measured figure"


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize(("css", "label"), HARMLESS)
def test_harmless_style_passes(built_site: BuiltSite, browser: Browser, css: str, label: str) -> None:
    findings = _check_one(built_site.path, browser, css, label)
    assert findings == [], "\n".join(map(str, findings))


@pytest.fixture(scope="module")
def card_pdf(built_site: BuiltSite, browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """Return a function that prints the emergency card with extra CSS and returns its PDF's path."""
    from ivig_guide.serve import serve

    folder = tmp_path_factory.mktemp("card")
    with serve(built_site.path) as served:

        def print_card(css: str) -> Path:
            context = browser.new_context()
            try:
                with_css(css)(context)
                page = context.new_page()
                page.emulate_media(media="print")
                page.goto(served.url + CARD_PAGE.removesuffix("index.html"), wait_until="load")
                path = folder / f"card-{len(list(folder.iterdir()))}.pdf"
                page.pdf(path=str(path), format="Letter", print_background=True, prefer_css_page_size=True)
                return path
            finally:
                context.close()

        yield print_card


@pytest.mark.slow
@pytest.mark.browser
def test_pdf_without_step_numbers_fails(card_pdf: Callable[[str], Path]) -> None:
    """Find the numbers of the card's printed steps, and miss them when print CSS drops them."""
    from ivig_guide.pdf_check import pdf_text

    entries = [entry for entry in LOCK.in_language(LANG) if entry.id in card_section_ids(LOCK, LANG)]
    assert check_step_numbers(pdf_text(card_pdf("")), pdf="card.pdf", entries=entries) == []
    stripped = card_pdf("@media print { .pg-safety ol > li { list-style: none } }")
    findings = check_step_numbers(pdf_text(stripped), pdf="card.pdf", entries=entries)
    steps = STEPS_ENTRY.section.blocks("steps")[0]
    assert [f.element.split(" (")[0] for f in findings] == [f"step {n}" for n in range(1, len(steps) + 1)]


@pytest.mark.slow
@pytest.mark.browser
def test_blocked_files_are_not_loaded(built_site: BuiltSite, browser: Browser) -> None:
    """Hold back the files matching ``block``, as a reader whose connection drops them gets the page."""
    failed: list[str] = []

    def watch(context: BrowserContext) -> None:
        context.on("requestfailed", lambda request: failed.append(request.url))

    def only(copy: Copy) -> bool:
        return copy.url == STEPS_URL and copy.label == "light 390 px"

    blocked = ["**/assets/stylesheets/main.*.min.css", "**/assets/javascripts/bundle.*.min.js"]
    findings = check_rendered(
        built_site.path, lock=LOCK, lang=LANG, block=blocked, route=watch, only=only, browser=browser, pdfs=False
    )
    assert findings == [], "\n".join(map(str, findings))
    assert any("/assets/stylesheets/main." in url for url in failed), failed
    assert any("/assets/javascripts/bundle." in url for url in failed), failed


#: A copy the reader cannot get at all: the rule it breaks.
PAGE_FAULTS = [pytest.param(500, "page-error", id="page-answers-500")]


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize(("status", "rule"), PAGE_FAULTS)
def test_copy_that_does_not_load_fails(built_site: BuiltSite, browser: Browser, status: int, rule: str) -> None:
    """Fail a copy whose page does not load, naming the page, the copy and the HTTP status."""

    def route(context) -> None:
        context.route(f"**/{STEPS_URL}", lambda request: request.fulfill(status=status, body="down"))

    def only(copy: Copy) -> bool:
        return copy.url == STEPS_URL and copy.label == "light 390 px"

    findings = check_rendered(
        built_site.path, lock=LOCK, lang=LANG, route=route, only=only, browser=browser, pdfs=False
    )
    assert [(f.page, f.copy, f.rule) for f in findings if f.rule == rule] == [(STEPS_URL, "light 390 px", rule)]
    assert f"HTTP {status}" in str(findings[0])
