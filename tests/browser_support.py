"""Helpers for the tests and scripts that drive Chromium over the built guide: modes, axe-core, page checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / "tests" / "node" / "node_modules" / "axe-core" / "axe.min.js"
#: The axe-core rule sets the guide must pass: WCAG 2.2 A and AA, and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
#: The ways the tests look at every page: light and dark colour scheme, phone and desktop width.
MODES = {
    "light-phone": ("light", PHONE),
    "light-desktop": ("light", DESKTOP),
    "dark-phone": ("dark", PHONE),
    "dark-desktop": ("dark", DESKTOP),
}


@dataclass
class Tab:
    """One browser context with one page, and what went wrong while loading the last address."""

    context: BrowserContext
    page: Page
    errors: list[str] = field(default_factory=list)

    def open(self, url: str) -> Page:
        """Load ``url`` (forgetting earlier errors) and return the page once it and its resources loaded."""
        from ivig_guide.rendered import SETTLE_JS

        self.errors.clear()
        self.page.goto(url, wait_until="load")
        self.page.evaluate(SETTLE_JS)  # the stylesheets a page inserts after its first paint
        return self.page


def open_tab(browser: Browser, **context_options: object) -> Tab:
    """Open a context and a page that record console errors, page errors, failed and refused requests."""
    context = browser.new_context(**context_options)
    page = context.new_page()
    tab = Tab(context, page)
    page.on(
        "console",
        lambda message: (
            message.type == "error" and tab.errors.append(f"console: {message.text} ({message.location.get('url')})")
        ),
    )
    page.on("pageerror", lambda error: tab.errors.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: tab.errors.append(f"failed: {request.url} ({request.failure})"))
    page.on(
        "response",
        lambda response: response.status >= 400 and tab.errors.append(f"HTTP {response.status}: {response.url}"),
    )
    return tab


def wait_until(page: Page, condition: Callable[[], object], *, seconds: float = 5) -> None:
    """Let the page's events run until ``condition()`` is true (at most ``seconds``), without a fixed sleep."""
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        page.wait_for_timeout(20)


def mode_options(mode: str) -> dict[str, object]:
    """Return the browser-context options of a mode name from :data:`MODES`."""
    scheme, viewport = MODES[mode]
    return {"color_scheme": scheme, "viewport": viewport}


def run_axe(page: Page) -> list[dict]:
    """Run axe-core's WCAG 2.2 A/AA and best-practice rules on the page; return its violations.

    axe is evaluated through the DevTools protocol rather than added as a <script>, so a
    Content-Security-Policy on the page cannot block it and no CSP needs bypassing.
    """
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    return page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
            .then((result) => result.violations.map((v) => ({
              id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.map((n) => n.target.join(" ")),
            })))""",
        AXE_TAGS,
    )


def describe_violations(violations: list[dict]) -> str:
    """Return axe violations as lines of rule id, impact, help text and the selectors of the elements."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {target}" for target in violation["nodes"][:10])
    return "\n".join(lines)


def open_search(page: Page, query: str) -> list[str]:
    """Open the guide's search box as a reader does, search ``query`` and return the result links, best first.

    Waits until the results shown are those of the whole query (or its no-results line), never of a part of it.
    """
    box = page.locator("#pg-search-input")
    if not box.is_visible():
        page.locator(".pg-search-open").click()
        box.wait_for(state="visible")
    box.fill(query)
    page.wait_for_function(
        """(query) => {
          const dialog = document.getElementById("pg-search");
          return dialog.getAttribute("data-pg-search-query") === query.trim()
            && ["results", "none", "failed"].includes(dialog.getAttribute("data-pg-search-state"));
        }""",
        arg=query,
    )
    return page.eval_on_selector_all("#pg-search .pg-search__link", "(links) => links.map((a) => a.href)")


# Material's result line in the page's own language (its `__config` translations): the placeholder, and
# the line that says the search is done (none, one or a count of documents). Waiting on English text
# alone would return at once on a Spanish page, before the index has loaded.
_MATERIAL_SEARCH_STATE_JS = r"""(want) => {
  const t = JSON.parse(document.getElementById("__config").textContent).translations;
  const text = document.querySelector(".md-search-result__meta").textContent.trim();
  if (want === "placeholder") return text === t["search.result.placeholder"];
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const count = new RegExp("^" + escape(t["search.result.other"]).replace("#", "[\\d.,k]+") + "$");
  return text === t["search.result.none"] || text === t["search.result.one"] || count.test(text);
}"""


def open_material_search(page: Page, query: str) -> list[str]:
    """Open Material's search box (a copy built with its search plugin), search ``query``, return the result links."""
    box = page.locator("input.md-search__input")
    if not box.is_visible():
        # On a phone the search box is behind the magnifier button in the header.
        page.locator(".md-header label[for='__search']").click()
        box.wait_for(state="visible")
    box.focus()
    # Material searches on keyup. Putting the whole query in first and then pressing a key makes one
    # search for the whole query, so the results shown are never those of a part of it.
    box.fill("")
    box.press("End")
    page.wait_for_function(_MATERIAL_SEARCH_STATE_JS, arg="placeholder", timeout=30000)
    box.fill(query)
    box.press("End")
    page.wait_for_function(_MATERIAL_SEARCH_STATE_JS, arg="done", timeout=30000)
    # Let the dialog's fade-in finish: text caught half-faded would fail a contrast check it passes.
    page.wait_for_function("() => document.getAnimations().every((animation) => animation.playState !== 'running')")
    return page.eval_on_selector_all(
        ".md-search-result__item > a.md-search-result__link", "(links) => links.map((a) => a.href)"
    )
