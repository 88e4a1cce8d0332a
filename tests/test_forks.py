"""Clinics' forks: another emergency number and clinic details, approved, pass the guide's own checks and tests.

Each fork is a copy of this checkout with the number changed in mkdocs.yml and in the pages' text (never in
section ids, which are stable keys), a clinic name and phone, and its wording approved with
``make approve-emergency``. It must then build, print its handouts and pass ``python -m ivig_guide.release
check``, and the content tests, run inside the fork, must pass with no edit: they read the data.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import NUMBER, ROOT
from guard_support import copy_project, run_make, set_clinic

from ivig_guide.lock import read_lock
from ivig_guide.pdf_check import pdf_text

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Fork:
    """A clinic's settings for its copy of the guide."""

    number: str
    clinic: str
    phone: str
    country: str


FORKS = {
    "uk-999": Fork("999", "Riverside Hospital Immunology Clinic, Infusion Day Unit", "020 7946 0000 ext. 4521", "GB"),
    "eu-112": Fork("112", "Klinik am See", "+49 30 901820", "DE"),
    "au-000": Fork("000", "Harbourside Immunology Clinic", "(02) 9999 0000", "AU"),
}
#: Two forks whose number is not this copy's own (a fork of a 999 fork still tries two other numbers).
FORK_NAMES = sorted(name for name, fork in FORKS.items() if fork.number != NUMBER)[:2]


def make_fork(dest: Path, fork: Fork) -> Path:
    """Copy the guide and change it as the README tells a clinic to: settings, then the text, never the ids."""
    project = copy_project(dest)
    for part in ("tests", "pyproject.toml", "requirements"):
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, project / part, ignore=shutil.ignore_patterns("__pycache__", "node_modules"))
        else:
            shutil.copy2(source, project / part)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace(f'emergency_number: "{NUMBER}"', f'emergency_number: "{fork.number}"')
    config.write_text(text, encoding="utf-8")
    set_clinic(fork.clinic, fork.phone, fork.country)(project)
    number = re.compile(rf"(?<!\d){re.escape(NUMBER)}(?!\d)")
    for page in (project / "docs").rglob("*.md"):
        lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
        page.write_text(
            "".join(line if line.strip().startswith("id:") else number.sub(fork.number, line) for line in lines),
            encoding="utf-8",
        )
    return project


@pytest.fixture(scope="module", params=FORK_NAMES)
def fork(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Fork, Path]:
    """A fork, its wording approved by its clinic."""
    settings = FORKS[request.param]
    project = make_fork(tmp_path_factory.mktemp(request.param) / "project", settings)
    approved = run_make(project, "approve-emergency", "YES=1", "BY=Clinic reviewer")
    assert approved.returncode == 0, approved.stdout + approved.stderr
    assert "Approved by Clinic reviewer" in approved.stdout
    return settings, project


def test_fork_lock_is_approved_for_its_number(fork: tuple[Fork, Path]) -> None:
    """Approve the fork's number and keep every section id and count of the guide's own lock."""
    settings, project = fork
    lock = read_lock(project / "hooks" / "emergency-lock.yml")
    original = read_lock(ROOT / "hooks" / "emergency-lock.yml")
    assert lock.emergency_number == settings.number
    assert sorted(lock.entries) == sorted(original.entries)
    for key, entry in lock.entries.items():
        assert entry.section.shape() == original.entries[key].section.shape(), key
        assert all(tel == settings.number for tel in entry.section.tel)


@pytest.mark.browser
def test_fork_release_passes_with_its_handouts(fork: tuple[Fork, Path]) -> None:
    """Build, print and check the fork as the deploy does; its card holds its number and clinic."""
    settings, project = fork
    released = run_make(project, "release")
    assert released.returncode == 0, released.stdout + released.stderr
    assert "Release ready in site/" in released.stdout
    card = pdf_text(project / "site" / "handouts" / "emergency-card.pdf")
    assert f"Call {settings.number}" in card and f"Call {NUMBER} " not in card.replace(settings.number, "")
    assert settings.clinic in " ".join(card.split())
    checked = subprocess.run(
        [sys.executable, "-m", "ivig_guide.release", "check", "site", "--docs", "docs"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(project / "hooks")},
    )
    assert checked.returncode == 0, checked.stderr


def test_fork_passes_the_content_tests_unchanged(fork: tuple[Fork, Path]) -> None:
    """Run the guide's content, guard and settings tests inside the fork: they follow its data, not 911."""
    _, project = fork
    ran = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            "not browser and not slow",
            "tests/test_content.py",
            "tests/test_settings.py",
            "tests/test_rules.py",
            "tests/test_emergency_rules.py",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert ran.returncode == 0, ran.stdout[-4000:] + ran.stderr[-2000:]
    assert re.search(r"\d+ passed", ran.stdout)
