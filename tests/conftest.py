"""Shared fixtures: one strict build of the real guide into a temporary folder, and HTML helpers."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
#: Every page of the guide, as its path in docs/ without ".md" ("index", "maintainers/editing-emergency-content").
PAGES = sorted(path.relative_to(DOCS).with_suffix("").as_posix() for path in DOCS.rglob("*.md"))


def url_of(page: str) -> str:
    """Return the site-relative URL of a docs page ('index' → '', 'uses' → 'uses/')."""
    return "" if page == "index" else f"{page}/"


@dataclass(frozen=True)
class BuiltSite:
    """A site built from this checkout, and what the build printed."""

    path: Path
    log: str


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """Build the guide once, strictly, into a temporary folder (never the site/ left from before)."""
    site = tmp_path_factory.mktemp("built") / "site"
    ran = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    return BuiltSite(site, ran.stderr)


def page_html(site: BuiltSite, url: str) -> str:
    """Return the HTML of a built page by its URL ('' for the home page, 'anaphylaxis/' for others)."""
    return (site.path / url / "index.html").read_text(encoding="utf-8")


def article(html: str) -> lxml.html.HtmlElement:
    """Return the parsed <article> (content area) of a built page."""
    found = lxml.html.document_fromstring(html).find(".//article")
    assert found is not None, "the page has no <article>"
    return found
