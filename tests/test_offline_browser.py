"""The guide with no network, in Chromium: the service worker's saved copies, its offline page, its updates."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import EDITION_PAGES, LOCK, SETTINGS, BuiltSite, url_of
from guard_support import BUILDS, copy_project, run_make

from ivig_guide.addresses import split_url, url_of_page
from ivig_guide.lock import LockEntry, read_lock
from ivig_guide.offline import OFFLINE_PAGE, STRINGS, TIMEOUT_MS
from ivig_guide.serve import Served, free_port, serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

pytestmark = pytest.mark.browser

LANGUAGES = [SETTINGS.default_language, *(lang for lang in SETTINGS.languages if lang != SETTINGS.default_language)]
#: Every edition's first-aid sections, read from the lock.
FIRST_AID = [entry for lang in LANGUAGES for entry in LOCK.in_language(lang) if entry.section.kind == "first-aid"]
#: The pages with approved emergency sections: the worker saves them at once.
EMERGENCY_URLS = {url_of_page(entry.page) for entry in LOCK.entries.values()}


def _plain_page(lang: str, *, index: int = 0) -> str:
    """Return a page of an edition with no emergency section (not its home page, not a maintainers' page)."""
    prefix = SETTINGS.edition_prefix(lang)
    pages = [
        url_of(page)
        for page in EDITION_PAGES
        if split_url(url_of(page))[0] == prefix
        and url_of(page) not in EMERGENCY_URLS
        and url_of(page) != prefix
        and "maintainers" not in page
    ]
    return sorted(pages)[index]


def _steps(page: Page, entry: LockEntry) -> list[str]:
    """Return the text of the numbered steps of one section as the page shows them."""
    return page.eval_on_selector_all(
        f"section[id='{entry.id}'] ol > li",
        "items => items.map(li => li.innerText.replace(/\\s+/g, ' ').trim())",
    )


def _note(page: Page) -> str:
    note = page.locator("[data-pg-offline-note]")
    if note.count() == 0 or not note.first.is_visible():
        return ""
    return " ".join(note.first.inner_text().split())


def _ready(page: Page) -> None:
    """Wait until the service worker has saved what it precaches and controls the page."""
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)


def _saved(page: Page, url: str) -> bool:
    return bool(page.evaluate("async url => !!(await caches.match(url))", url))


def _wait_saved(page: Page, url: str) -> None:
    page.wait_for_function("async url => !!(await caches.match(url))", arg=url, timeout=10000)


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh context: no service worker, no saved pages."""
    opened = browser.new_context(viewport={"width": 390, "height": 844}, service_workers="allow")
    yield opened
    opened.close()


def _first_visit(context: BrowserContext, served: Served, url: str = "") -> Page:
    page = context.new_page()
    page.goto(served.url + url, wait_until="load")
    _ready(page)
    return page


def _expected_steps(entry: LockEntry) -> list[str]:
    (steps,) = entry.section.blocks("steps")
    return [" ".join(step.split()) for step in steps]


def test_first_aid_and_visited_pages_open_offline_with_a_note(context: BrowserContext, served_site: Served) -> None:
    """After one visit, the first-aid steps of every edition and a page read before open offline, marked saved."""
    page = _first_visit(context, served_site)
    visited = _plain_page(SETTINGS.default_language)
    page.goto(served_site.url + visited, wait_until="load")
    _wait_saved(page, served_site.url + visited)
    context.set_offline(True)
    for entry in FIRST_AID:
        page.goto(served_site.url + url_of_page(entry.page), wait_until="load")
        assert _steps(page, entry) == _expected_steps(entry), entry.key
        before = STRINGS[entry.lang]["note"].split("{date}")[0]
        assert _note(page).startswith(before), f"{entry.key}: no offline note, found {_note(page)!r}"
        assert re.search(r"\d", _note(page).removeprefix(before)), "the note names the day the copy was saved"
    page.reload(wait_until="load")
    assert _note(page), "a reload offline shows the saved copy with its note"
    page.goto(served_site.url + visited, wait_until="load")
    assert _note(page).startswith(STRINGS[SETTINGS.default_language]["note"].split("{date}")[0])
    assert page.locator("article h1").count() == 1


def test_online_pages_have_no_note(context: BrowserContext, served_site: Served) -> None:
    """Online, the page comes from the network and says nothing about being saved."""
    page = _first_visit(context, served_site)
    entry = FIRST_AID[0]
    response = page.goto(served_site.url + url_of_page(entry.page), wait_until="load")
    assert response is not None and response.from_service_worker
    assert _note(page) == ""
    assert _steps(page, entry) == _expected_steps(entry)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_page_never_opened_shows_the_offline_page(context: BrowserContext, served_site: Served, lang: str) -> None:
    """Offline, a page never opened shows the offline page, whose link opens the saved first-aid steps."""
    page = _first_visit(context, served_site)
    context.set_offline(True)
    never = _plain_page(lang, index=1)
    assert not _saved(page, served_site.url + never)
    page.goto(served_site.url + never, wait_until="load")
    assert page.locator("h1").first.inner_text().strip() == STRINGS[lang]["title"]
    assert page.get_attribute("html", "lang") == lang
    entry = next(entry for entry in FIRST_AID if entry.lang == lang)
    link = page.locator(f"a[href$='#{entry.id}']").first
    link.click()
    page.wait_for_load_state("load")
    assert page.url.split("#")[0] == served_site.url + url_of_page(entry.page)
    assert _steps(page, entry) == _expected_steps(entry)
    assert _note(page)


def test_slow_network_shows_the_saved_copy(context: BrowserContext, served_site: Served) -> None:
    """A page that takes longer than the worker waits is shown from the saved copy, with its note."""
    page = _first_visit(context, served_site)
    entry = FIRST_AID[0]
    url = served_site.url + url_of_page(entry.page)
    delay = TIMEOUT_MS + 3000

    def slow(route: object) -> None:
        page.wait_for_timeout(delay)
        route.continue_()  # type: ignore[attr-defined]

    context.route(url, slow)
    try:
        page.goto(url, wait_until="domcontentloaded", timeout=delay)
        assert _steps(page, entry) == _expected_steps(entry)
        assert _note(page), "the saved copy carries the offline note: it did not wait for the network"
    finally:
        context.unroute_all(behavior="ignoreErrors")


def test_embed_pages_are_never_served_or_saved_by_the_worker(
    context: BrowserContext, served_site: Served, built_site: BuiltSite
) -> None:
    """Embed pages and fragments go to the network, are never saved, and portals' frames are not controlled."""
    page = _first_visit(context, served_site)
    embed = "embed/" + url_of_page(FIRST_AID[0].page)
    response = page.goto(served_site.url + embed, wait_until="load")
    assert response is not None and not response.from_service_worker
    fragment = next((built_site.path / "embed" / "fragments").glob("*.html")).relative_to(built_site.path)
    fetched = page.evaluate("async url => (await fetch(url)).status", served_site.url + fragment.as_posix())
    assert fetched == 200
    saved = page.evaluate(
        "async () => { const out = []; for (const name of await caches.keys()) { const c = await caches.open(name);"
        " for (const r of await c.keys()) out.push(r.url); } return out; }"
    )
    assert saved, "the worker saved its pages"
    assert not [url for url in saved if "/embed/" in url], "embed pages and fragments are never saved"
    # A portal on another site frames the embed page: the frame is not controlled by the worker.
    portal = Path(built_site.path.parent / "portal")
    portal.mkdir(exist_ok=True)
    (portal / "index.html").write_text(
        f'<!doctype html><html lang="en"><title>Portal</title><iframe src="{served_site.url}{embed}"></iframe></html>',
        encoding="utf-8",
    )
    with serve(portal) as other:
        outer = context.new_page()
        outer.goto(other.url.replace("127.0.0.1", "localhost"), wait_until="load")
        frame = next(frame for frame in outer.frames if "/embed/" in frame.url)
        assert frame.evaluate("navigator.serviceWorker.controller") is None
    context.set_offline(True)
    with pytest.raises(Exception, match="ERR_INTERNET_DISCONNECTED"):
        page.goto(served_site.url + embed, wait_until="load")


def test_offline_page_is_saved_in_every_edition(context: BrowserContext, served_site: Served) -> None:
    """The worker saves each edition's offline page and emergency pages at once."""
    page = _first_visit(context, served_site)
    for lang in LANGUAGES:
        assert _saved(page, served_site.url + SETTINGS.edition_prefix(lang) + OFFLINE_PAGE), lang
    for url in sorted(EMERGENCY_URLS):
        assert _saved(page, served_site.url + url), url


# --------------------------------------------------------------------------- a new approval


def _build(project: Path, site: Path, port: int) -> None:
    BUILDS.append(site)
    ran = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": f"http://127.0.0.1:{port}/"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr


@pytest.mark.slow
def test_new_approval_replaces_the_saved_emergency_pages(context: BrowserContext, tmp_path: Path) -> None:
    """Build A, visit it; approve new wording and publish B; one online visit; offline shows B's wording.

    The pages read before the update stay saved.
    """
    project = copy_project(tmp_path / "project")
    port = free_port()
    site = tmp_path / "site"
    _build(project, site, port)
    entry = FIRST_AID[0]
    first_step = _expected_steps(entry)[0]
    source = project / "docs" / entry.page
    text = source.read_text(encoding="utf-8")
    start = " ".join(first_step.split()[:3])
    assert text.count(start) == 1, f"{start!r} opens the first step, once in {entry.page}"
    first, rest = start.split(" ", 1)
    new_start = f"{first} now {rest}"
    new_step = first_step.replace(start, new_start, 1)
    with serve(site, port=port) as served:
        page = _first_visit(context, served)
        visited = _plain_page(SETTINGS.default_language)
        page.goto(served.url + visited, wait_until="load")
        _wait_saved(page, served.url + visited)
        page.goto(served.url + url_of_page(entry.page), wait_until="load")
        old = page.evaluate("caches.keys()")
        source.write_text(text.replace(start, new_start), encoding="utf-8")
        approved = run_make(project, "approve-emergency", "YES=1", "BY=Test reviewer", "PENDING=1")
        assert approved.returncode == 0, approved.stdout + approved.stderr
        assert read_lock(project / "hooks" / "emergency-lock.yml") != read_lock(ROOT_LOCK)
        built = tmp_path / "site-b"
        _build(project, built, port)
        shutil.rmtree(site)
        shutil.copytree(built, site)
        page.goto(served.url + url_of_page(entry.page), wait_until="load")
        page.wait_for_function(
            "async old => { const now = await caches.keys();"
            " return now.length > 0 && !now.some(name => old.includes(name)); }",
            arg=old,
            timeout=20000,
        )
        context.set_offline(True)
        page.goto(served.url + url_of_page(entry.page), wait_until="load")
        assert _note(page)
        assert _steps(page, entry)[0] == " ".join(new_step.split())
        page.goto(served.url + visited, wait_until="load")
        assert _note(page), "a page read before the update stays saved"


ROOT_LOCK = SETTINGS.lock_path
