"""Shared helpers for the emergency guard's tests: render Markdown like the site does, copy and build the project."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import markdown
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from ivig_guide.approval import approved_lock
from ivig_guide.lock import Lock
from ivig_guide.page_check import check_page

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("docs", "overrides", "hooks", "mkdocs.yml", "mkdocs.offline.yml", "Makefile")


@cache
def _extensions() -> tuple[list, dict]:
    """Return the site's Markdown extensions and their settings, read from mkdocs.yml."""
    config = load_config(str(ROOT / "mkdocs.yml"))
    return config.markdown_extensions, config.mdx_configs


def render(text: str, lang: str = "en") -> str:
    """Render Markdown with the site's real extension list, wrapped in an <article> like a built page of ``lang``."""
    extensions, configs = _extensions()
    # As hooks/languages.py sets it for each edition's build.
    configs = {
        **configs,
        "ivig_guide.emergency_blocks": {**configs.get("ivig_guide.emergency_blocks", {}), "lang": lang},
    }
    body = markdown.Markdown(extensions=extensions, extension_configs=configs).convert(text)
    return f'<html lang="{lang}"><body><article class="md-content__inner">{body}</article></body></html>'


def lock_for(html: str, page: str = "t.md") -> Lock:
    """Return a lock that approves every section of one rendered page."""
    result = check_page(html, page=page, lock=None, number="911", lang="en")
    assert not result.findings, result.findings
    lock, _changes = approved_lock([result], None, number="911", by="Test", today="2026-01-01")
    return lock


def rules(markdown_text: str, lock: Lock | None, page: str = "t.md") -> list[str]:
    """Return the sorted rule ids that checking one rendered Markdown page reports."""
    result = check_page(render(markdown_text), page=page, lock=lock, number="911", lang="en", source=markdown_text)
    return sorted({finding.rule for finding in result.findings})


def copy_project(dest: Path) -> Path:
    """Copy what a build reads (docs, overrides, hooks, mkdocs.yml, Makefile) into ``dest``."""
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, dest / part)
    return dest


@dataclass
class BuildOutcome:
    """The result of one in-process build."""

    ok: bool
    error: str
    log: str
    site: Path


#: Every copy of the site the tests built (besides the session's build): the fast suite builds none.
BUILDS: list[Path] = []


def copy_pages(site: Path, dest: Path) -> Path:
    """Copy the HTML pages of a built site (all the standalone checks read) into ``dest``, to damage by hand."""
    shutil.copytree(site, dest, ignore=lambda folder, names: [n for n in names if "." in n and not n.endswith(".html")])
    return dest


def build_project(project: Path) -> BuildOutcome:
    """Build a copied project in-process, strictly, and return whether it passed and what it said."""
    BUILDS.append(project)
    site = project / "site"
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(f"{record.levelname}: {record.getMessage()}")

    handler = Collect(level=logging.INFO)
    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        config = load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=True)
        build(config)
        return BuildOutcome(True, "", "\n".join(records), site)
    except (PluginError, Abort) as error:
        return BuildOutcome(False, str(error), "\n".join(records), site)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


Edit = Callable[[Path], None]


def replace_in(relative: str, old: str, new: str, count: int = 1) -> Edit:
    """Return an edit that replaces text in one project file, asserting the text is there."""

    def edit(project: Path) -> None:
        path = project / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {relative}: the edit must change the file"
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    return edit


def set_clinic(name: str = "", phone: str = "", country: str = "US") -> Edit:
    """Return an edit that sets the clinic's settings in mkdocs.yml, whatever they were."""

    def edit(project: Path) -> None:
        path = project / "mkdocs.yml"
        text = path.read_text(encoding="utf-8")
        block = f'  clinic:\n    name: "{name}"\n    care_team_phone: "{phone}"\n    country: {country}\n'
        new, count = re.subn(r"(?m)^  clinic:\n(?:    .*\n)*", block, text, count=1)
        assert count == 1, "mkdocs.yml has no extra.clinic block"
        path.write_text(new, encoding="utf-8")

    return edit


def run_make(project: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    """Run make targets in a copied project with this checkout's virtual environment, with no terminal to ask."""
    venv = Path(sys.executable).parent.parent
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(project), f"VENV={venv}", "-o", f"{venv}/.build-deps", *targets],
        capture_output=True,
        text=True,
        input="",
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
