"""The first paint in Chromium: the guarded sections pass the rendered check before and after the rest arrives.

The pages come from the lock and mkdocs.yml (every page with a guarded section, in every language, and
the page each edition's emergency banner links to). Material's stylesheets and scripts, the guide's
stylesheet bundle and scripts are held back by request routing: aborted for the first moment, or kept
waiting and then let through to measure how far the page moves when they arrive.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from conftest import LOCK, BuiltSite
from first_paint_support import DESKTOP, FIRST_PAINT_PAGES, LATE_FILES, PHONE, HeldBack, page_language

from ivig_guide.first_paint import STYLE_ATTRIBUTE
from ivig_guide.rendered import SETTLE_JS, Copy, check_rendered
from ivig_guide.serve import Served

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Route

#: Cumulative layout shift allowed when the held-back files arrive (Core Web Vitals' "good" is 0.1).
MAX_SHIFT = 0.01
#: Sum every layout shift of the page from its first paint on (buffered: those before this ran too).
SHIFTS_JS = """() => {
  window.__pgShifts = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.hadRecentInput) continue;
      const nodes = entry.sources.map((s) => s.node ? s.node.nodeName.toLowerCase() +
        (s.node.className && typeof s.node.className === "string" ? "." + s.node.className.split(" ")[0] : "") : "?");
      window.__pgShifts.push({value: entry.value, nodes});
    }
  }).observe({type: "layout-shift", buffered: true});
}"""
FRAMES_JS = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def _screen_copies(url: str):
    def only(copy: Copy) -> bool:
        return copy.url == url and not copy.print and not copy.embed

    return only


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("url", FIRST_PAINT_PAGES)
def test_guarded_sections_pass_before_the_stylesheets_and_scripts(
    built_site: BuiltSite, browser: Browser, url: str
) -> None:
    """Pass the rendered check on the HTML alone, every late stylesheet and script refused (both schemes, widths)."""
    failed: list[str] = []

    def watch(context: BrowserContext) -> None:
        context.on("requestfailed", lambda request: failed.append(request.url))

    findings = check_rendered(
        built_site.path,
        lock=LOCK,
        lang=page_language(url),
        block=LATE_FILES,
        route=watch,
        only=_screen_copies(url),
        browser=browser,
        pdfs=False,
    )
    assert findings == [], "\n".join(map(str, findings))
    for name in (
        "/stylesheets/main.",
        "/stylesheets/palette.",
        "/stylesheets/guide.bundle.css",
        "/javascripts/bundle.",
    ):
        assert any(name in failed_url for failed_url in failed), f"{name} was not held back: {failed}"


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("url", FIRST_PAINT_PAGES)
def test_guarded_sections_pass_with_everything_loaded(built_site: BuiltSite, browser: Browser, url: str) -> None:
    """Pass the rendered check once the late stylesheets and scripts have arrived and applied."""
    loaded: list[str] = []

    def watch(context: BrowserContext) -> None:
        context.on("requestfinished", lambda request: loaded.append(request.url))

    findings = check_rendered(
        built_site.path, lock=LOCK, lang=page_language(url), route=watch, only=_screen_copies(url), browser=browser
    )
    assert findings == [], "\n".join(map(str, findings))
    for name in (
        "/stylesheets/main.",
        "/stylesheets/palette.",
        "/stylesheets/guide.bundle.css",
        "/javascripts/bundle.",
    ):
        assert any(name in loaded_url for loaded_url in loaded), f"{name} did not load: {loaded}"


def _shift(browser: Browser, base: str, url: str, viewport: dict[str, int], *, strip_style: bool = False) -> tuple:
    """Return the layout shift of ``url`` from its first paint until its held-back files have arrived and applied."""
    context = browser.new_context(viewport=viewport, device_scale_factor=1)
    try:
        if strip_style:

            def without_inline_css(route: Route) -> None:
                response = route.fetch()
                body = re.sub(rf"<style {STYLE_ATTRIBUTE}>.*?</style>", "", response.text(), flags=re.S)
                route.fulfill(response=response, body=body)

            context.route(base + url, without_inline_css)
        held = HeldBack(context)
        page = context.new_page()
        page.add_init_script(f"({SHIFTS_JS})()")
        page.goto(base + url, wait_until="commit")
        page.wait_for_selector("section[data-pg-safety]", state="visible")
        page.evaluate(FRAMES_JS)
        first = page.evaluate("() => document.querySelector('section[data-pg-safety]').getBoundingClientRect().top")
        held.release()
        page.wait_for_load_state("load")
        page.evaluate(SETTLE_JS)
        page.wait_for_timeout(300)  # Material's script lays out its components once loaded
        page.evaluate(FRAMES_JS)
        shifts = page.evaluate("() => window.__pgShifts")
        last = page.evaluate("() => document.querySelector('section[data-pg-safety]').getBoundingClientRect().top")
        return sum(s["value"] for s in shifts), shifts, first, last
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
@pytest.mark.parametrize("url", FIRST_PAINT_PAGES)
def test_nothing_moves_when_the_rest_arrives(browser: Browser, served_site: Served, url: str, viewport: dict) -> None:
    """Keep the cumulative layout shift within 0.01 from the first paint until every held-back file applied."""
    total, shifts, first, last = _shift(browser, served_site.url, url, viewport)
    assert total <= MAX_SHIFT, f"{url} at {viewport['width']} px: CLS {total:.4f} > {MAX_SHIFT}: {shifts}"
    assert abs(first - last) < 1, f"the first guarded section moved from y {first:.0f} to {last:.0f}"


@pytest.mark.browser
def test_without_the_inline_css_the_page_moves(browser: Browser, served_site: Served) -> None:
    """Measure a real shift when the page comes without its first-paint CSS (so the test above can fail)."""
    url = FIRST_PAINT_PAGES[0]
    total, shifts, _first, _last = _shift(browser, served_site.url, url, PHONE, strip_style=True)
    assert total > MAX_SHIFT, f"{url}: CLS {total:.4f} without its inline CSS: {shifts}"
