"""Shared fixtures: one strict build of the real guide into a temporary folder, and HTML helpers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import lxml.html
import pytest
from guard_support import BUILDS

from ivig_guide.addresses import split_source
from ivig_guide.lock import read_lock
from ivig_guide.serve import Served, free_port, serve
from ivig_guide.settings import load_config_file, read_settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
#: The guide's settings and approved lock: tests read numbers, dates, counts and sections from these, so a
#: clinic's fork (another number, other wording approved) passes the suite unchanged.
SETTINGS = read_settings(ROOT / "mkdocs.yml")
NUMBER = SETTINGS.number
LOCK = read_lock(SETTINGS.lock_path)
_SOURCES = [split_source(path.relative_to(DOCS).as_posix()) for path in DOCS.rglob("*.md")]
#: Every page of the default (English) edition, as its path in docs/ without ".md" ("index",
#: "maintainers/editing-emergency-content"). Translations (docs/<page>.<lang>.md) are in TRANSLATIONS.
PAGES = sorted(original.removesuffix(".md") for lang, original in _SOURCES if not lang)
#: The pages translated into each other edition, as their English page ({"es": ["anaphylaxis", …]}).
TRANSLATIONS = {
    lang: sorted(original.removesuffix(".md") for found, original in _SOURCES if found == lang)
    for lang in SETTINGS.languages
    if lang != SETTINGS.default_language
}
#: Every page of every edition as its address without the slash ("index", "uses", "es/index", "es/anaphylaxis").
EDITION_PAGES = PAGES + [f"{lang}/{page}" for lang, pages in TRANSLATIONS.items() for page in pages]


def edition_config(lang: str) -> dict[str, Any]:
    """Return the settings of mkdocs.yml as an edition's build sees them: its i18n language settings over the rest.

    Gives ``site_name``, ``site_description``, ``copyright`` and ``extra`` (updated key by key, as the i18n
    plugin updates it), so a test reads the Spanish edition's name or emergency page from the file.
    """
    config = load_config_file(ROOT / "mkdocs.yml")
    languages: list[dict[str, Any]] = []
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and "i18n" in plugin:
            languages = list(plugin["i18n"].get("languages") or [])
    language = next((item for item in languages if item.get("locale") == lang), {})
    edition = {key: language.get(key) or config.get(key) for key in ("site_name", "site_description", "copyright")}
    edition["extra"] = {**(config.get("extra") or {}), **(language.get("extra") or {})}
    return edition


def url_of(page: str) -> str:
    """Return the site-relative URL of a page ('index' → '', 'uses' → 'uses/', 'es/index' → 'es/')."""
    if page == "index" or page.endswith("/index"):
        return page.removesuffix("index")
    return f"{page}/"


def source_of(page: str) -> Path:
    """Return the Markdown file of a page of any edition ('es/anaphylaxis' → docs/anaphylaxis.es.md)."""
    lang, _slash, rest = page.partition("/")
    if rest and lang in TRANSLATIONS:
        return DOCS / f"{rest}.{lang}.md"
    return DOCS / f"{page}.md"


@dataclass(frozen=True)
class BuiltSite:
    """A site built from this checkout, what the build printed, and the loopback port it is built for."""

    path: Path
    log: str
    port: int

    @property
    def url(self) -> str:
        """The site_url it was built with: http://127.0.0.1:PORT/."""
        return f"http://127.0.0.1:{self.port}/"


def _build_command(destination: Path, *, settings: str | None) -> list[str]:
    config = ["--config-file", "-"] if settings is not None else []
    return [sys.executable, "-m", "mkdocs", "build", "--strict", *config, "--site-dir", str(destination)]


def _build_env(port: int, extra_env: dict[str, str] | None) -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": f"http://127.0.0.1:{port}/", **(extra_env or {})}


def build_site(
    destination: Path, *, port: int, extra_env: dict[str, str] | None = None, settings: str | None = None
) -> BuiltSite:
    """Build this checkout strictly into ``destination`` with site_url set to the loopback ``port``.

    ``settings`` is YAML laid over mkdocs.yml for this build only (``INHERIT``, read from standard input),
    such as another ``site_name``.
    """
    BUILDS.append(destination)
    ran = subprocess.run(
        _build_command(destination, settings=settings),
        cwd=ROOT,
        input=f"INHERIT: mkdocs.yml\n{settings}" if settings is not None else None,
        env=_build_env(port, extra_env),
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    return BuiltSite(destination, ran.stderr, port)


@dataclass
class _SessionBuild:
    """The session's build of the guide, started while pytest collects the tests (a second core builds it)."""

    folder: Path
    port: int
    process: subprocess.Popen[str]

    def result(self) -> BuiltSite:
        _out, log = self.process.communicate()
        assert self.process.returncode == 0, log
        return BuiltSite(self.folder / "site", log, self.port)


_session_build: _SessionBuild | None = None


def pytest_sessionstart(session: pytest.Session) -> None:
    """Start the session's build at once; ``built_site`` waits for it (and a run that never asks stops it)."""
    global _session_build
    if session.config.option.collectonly:
        return
    folder = Path(tempfile.mkdtemp(prefix="ivig-built-"))
    port = free_port()
    process = subprocess.Popen(
        _build_command(folder / "site", settings=None),
        cwd=ROOT,
        env=_build_env(port, None),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _session_build = _SessionBuild(folder, port, process)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop an unused build and remove the session's build."""
    if _session_build is None:
        return
    if _session_build.process.poll() is None:
        _session_build.process.kill()
    _session_build.process.communicate()
    shutil.rmtree(_session_build.folder, ignore_errors=True)


_BUILDS_BEFORE = pytest.StashKey[int]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Count the copies of the site built so far, before the test and its fixtures run."""
    item.stash[_BUILDS_BEFORE] = len(BUILDS)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Fail a test of the fast suite (not slow, not browser) that built a copy: it builds the guide once."""
    before = item.stash.get(_BUILDS_BEFORE, len(BUILDS))
    fast = item.get_closest_marker("slow") is None and item.get_closest_marker("browser") is None
    if len(BUILDS) > before and fast:
        pytest.fail(f"{item.nodeid} built {len(BUILDS) - before} copies of the site: mark it slow", pytrace=False)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests that need no build of the guide first, while the session's build runs beside them."""
    items.sort(key=lambda item: "built_site" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """Build the guide once, strictly, into a temporary folder (never the site/ left from before).

    Its site_url points at the loopback port that ``served_site`` serves it on, so canonical links,
    the sitemap and the handouts' QR code all point at the local copy, as the browser sees it.
    The build starts with the session (``pytest_sessionstart``), before the tests are collected.
    """
    if _session_build is not None:
        return _session_build.result()
    site = build_site(tmp_path_factory.mktemp("built") / "site", port=free_port())
    BUILDS.remove(site.path)  # the session's own build is not a copy
    return site


@pytest.fixture(scope="session")
def served_site(built_site: BuiltSite) -> Iterator[Served]:
    """Serve the session's build on 127.0.0.1 at the port its site_url names, with gzip like GitHub Pages."""
    with serve(built_site.path, port=built_site.port) as served:
        yield served


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the session (found or installed by ivig_guide.browser).

    It sees only the fonts of a fresh machine (DejaVu), whatever this machine has installed, so a test
    passes or fails the same everywhere. Layout tests look with other fonts too (``font_browser``).
    """
    from ivig_guide.browser import DEFAULT_FONTS, launch

    with launch(fonts=DEFAULT_FONTS) as chromium:
        yield chromium


def page_html(site: BuiltSite, url: str) -> str:
    """Return the HTML of a built page by its URL ('' for the home page, 'anaphylaxis/' for others)."""
    return (site.path / url / "index.html").read_text(encoding="utf-8")


def article(html: str) -> lxml.html.HtmlElement:
    """Return the parsed <article> (content area) of a built page."""
    found = lxml.html.document_fromstring(html).find(".//article")
    assert found is not None, "the page has no <article>"
    return found
