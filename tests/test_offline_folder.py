"""The offline folder for clinics (mkdocs.offline.yml, `make offline`), checked as built and opened from file://."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import lxml.html
import pytest
from browser_support import open_material_search
from conftest import LOCK, ROOT, SETTINGS
from guard_support import BUILDS, copy_project

from ivig_guide import csp, offline
from ivig_guide.addresses import split_url, url_of_page
from ivig_guide.html_query import elements
from ivig_guide.settings import read_settings
from ivig_guide.site_check import check_site, check_site_against_lock

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.slow

LANGUAGES = offline.edition_languages(SETTINGS)
OFFLINE_SETTINGS = read_settings(ROOT / "mkdocs.offline.yml")
FIRST_AID = [entry for lang in LANGUAGES for entry in LOCK.in_language(lang) if entry.section.kind == "first-aid"]


def _file_of(url: str) -> str:
    """Return the file a page is written to without directory URLs ('uses/' → 'uses.html', 'es/' → 'es/index.html')."""
    edition, rest = split_url(url)
    return edition + (rest.removesuffix("/") + ".html" if rest else "index.html")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the offline folder of this checkout once, strictly."""
    site = tmp_path_factory.mktemp("offline") / "site-offline"
    BUILDS.append(site)
    ran = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            "mkdocs.offline.yml",
            "--site-dir",
            str(site),
        ],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    return site


def test_offline_folder_passes_the_guard(folder: Path) -> None:
    """Hold every emergency section of the offline folder, in every edition, to the approved lock."""
    results = check_site(folder, lock=LOCK, number=SETTINGS.number, lang=SETTINGS.lang, docs=ROOT / "docs")
    assert not check_site_against_lock(results, LOCK)
    pages = {result.page for result in results}
    assert {entry.page for entry in LOCK.entries.values()} <= pages


def test_every_link_of_the_offline_folder_opens_a_file(folder: Path) -> None:
    """Lead every link, the emergency banner's included, to a file of the folder (no folder, no absolute path)."""
    assert offline.check_links(folder) == []
    for lang in LANGUAGES:
        home = SETTINGS.edition_prefix(lang) + "index.html"
        root = lxml.html.document_fromstring((folder / home).read_text(encoding="utf-8"))
        (banner,) = elements(root, "//*[contains(@class, 'pg-announce')]//a[@href]")
        assert (folder / home).parent.joinpath(banner.get("href") or "").resolve().is_file()
        assert (banner.get("href") or "").endswith(".html")


def test_offline_folder_has_no_worker_or_manifest_and_allows_the_shims_script(folder: Path) -> None:
    """Leave out the service worker and manifests; allow, on each page, the frame script of its search worker."""
    assert not (folder / offline.WORKER).exists()
    assert not list(folder.rglob(offline.MANIFEST))
    assert not (folder / "404.html").exists()
    assert OFFLINE_SETTINGS.handouts is False
    for page in sorted(folder.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if "__config" not in text:
            continue
        found = csp.scan(text)
        assert found.search_worker, page
        root = lxml.html.document_fromstring(text)
        (meta,) = elements(root, "//meta[@http-equiv='Content-Security-Policy']")
        policy = meta.get("content") or ""
        assert csp.hash_source(csp.iframe_worker_script(found.search_worker)) in policy, page
        assert "offline.js" not in text and 'rel="manifest"' not in text, page
        assert "unpkg.com" not in text and "iframe-worker/shim.js" in text, page


def test_offline_search_index_holds_every_edition(folder: Path) -> None:
    """Inline the whole search index, every edition's pages in it, for search from file://."""
    script = (folder / offline.SEARCH_SCRIPT).read_text(encoding="utf-8")
    index = (folder / offline.SEARCH_INDEX).read_text(encoding="utf-8")
    assert script == f"var __index = {index}"
    for lang in LANGUAGES:
        prefix = SETTINGS.edition_prefix(lang)
        assert f'"location":"{prefix}index.html' in index.replace(": ", ":"), lang


def test_make_offline_packs_a_checked_folder(tmp_path: Path) -> None:
    """Build, guard, link-check and render-check the folder with `make offline`, then pack it into the site."""
    project = copy_project(tmp_path / "project")
    BUILDS.append(project)
    venv = Path(sys.executable).parent.parent
    ran = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-C",
            str(project),
            f"VENV={venv}",
            "-o",
            f"{venv}/.build-deps",
            "-o",
            f"{venv}/.handout-deps",
            "offline",
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "every link leads to a file" in ran.stdout
    assert "Rendered check:" in ran.stdout + ran.stderr
    packed = project / "site" / offline.OFFLINE_ZIP
    names = zipfile.ZipFile(packed).namelist()
    assert "ivig-guide/index.html" in names
    for entry in LOCK.entries.values():
        assert f"ivig-guide/{_file_of(url_of_page(entry.page))}" in names, entry.key


# --------------------------------------------------------------------------- from file://, in Chromium


@pytest.fixture(scope="module")
def file_page(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A desktop-sized tab (search box in the header) that records console errors, policy violations among them."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page, errors
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGUAGES)
def test_offline_folder_from_file_shows_the_steps_follows_the_banner_and_searches(
    folder: Path, file_page: tuple[Page, list[str]], lang: str
) -> None:
    """From file://: the home page's banner leads to the emergency page, its steps show, and search answers."""
    page, errors = file_page
    errors.clear()
    home = folder / SETTINGS.edition_prefix(lang) / "index.html"
    page.goto(home.as_uri(), wait_until="load")
    page.locator(".pg-announce a").click()
    page.wait_for_load_state("load")
    assert page.url.startswith("file://") and page.url.endswith(".html"), page.url
    on_page = [entry for entry in LOCK.in_language(lang) if page.locator(f"section[id='{entry.id}']").count()]
    assert on_page, f"the banner led to {page.url}, which has no emergency section"
    first_aid = [entry for entry in FIRST_AID if entry.lang == lang]
    for entry in first_aid:
        page.goto((folder / _file_of(url_of_page(entry.page))).as_uri(), wait_until="load")
        shown = page.eval_on_selector_all(
            f"section[id='{entry.id}'] ol > li", "items => items.map(li => li.innerText.replace(/\\s+/g, ' ').trim())"
        )
        (steps,) = entry.section.blocks("steps")
        assert shown == [" ".join(step.split()) for step in steps]
    first_step_word = next(
        word for word in " ".join(first_aid[0].section.blocks("steps")[0]).split() if len(word) > 7 and word.isalpha()
    )
    found = open_material_search(page, first_step_word)
    assert found, f"searching {first_step_word!r} from file:// found nothing"
    assert all(link.startswith("file://") for link in found)
    assert not errors, errors
