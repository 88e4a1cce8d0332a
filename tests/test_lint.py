"""The code follows the project's style: ruff's lint and formatting, and mypy's strict type check (pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUFF = Path(sys.executable).parent / "ruff"


@pytest.mark.parametrize("args", [["check", "."], ["format", "--check", "."]], ids=["lint", "format"])
def test_ruff(args: list[str]) -> None:
    """Pass ruff's checks on hooks/ and tests/."""
    ran = subprocess.run([str(RUFF), *args], cwd=ROOT, capture_output=True, text=True, check=False)
    assert ran.returncode == 0, ran.stdout + ran.stderr


@pytest.mark.slow
def test_mypy_strict() -> None:
    """Pass mypy in strict mode on hooks/ ([tool.mypy] in pyproject.toml), with no unused or bare ignore."""
    ran = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "Success: no issues found" in ran.stdout
