"""The guide in a real browser, as patients use it: accessibility, keyboard, no JavaScript, phones, zoom, print.

Every page is checked in light and dark mode at phone and desktop width. One Chromium, one context per
mode (see conftest.py and browser_support.py); run these alone with `make test-browser`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from browser_support import (
    DESKTOP,
    MODES,
    PHONE,
    Tab,
    describe_violations,
    mode_options,
    open_search,
    open_tab,
    run_axe,
)
from conftest import EDITION_PAGES, LOCK, NUMBER, SETTINGS, build_site, url_of

from ivig_guide.browser import FONT_SETUPS, start
from ivig_guide.emergency_blocks import prefixes
from ivig_guide.serve import Served, free_port, serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

#: Pages with emergency sections, and how many sections of each kind they show.
EMERGENCY_PAGES = ["anaphylaxis", "when-to-get-help"]


@dataclass(frozen=True)
class View:
    """A page loaded once in one mode, shared by the tests that only read it, and what its load logged."""

    page: str
    mode: str
    tab: Tab
    errors: tuple[str, ...]

    @property
    def p(self) -> Page:
        """The Playwright page showing it."""
        return self.tab.page


@pytest.fixture(scope="module")
def tabs(browser: Browser) -> Iterator[dict[str, Tab]]:
    """One tab per mode (light/dark × phone/desktop), showing the page of the current view."""
    opened = {mode: open_tab(browser, **mode_options(mode)) for mode in MODES}
    yield opened
    for tab in opened.values():
        tab.context.close()


@pytest.fixture(scope="module")
def fresh_tabs(browser: Browser) -> Iterator[dict[str, Tab]]:
    """Tabs per mode for the tests that type, press keys or change media, so views stay untouched."""
    opened: dict[str, Tab] = {}

    class Opener(dict):
        def __missing__(self, mode: str) -> Tab:
            opened[mode] = open_tab(browser, **mode_options(mode))
            return opened[mode]

    yield Opener()
    for tab in opened.values():
        tab.context.close()


@pytest.fixture(scope="module")
def no_js(browser: Browser) -> Iterator[Tab]:
    """A phone-sized tab with JavaScript turned off."""
    tab = open_tab(browser, java_script_enabled=False, viewport={"width": 390, "height": 844})
    yield tab
    tab.context.close()


#: Every page in every mode. As a module-scoped fixture parameter, pytest runs all the tests of one
#: view together, so each page is loaded once per mode for all of them.
VIEWS = [pytest.param((page, mode), id=f"{page}-{mode}") for page in EDITION_PAGES for mode in MODES]


@pytest.fixture(scope="module", params=VIEWS)
def view(request: pytest.FixtureRequest, tabs: dict[str, Tab], served_site: Served) -> View:
    """Load one page in one mode, wait until the network is quiet, and check the colour scheme shown."""
    page, mode = request.param
    tab = tabs[mode]
    tab.open(served_site.url + url_of(page))
    tab.page.wait_for_load_state("networkidle")
    scheme = tab.page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert scheme == ("slate" if mode.startswith("dark") else "default"), f"{mode} shows colour scheme {scheme}"
    return View(page, mode, tab, tuple(tab.errors))


def _open(tabs: dict[str, Tab], served: Served, mode: str, page: str) -> Page:
    return tabs[mode].open(served.url + url_of(page))


# --------------------------------------------------------------------------- axe-core


def test_axe_finds_no_violations(view: View) -> None:
    """Pass every axe-core WCAG 2.2 A/AA and best-practice rule."""
    violations = run_axe(view.p)
    assert not violations, f"axe on {url_of(view.page) or 'home'} ({view.mode}):\n{describe_violations(violations)}"


#: The print pages that `make handouts` prints (print/guide/, print/emergency-card/), by their folder.
PRINT_PAGES = ["print/guide/", "print/emergency-card/"]


@pytest.mark.parametrize("media", ["screen", "print"])
@pytest.mark.parametrize("url", PRINT_PAGES)
def test_axe_passes_the_print_pages(fresh_tabs: dict[str, Tab], served_site: Served, url: str, media: str) -> None:
    """Pass every axe-core rule on the pages the handouts are printed from, on screen and in print media."""
    p = fresh_tabs["light-desktop"].open(served_site.url + url)
    p.emulate_media(media=media)
    violations = run_axe(p)
    p.emulate_media(media="screen")
    assert not violations, f"axe on {url} ({media}):\n{describe_violations(violations)}"


@pytest.mark.parametrize("mode", MODES)
def test_axe_with_search_results_open(fresh_tabs: dict[str, Tab], served_site: Served, mode: str) -> None:
    """Pass axe with the search dialog open and showing results (highlights, result text, meta line)."""
    p = _open(fresh_tabs, served_site, mode, "index")
    links = open_search(p, "fever infusion")
    assert links, "the search found nothing"
    violations = run_axe(p)
    assert not violations, f"axe with search open ({mode}):\n{describe_violations(violations)}"


# --------------------------------------------------------------------------- console and network


def test_no_console_errors_or_failed_requests(view: View) -> None:
    """Load without console errors, script errors, refused (CSP) or failed requests, or HTTP errors."""
    assert view.errors == ()


@pytest.mark.parametrize("page", EMERGENCY_PAGES)
def test_screens_get_no_web_font(browser: Browser, served_site: Served, page: str) -> None:
    """Send readers' screens no font file (they keep their system fonts); printing loads the guide's print font."""
    tab = open_tab(browser, viewport=PHONE)
    fonts: list[str] = []
    tab.page.on("request", lambda request: request.resource_type == "font" and fonts.append(request.url))
    try:
        tab.open(served_site.url + url_of(page)).wait_for_load_state("networkidle")
        on_screen = list(fonts)
        tab.page.emulate_media(media="print")
        printed = tab.page.evaluate(
            """async () => { await document.fonts.ready;
                return [...document.fonts].filter((f) => f.status === "loaded").map((f) => f.family); }"""
        )
    finally:
        tab.context.close()
    assert on_screen == []
    assert "Atkinson Hyperlegible" in {family.strip('"') for family in printed}


def test_missing_page_gets_the_guide_404(fresh_tabs: dict[str, Tab], served_site: Served) -> None:
    """Answer a wrong address with the guide's own 404 page, which still offers the emergency link."""
    tab = fresh_tabs["light-desktop"]
    response = tab.page.goto(served_site.url + "no-such-page/")
    assert response is not None and response.status == 404
    assert tab.page.locator(".pg-announce a").is_visible()
    assert [error for error in tab.errors if "no-such-page" not in error] == []


# --------------------------------------------------------------------------- keyboard

FOCUSABLE = (
    "a[href], button, input:not([type=hidden]), select, textarea, summary, label[tabindex], "
    "[tabindex]:not([tabindex='-1'])"
)

#: One Tab stop: how the focused element looks focused and unfocused. Focus is drawn by outline or
#: box-shadow; Material hides its radio toggles and draws their focus on the label that follows them.
FOCUS_STEP_JS = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  if (element.dataset.pgTabStop) return { again: true };
  element.dataset.pgTabStop = "1";
  const box = element.getBoundingClientRect();
  let shown = element;
  if (box.width < 2 && box.height < 2) {
    for (let next = element.nextElementSibling; next; next = next.nextElementSibling) {
      if (next.matches("label") && next.checkVisibility()) { shown = next; break; }
    }
  }
  const look = () => {
    const style = getComputedStyle(shown);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    return { outline: outline ? `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}` : "none",
             shadow: style.boxShadow, background: style.backgroundColor };
  };
  const rect = shown.getBoundingClientRect();
  const focused = look();
  element.blur();
  const unfocused = look();
  element.focus({ preventScroll: true });
  return {
    name: `${shown.tagName.toLowerCase()}.${[...shown.classList].join(".")} "${shown.textContent.trim().slice(0, 40)}"`,
    visible: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.right > 0
      && rect.top < innerHeight && rect.left < innerWidth && shown.checkVisibility({ visibilityProperty: true }),
    focused, unfocused,
  };
}"""


@pytest.mark.parametrize("mode", ["light-phone", "dark-desktop"])
@pytest.mark.parametrize("page", EDITION_PAGES)
def test_focus_is_always_visible(fresh_tabs: dict[str, Tab], served_site: Served, page: str, mode: str) -> None:
    """Show a focus indicator, on screen, on every element Tab reaches: an outline or shadow it lacks unfocused."""
    p = _open(fresh_tabs, served_site, mode, page)
    stops, problems = 0, []
    for _ in range(p.locator(FOCUSABLE).count() + 5):
        p.keyboard.press("Tab")
        step = p.evaluate(FOCUS_STEP_JS)
        if step is None or step.get("again"):
            break  # left the page or wrapped round to the start
        stops += 1
        focused, unfocused = step["focused"], step["unfocused"]
        drawn = [key for key in ("outline", "shadow") if focused[key] != "none" and focused[key] != unfocused[key]]
        if not step["visible"]:
            problems.append(f"{step['name']}: focused but not on screen")
        elif not drawn:
            problems.append(f"{step['name']}: no focus indicator (focused {focused}, unfocused {unfocused})")
    assert stops >= 3, f"Tab reached only {stops} elements"
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("mode", ["light-phone", "light-desktop"])
@pytest.mark.parametrize("page", ["index", "anaphylaxis", "when-to-get-help"])
def test_skip_link_moves_to_the_content(fresh_tabs: dict[str, Tab], served_site: Served, page: str, mode: str) -> None:
    """Focus 'Skip to content' on the first Tab; Enter scrolls to the page heading and Tab goes on from there."""
    p = _open(fresh_tabs, served_site, mode, page)
    p.keyboard.press("Tab")
    skip = p.evaluate("[document.activeElement.textContent.trim(), document.activeElement.getAttribute('href')]")
    assert skip[0] == "Skip to content"
    p.keyboard.press("Enter")
    heading = p.locator("article h1")
    assert p.evaluate("location.hash") == skip[1] == f"#{heading.get_attribute('id')}"
    box = heading.bounding_box()
    assert box is not None and 0 <= box["y"] < p.viewport_size["height"] / 2, f"the heading is not in view: {box}"
    p.keyboard.press("Tab")
    assert p.evaluate("!!document.activeElement.closest('article')"), "Tab after the skip link left the content"


# --------------------------------------------------------------------------- target size (WCAG 2.5.8)

#: Every visible target smaller than 24×24 CSS px that is neither inline in text nor spaced out:
#: WCAG 2.5.8's spacing exception is checked as written (a 24 px circle on the centre of each undersized
#: target's box may not intersect another target or another undersized target's circle).
TARGETS_JS = """(selector) => {
  const all = [...document.querySelectorAll(selector)].filter((el) => {
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    return rect.width > 0 && rect.height > 0 && rect.right > 0 && rect.left < innerWidth
      && el.checkVisibility({ opacityProperty: true, visibilityProperty: true })
      && style.pointerEvents !== "none" && !el.closest("[aria-hidden=true]");
  });
  const inline = (el) => {
    if (getComputedStyle(el).display !== "inline") return false;
    const block = el.parentElement.closest("p, li, dd, dt, td, th, figcaption, blockquote");
    return !!block && block.textContent.trim().length > el.textContent.trim().length;
  };
  const boxes = all.map((el) => ({ el, r: el.getBoundingClientRect() }));
  const small = boxes.filter(({ el, r }) => (r.width < 24 || r.height < 24) && !inline(el));
  const centre = (r) => [r.left + r.width / 2, r.top + r.height / 2];
  const distanceToRect = ([x, y], r) =>
    Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
  const name = (el) =>
    `${el.tagName.toLowerCase()}.${[...el.classList].join(".")} "${el.textContent.trim().slice(0, 30)}"`;
  const problems = [];
  for (const a of small) {
    const c = centre(a.r);
    for (const b of boxes) {
      if (b.el === a.el || a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const bSmall = small.includes(b);
      const hitsTarget = distanceToRect(c, b.r) < 12;
      const hitsCircle = bSmall && Math.hypot(c[0] - centre(b.r)[0], c[1] - centre(b.r)[1]) < 24;
      if (hitsTarget || hitsCircle) {
        const size = `${Math.round(a.r.width)}×${Math.round(a.r.height)} px`;
        problems.push(`${name(a.el)} ${size} is too close to ${name(b.el)}`);
        break;
      }
    }
  }
  return problems;
}"""


def test_targets_are_big_enough(view: View) -> None:
    """Make every control at least 24×24 px or spaced out enough (WCAG 2.5.8); links inside text are exempt."""
    problems = view.p.evaluate(TARGETS_JS, FOCUSABLE + ", label[for]")
    assert problems == [], "\n".join(problems)


# --------------------------------------------------------------------------- structure and text size


def test_headings_form_a_clean_outline(view: View) -> None:
    """Have exactly one h1, first, and never skip a level going down (h2 → h4)."""
    levels = view.p.evaluate(
        """() => [...document.querySelectorAll("h1, h2, h3, h4, h5, h6, [role=heading]")]
             .filter((h) => h.getClientRects().length && !h.closest("[aria-hidden=true]"))
             .map((h) => [Number(h.getAttribute("aria-level") || h.tagName[1]), h.textContent.trim()])"""
    )
    assert levels and levels[0][0] == 1, f"the first heading is not an h1: {levels[:1]}"
    assert [text for level, text in levels if level == 1] == [levels[0][1]], f"more than one h1: {levels}"
    skips = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b[0] > a[0] + 1]
    assert skips == [], f"skipped heading levels: {skips}"


def test_emergency_headings_are_announced_with_their_prefix(view: View) -> None:
    """Give each emergency section a real heading whose accessible name starts with its kind."""
    p = view.p
    sections = p.locator("section[data-pg-safety]")
    assert (sections.count() >= 1) == (view.page.rpartition("/")[2] in EMERGENCY_PAGES)
    # The prefixes are in the page's language ("Emergencia: " on the Spanish pages).
    words = {kind: f"{prefix} " for kind, prefix in prefixes(p.evaluate("document.documentElement.lang")).items()}
    for index in range(sections.count()):
        section = sections.nth(index)
        kind = section.get_attribute("data-pg-safety")
        heading = section.get_by_role("heading", name=re.compile("^" + re.escape(words[kind])))
        assert heading.count() == 1, f"the {kind} section has no heading named '{words[kind]}…'"
        assert heading.evaluate("(h) => /^H[23]$/.test(h.tagName)"), "the section heading must be an h2 or h3"
        assert heading.is_visible()
        # The section itself is a region named by that heading.
        assert p.get_by_role("region", name=heading.text_content().strip()).count() >= 1


def test_emergency_text_is_at_least_body_size(view: View) -> None:
    """Show emergency and callout text no smaller than the page's body text (Material shrinks admonitions)."""
    sizes = view.p.evaluate(
        """() => {
          const body = parseFloat(getComputedStyle(document.querySelector("article")).fontSize);
          const texts = [...document.querySelectorAll(
              "section[data-pg-safety] :is(p, li), article :is(.admonition, details) :is(p, li)")]
            .map((el) => [parseFloat(getComputedStyle(el).fontSize), el.textContent.trim().slice(0, 40)]);
          return { body, texts };
        }"""
    )
    small = [text for size, text in sizes["texts"] if size < sizes["body"]]
    assert small == [], f"smaller than body text ({sizes['body']} px): {small}"


# --------------------------------------------------------------------------- without JavaScript


@pytest.mark.parametrize("page", EDITION_PAGES)
def test_readable_without_javascript(no_js: Tab, served_site: Served, page: str) -> None:
    """Show every page's heading and text with JavaScript off."""
    p = no_js.open(served_site.url + url_of(page))
    assert p.locator("article h1").is_visible()
    paragraphs = p.locator("article p:not([hidden] p)")
    hidden = [
        paragraphs.nth(i).text_content()[:40] for i in range(paragraphs.count()) if not paragraphs.nth(i).is_visible()
    ]
    assert paragraphs.count() and hidden == [], f"hidden without JavaScript: {hidden}"


@pytest.mark.parametrize("page", EMERGENCY_PAGES)
def test_emergency_content_works_without_javascript(no_js: Tab, served_site: Served, page: str) -> None:
    """Show the callouts, every first-aid step and a working tel: link to the emergency number with JavaScript off."""
    p = no_js.open(served_site.url + url_of(page))
    sections = p.locator("section[data-pg-safety]")
    assert sections.count() >= 1
    for index in range(sections.count()):
        section = sections.nth(index)
        assert section.is_visible() and section.locator("h2, h3").is_visible()
        for item in section.locator("li").all():
            assert item.is_visible(), f"hidden without JavaScript: {item.text_content()}"
    for steps in p.locator("section[data-pg-safety=first-aid] ol").all():
        assert steps.locator(":scope > li").count() == len(
            LOCK.get(SETTINGS.lang, "anaphylaxis-first-aid").section.blocks("steps")[0]
        )
    calls = p.locator("section[data-pg-safety=emergency] a[href^='tel:']")
    assert calls.count() >= 1
    for link in calls.all():
        assert link.get_attribute("href") == f"tel:{NUMBER}" and link.is_visible()
        # A real link: it is focusable, and the browser would hand tel:<number> to the phone app.
        link.focus()
        assert link.evaluate(
            "(a, number) => a === document.activeElement && a.protocol === 'tel:' && a.pathname === number", NUMBER
        )


# --------------------------------------------------------------------------- phones and zoom

OVERFLOW_JS = """() => {
  const root = document.documentElement;
  const clipped = [];
  for (const el of document.querySelectorAll("body *")) {
    const style = getComputedStyle(el);
    if (!["hidden", "clip"].includes(style.overflowX)) continue;
    if (el.closest(".pg-visually-hidden, .md-visually-hidden")) continue;
    if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true }) || el.clientWidth <= 1) continue;
    const text = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (el.scrollWidth > el.clientWidth + 1 && (text || el.querySelector("p, li, h1, h2, h3, a, span"))) {
      const name = `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`;
      clipped.push(`${name} "${el.textContent.trim().slice(0, 40)}": ${el.scrollWidth} > ${el.clientWidth} px`);
    }
  }
  return { scroll: root.scrollWidth, width: root.clientWidth, clipped };
}"""


@pytest.fixture(scope="module", params=sorted(FONT_SETUPS))
def font_browser(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Browser]:
    """A Chromium that sees only one font setup: DejaVu (a fresh machine, wide) or Liberation (Arial's widths)."""
    chromium = start(browser.browser_type, fonts=request.param)
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def narrow(font_browser: Browser) -> Iterator[Tab]:
    """The narrowest phone the guide supports: 320 CSS px wide."""
    tab = open_tab(font_browser, viewport=NARROW)
    yield tab
    tab.context.close()


@pytest.fixture(scope="module")
def zoomed(font_browser: Browser) -> Iterator[Tab]:
    """A 1280×800 window at 200% zoom: 640×400 CSS px at a device pixel ratio of 2."""
    tab = open_tab(font_browser, viewport=ZOOMED, device_scale_factor=2)
    yield tab
    tab.context.close()


@pytest.mark.parametrize("page", EDITION_PAGES)
def test_no_sideways_scrolling_at_320_px(narrow: Tab, served_site: Served, page: str) -> None:
    """Fit every page into a 320 px wide screen without scrolling sideways or cutting text off."""
    p = narrow.open(served_site.url + url_of(page))
    result = p.evaluate(OVERFLOW_JS)
    assert result["scroll"] <= result["width"], f"page is {result['scroll']} px wide in a {result['width']} px screen"
    assert result["clipped"] == []


@pytest.mark.parametrize("page", EDITION_PAGES)
def test_nothing_cut_off_at_200_percent_zoom(zoomed: Tab, served_site: Served, page: str) -> None:
    """Keep every page whole at 200% zoom: no sideways scrolling, no text clipped by its box."""
    p = zoomed.open(served_site.url + url_of(page))
    result = p.evaluate(OVERFLOW_JS)
    assert result["scroll"] <= result["width"], f"page is {result['scroll']} px wide in a {result['width']} px window"
    assert result["clipped"] == []


#: A clinic's name for its copy of the guide, as long as the guide allows (60 characters).
LONG_SITE_NAME = "IVIg patient guide: Riverside Community Immunology Clinic UK"
NARROW = {"width": 320, "height": 640}
ZOOMED = {"width": 640, "height": 400}
HEADER_WINDOWS = {"320px": (NARROW, 1), "phone": (PHONE, 1), "zoom-200": (ZOOMED, 2), "desktop": (DESKTOP, 1)}

#: The header's site name (or, once the reader scrolled past the page's heading, the page title): its
#: width against the width it needs, its lines, and whether it lies inside the window.
HEADER_TOPIC_JS = """(which) => {
  const topic = document.querySelectorAll(".md-header__topic")[which];
  const text = topic.querySelector(".md-ellipsis");
  const box = text.getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(text);
  const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
  return {
    text: text.textContent.trim(),
    needs: text.scrollWidth,
    has: text.clientWidth,
    ellipsis: getComputedStyle(text).textOverflow === "ellipsis" && text.scrollWidth > text.clientWidth,
    lines: lines.size,
    inside: box.left >= 0 && box.right <= document.documentElement.clientWidth && box.top >= 0,
    within_header: (() => {
      const header = document.querySelector(".md-header").getBoundingClientRect();
      return box.top >= header.top - 0.5 && box.bottom <= header.bottom + 0.5;
    })(),
    shown: text.checkVisibility({ opacityProperty: true, visibilityProperty: true }),
    scroll: document.documentElement.scrollWidth,
    width: document.documentElement.clientWidth,
  };
}"""


@pytest.fixture(scope="module")
def long_name_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The guide built with a 60-character site name, as a clinic renames it, served on loopback."""
    built = build_site(
        tmp_path_factory.mktemp("long-name") / "site", port=free_port(), settings=f'site_name: "{LONG_SITE_NAME}"\n'
    )
    with serve(built.path, port=built.port) as served:
        yield served


def _header_topic(page: Page, which: int) -> dict:
    if which == 1:
        # Material shows the page title instead of the site name once the page's heading scrolled away.
        page.mouse.wheel(0, 2000)
        page.wait_for_selector(".md-header__title--active")
        page.wait_for_function("() => document.getAnimations().every((a) => a.playState !== 'running')")
    return page.evaluate(HEADER_TOPIC_JS, which)


#: The pages the header is measured on: the home page, a long page title, and each edition's home page (its own name).
HEADER_PAGES = ["index", "maintainers/editing-emergency-content"] + [
    f"{lang}/index" for lang in SETTINGS.languages if f"{lang}/index" in EDITION_PAGES
]


@pytest.mark.parametrize("window", HEADER_WINDOWS)
@pytest.mark.parametrize("name", ["configured", "60-characters"])
@pytest.mark.parametrize("page", HEADER_PAGES)
def test_header_name_wraps_instead_of_being_cut_off(
    font_browser: Browser, served_site: Served, long_name_site: Served, name: str, window: str, page: str
) -> None:
    """Show the whole site name (on at most two lines) and page title in the header, with any font and name length."""
    viewport, scale = HEADER_WINDOWS[window]
    site = served_site if name == "configured" else long_name_site
    tab = open_tab(font_browser, viewport=viewport, device_scale_factor=scale)
    try:
        p = tab.open(site.url + url_of(page))
        site_name = _header_topic(p, 0)
        page_title = _header_topic(p, 1)
    finally:
        tab.context.close()
    # The 60-character name is the default edition's; another edition keeps its own name (its i18n settings).
    renamed = name == "60-characters" and page.split("/")[0] not in SETTINGS.languages
    expected = LONG_SITE_NAME if renamed else site_name["text"]
    assert site_name["text"] == expected
    assert site_name["lines"] <= 2, f"{site_name['text']!r} takes {site_name['lines']} lines"
    for topic in (site_name, page_title):
        assert topic["shown"] and topic["inside"], f"{topic['text']!r} is not wholly on screen: {topic}"
        assert not topic["ellipsis"] and topic["needs"] <= topic["has"], f"{topic['text']!r} is cut off: {topic}"
        assert topic["within_header"], f"{topic['text']!r} spills out of the header: {topic}"
        assert topic["scroll"] <= topic["width"], f"the page is {topic['scroll']} px wide in {topic['width']} px"


# --------------------------------------------------------------------------- print

CHROME = {
    "header": ".md-header",
    "emergency banner": ".md-banner",
    "navigation": ".md-sidebar--primary",
    "table of contents": ".md-sidebar--secondary",
    "footer": ".md-footer",
    "search": ".md-search, .pg-search-open, .pg-search",
}


@pytest.mark.parametrize("page", EMERGENCY_PAGES)
def test_print_shows_emergency_steps_and_no_site_chrome(
    fresh_tabs: dict[str, Tab], served_site: Served, page: str
) -> None:
    """Print the emergency sections and their steps, and none of the header, banner, menus, footer or search."""
    p = _open(fresh_tabs, served_site, "light-desktop", page)
    p.emulate_media(media="print")
    try:
        sections = p.locator("section[data-pg-safety]")
        assert sections.count() >= 1 and all(section.is_visible() for section in sections.all())
        steps = p.locator("section[data-pg-safety=first-aid] ol > li")
        assert all(step.is_visible() for step in steps.all())
        shown = [name for name, selector in CHROME.items() if any(el.is_visible() for el in p.locator(selector).all())]
        assert shown == [], f"printed with the page: {shown}"
    finally:
        p.emulate_media(media="screen")
