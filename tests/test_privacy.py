"""Nothing leaves the site: every page, embed page and the 404 page in Chromium, with every request recorded.

For each address a fresh browser context records every request (the page's, its frames' and its
workers', the search's worker included) through a route on the whole context, and refuses any
that would leave the site's origin. A script added before the page's own records every
Content-Security-Policy violation; console messages about the policy and console errors count too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import PAGES, BuiltSite, url_of

from ivig_guide import csp
from ivig_guide.serve import Served, serve

pytestmark = pytest.mark.browser

#: Added to every document before its own scripts run: keep each CSP violation the document reports.
RECORD_VIOLATIONS = """
window.__pgViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__pgViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline code"} (${event.sourceFile}:${event.lineNumber})`
  );
});
"""


@dataclass
class Visit:
    """What one address did in the browser."""

    url: str
    status: int | None = None
    requests: list[str] = field(default_factory=list)  # every URL requested, by the page, its frames or workers
    elsewhere: list[str] = field(default_factory=list)  # those to another origin (refused)
    violations: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # console errors, script errors, HTTP errors
    cookies: list[dict] = field(default_factory=list)
    document_cookie: str = ""

    def problems(self) -> list[str]:
        """Return everything that breaks the site's privacy promise or its policy, one line each."""
        return (
            [f"request to another host: {url}" for url in self.elsewhere]
            + [f"CSP violation: {text}" for text in self.violations]
            + [f"error: {text}" for text in self.errors]
            + [f"cookie set: {cookie['name']}" for cookie in self.cookies]
            + ([f"document.cookie is {self.document_cookie!r}"] if self.document_cookie else [])
        )


class Recorder:
    """A browser context that records a visit's requests, policy violations, errors and cookies."""

    def __init__(self, browser, origin: str, **context_options: object) -> None:
        self.origin = origin
        self.context = browser.new_context(**context_options)
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.visit.errors.append(f"script error: {error}"))
        self.page.on("response", self._response)
        self.visit = Visit("")

    def _route(self, route) -> None:
        url = route.request.url
        self.visit.requests.append(url)
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.visit.elsewhere.append(url)
            route.abort("blockedbyclient")
        else:
            route.continue_()

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.visit.violations.append(f"console: {message.text}")
        elif message.type == "error" and not (
            # The document's own status (a 404 page) is the test's to check, not an error of the page.
            message.text.startswith("Failed to load resource") and message.location.get("url") == self.visit.url
        ):
            self.visit.errors.append(f"console: {message.text}")

    def _response(self, response) -> None:
        if response.status >= 400 and response.url != self.visit.url:
            self.visit.errors.append(f"HTTP {response.status}: {response.url}")

    def open(self, url: str) -> Visit:
        """Load ``url``, wait until the network is quiet, and return what happened."""
        self.visit = Visit(url)
        response = self.page.goto(url, wait_until="load")
        self.page.wait_for_load_state("networkidle")
        self.visit.status = response.status if response else None
        return self.collect()

    def collect(self) -> Visit:
        """Add the violations, cookies and document.cookie seen so far to the current visit."""
        self.visit.violations += self.page.evaluate("window.__pgViolations.splice(0)")
        self.visit.cookies = self.context.cookies()
        self.visit.document_cookie = self.page.evaluate("document.cookie")
        return self.visit

    def close(self) -> None:
        """Close the context."""
        self.context.close()


@pytest.fixture
def recorder(browser, served_site: Served) -> Iterator[Recorder]:
    """A fresh context (no cookies from earlier tests) that records requests to the served site's origin."""
    opened = Recorder(browser, served_site.url.rstrip("/"))
    yield opened
    opened.close()


def address_of(site: Path, path: Path) -> str:
    """Return the site-relative address a built HTML file is served at ('uses/index.html' → 'uses/')."""
    relative = path.relative_to(site).as_posix()
    return relative.removesuffix("index.html")


def documents_under(site: Path, folder: str) -> list[str]:
    """Return the addresses of the HTML documents (not fragments) under a folder of the build."""
    root = site / folder
    paths = sorted(root.rglob("*.html")) if root.is_dir() else []
    return [address_of(site, p) for p in paths if csp.is_document(p.read_text(encoding="utf-8"))]


# --------------------------------------------------------------------------- the recorder itself


def test_recorder_catches_worker_requests_and_violations(browser, tmp_path: Path) -> None:
    """Catch a worker's request to another host, a refused inline script and a cookie, so the tests below can fail."""
    (tmp_path / "worker.js").write_text("fetch('http://example.invalid/track').catch(() => {});\n")
    page = csp.add_policy(
        "<!doctype html><html><head><meta charset='utf-8'><title>t</title>"
        "<script src='start.js'></script></head><body><p>t</p></body></html>"
    )
    page = page.replace("</body>", "<script>window.injected = true;</script></body>")
    (tmp_path / "index.html").write_text(page)
    (tmp_path / "start.js").write_text("new Worker('worker.js');\ndocument.cookie = 'seen=1';\n")
    with serve(tmp_path) as served:
        recorder = Recorder(browser, served.url.rstrip("/"))
        try:
            visit = recorder.open(served.url)
            assert recorder.page.evaluate("window.injected") is None
        finally:
            recorder.close()
    assert visit.elsewhere == ["http://example.invalid/track"]
    assert any("script-src" in text for text in visit.violations), visit.violations
    assert [cookie["name"] for cookie in visit.cookies] == ["seen"] and visit.document_cookie == "seen=1"


# --------------------------------------------------------------------------- the guide's pages


@pytest.mark.parametrize("page", PAGES)
def test_page_keeps_everything_on_the_site(recorder: Recorder, served_site: Served, page: str) -> None:
    """Load the page with no request to another host, no CSP violation, no error and no cookie."""
    visit = recorder.open(served_site.url + url_of(page))
    assert visit.status == 200
    assert visit.requests and all(url.startswith(served_site.url) for url in visit.requests if "://" in url)
    assert visit.problems() == [], "\n".join(visit.problems())


def test_search_works_under_the_policy(recorder: Recorder, served_site: Served) -> None:
    """Start Pagefind in its worker, fetch the edition's index, find results and open one, all within the policy."""
    recorder.open(served_site.url)
    page = recorder.page
    warnings: list[str] = []
    page.on("console", lambda message: message.type == "warning" and warnings.append(message.text))
    page.locator(".pg-search-open").click()
    page.locator("#pg-search-input").press_sequentially("epipen", delay=30)  # typed, as a reader does
    page.locator(".pg-search__result").first.wait_for()
    results = page.eval_on_selector_all(".pg-search__link", "(links) => links.map((a) => a.href)")
    visit = recorder.collect()
    assert any(url.startswith(served_site.url + "anaphylaxis/") for url in results), results
    assert any(url.endswith(".pf_index") and "/pagefind/index/" in url for url in visit.requests), visit.requests
    assert any(worker.url.endswith("/pagefind/pagefind-worker.js") for worker in page.workers)
    # Pagefind searches on the page itself only if its worker fails, which would need 'wasm-unsafe-eval'.
    assert [text for text in warnings if "main thread" in text] == []
    assert visit.problems() == [], "\n".join(visit.problems())
    # Enter opens the first result through the script, never by submitting the form (form-action 'none').
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.url.split("#")[0] == results[0].split("#")[0]
    assert recorder.collect().problems() == [], "\n".join(recorder.visit.problems())


def test_menu_and_colour_switch_work_under_the_policy(browser, served_site: Served) -> None:
    """Open the phone menu, switch to dark mode and scroll, with no policy violation, error or cookie."""
    recorder = Recorder(browser, served_site.url.rstrip("/"), viewport={"width": 390, "height": 800})
    try:
        recorder.open(served_site.url + "side-effects/")
        page = recorder.page
        page.locator("label.md-header__button[for='__drawer']").click()
        page.locator(".md-nav--primary").get_by_role("link", name="When to get help").wait_for()
        page.locator("label.md-overlay").click(position={"x": 380, "y": 400})  # close it beside the drawer
        page.locator("form[data-md-component='palette'] label:visible").first.click()
        page.mouse.wheel(0, 3000)
        page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'slate'")
        page.wait_for_function("() => document.getAnimations().every((a) => a.playState !== 'running')")
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
        visit = recorder.collect()
    finally:
        recorder.close()
    assert visit.problems() == [], "\n".join(visit.problems())


def test_missing_address_at_any_depth_gets_the_styled_404_page(recorder: Recorder, served_site: Served) -> None:
    """Answer a missing deep address with status 404 and the site's page, its styles loaded, links working."""
    visit = recorder.open(served_site.url + "a/b/c/missing")
    assert visit.status == 404
    assert visit.problems() == [], "\n".join(visit.problems())
    assert recorder.page.locator("article h1").inner_text() == "Page not found"
    sheets = recorder.page.evaluate(
        "[...document.querySelectorAll('link[rel=stylesheet]')].map((l) => Boolean(l.sheet && l.sheet.cssRules.length))"
    )
    assert len(sheets) >= 3 and all(sheets), "a stylesheet of 404.html did not load at this depth"
    assert recorder.page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    recorder.page.get_by_role("link", name="See what to do in an emergency").last.click()
    recorder.page.wait_for_load_state("load")
    assert recorder.page.url == served_site.url + "when-to-get-help/"
    recorder.open(served_site.url + "a/b/c/missing")
    recorder.page.get_by_role("link", name="Go to the start of the guide").click()
    recorder.page.wait_for_load_state("load")
    assert recorder.page.url == served_site.url


def test_other_documents_keep_everything_on_the_site(
    recorder: Recorder, built_site: BuiltSite, served_site: Served
) -> None:
    """Load every other HTML document of the build (redirect and print pages, 404.html) the same way."""
    pages = {url_of(page) for page in PAGES}
    others = [
        address
        for address in documents_under(built_site.path, ".")
        if address not in pages and not address.startswith("embed/")
    ]
    assert "404.html" in others and "emergency/" in others
    for address in others:
        visit = recorder.open(served_site.url + address)
        assert visit.problems() == [], f"{address}:\n" + "\n".join(visit.problems())
        if address == "emergency/":  # the redirect page's script ran (allowed by its hash)
            assert recorder.page.url == served_site.url + "when-to-get-help/"


def test_embed_pages_keep_everything_on_the_site(
    recorder: Recorder, built_site: BuiltSite, served_site: Served
) -> None:
    """Load every embed page with no request elsewhere, no CSP violation, no error and no cookie."""
    embeds = documents_under(built_site.path, "embed")
    if not embeds:
        pytest.skip("the build has no embed pages (site/embed/) yet")
    for address in embeds:
        visit = recorder.open(served_site.url + address)
        assert visit.status == 200, address
        assert visit.problems() == [], f"{address}:\n" + "\n".join(visit.problems())
