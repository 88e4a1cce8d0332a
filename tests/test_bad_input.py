"""Every content or settings mistake a maintainer or clinic can make gets a clear message and leaves nothing half-built.

Each row edits a fresh copy of the guide, runs what a maintainer runs (``make build``, ``make
approve-emergency``, a direct ``mkdocs build`` or the standalone check), and asserts the exit status,
the message (file, line where there is one, what is wrong and how to fix it), that no traceback is
printed, and what is left on disk.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import NUMBER
from guard_support import copy_project, replace_in, run_make, set_clinic

pytestmark = pytest.mark.slow

Edit = Callable[[Path], None]


def _write(relative: str, data: bytes) -> Edit:
    def edit(project: Path) -> None:
        (project / relative).write_bytes(data)

    return edit


def _both(*edits: Edit) -> Edit:
    def edit(project: Path) -> None:
        for one in edits:
            one(project)

    return edit


def _latin1(project: Path) -> None:
    path = project / "docs" / "results.md"
    path.write_bytes(
        path.read_text(encoding="utf-8").replace("\n# ", "\nCaf\u00e9 au lait.\n\n# ", 1).encode("latin-1")
    )


def _empty_site(project: Path) -> None:
    (project / "empty").mkdir()


def _no_guard_hook(project: Path) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - hooks/emergency_guard.py\n" in text
    config.write_text(text.replace("  - hooks/emergency_guard.py\n", ""), encoding="utf-8")


def _copy_section_to_second_page(project: Path) -> None:
    source = (project / "docs" / "when-to-get-help.md").read_text(encoding="utf-8")
    start = source.index("/// urgent")
    block = source[start : source.index("\n///\n", start) + 5]
    page = project / "docs" / "results.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n" + block, encoding="utf-8")


def _replace_number_everywhere(project: Path) -> None:
    for path in [project / "mkdocs.yml", *(project / "docs").rglob("*.md")]:
        path.write_text(path.read_text(encoding="utf-8").replace(NUMBER, OTHER), encoding="utf-8")


#: Another emergency number than the configured one.
OTHER = "999" if NUMBER != "999" else "112"


def _clinic(name: str = "", phone: str = "", country: str = "US") -> Edit:
    return set_clinic(name, phone, country)


@dataclass(frozen=True)
class Case:
    """One mistake: the edit, what is run, and what the maintainer must see."""

    edit: Edit
    run: str  # "build" (make build), "mkdocs" (mkdocs build --strict), "approve", "check-empty"
    messages: tuple[str, ...]
    status: int = 1
    absent: tuple[str, ...] = ("site", "site.tmp", "site.approve")
    env: dict[str, str] = field(default_factory=dict)


CASES = {
    "front-matter-unclosed-bracket": Case(
        replace_in("docs/side-effects.md", "title: Side effects", "title: [Side effects"),
        "build",
        ("docs/side-effects.md:2: the front matter is not valid YAML", "in quotes"),
    ),
    "front-matter-impossible-date": Case(
        replace_in("docs/uses.md", "---\n", "---\nreviewed: 2026-13-45\n"),
        "build",
        ("docs/uses.md:2:", "is not a real date", "YYYY-MM-DD"),
    ),
    "front-matter-never-closed": Case(
        replace_in("docs/results.md", "\n---\n", "\n", 1), "build", ("docs/results.md:1:", "never closed")
    ),
    "page-saved-as-latin-1": Case(_latin1, "build", ("docs/results.md:", "not saved as UTF-8", "save it as UTF-8")),
    "number-unquoted-000": Case(
        replace_in("mkdocs.yml", f'emergency_number: "{NUMBER}"', "emergency_number: 000"),
        "build",
        ("extra.emergency_number", 'Quote it: emergency_number: "0"'),
    ),
    "number-not-digits": Case(
        replace_in("mkdocs.yml", f'emergency_number: "{NUMBER}"', 'emergency_number: "nine"'),
        "build",
        ("extra.emergency_number must be the digits readers dial",),
    ),
    "phone-in-words": Case(
        _clinic(phone="ask at reception"), "build", ("extra.clinic.care_team_phone", "not a phone number in US")
    ),
    "phone-is-the-emergency-number": Case(
        _clinic(phone=NUMBER), "build", ("extra.clinic.care_team_phone is the emergency number",)
    ),
    "phone-of-another-country": Case(
        _clinic(phone="020 7946 0000 ext. 4521"), "build", ("not a phone number in US (extra.clinic.country)",)
    ),
    "country-unknown": Case(_clinic(phone="020 7946 0000", country="UK"), "build", ("extra.clinic.country is 'UK'",)),
    "clinic-name-too-long": Case(_clinic(name="N" * 61), "build", ("extra.clinic.name is 61 characters long",)),
    "block-without-id": Case(
        replace_in("docs/when-to-get-help.md", "    id: headache-warning-signs\n", ""),
        "build",
        ("when-to-get-help.md:", "[block-id-missing]", "has no `id:` line"),
    ),
    "block-left-open": Case(
        replace_in("docs/when-to-get-help.md", "///\n", "\n", 1), "build", ("[block-not-closed]", "`///`")
    ),
    "unguarded-number-with-dashes": Case(
        replace_in("docs/side-effects.md", "\n# ", f"\nIf in doubt, call {'-'.join(NUMBER)}.\n\n# "),
        "build",
        ("side-effects.md:", "[unguarded-call]"),
    ),
    "unguarded-tel-with-country-code": Case(
        replace_in("docs/side-effects.md", "\n# ", f"\n[Call for help](tel:+1{NUMBER}).\n\n# "),
        "build",
        ("side-effects.md:", "[unguarded-tel]"),
    ),
    "number-replaced-everywhere": Case(
        _replace_number_everywhere, "build", (f"approved for emergency number {NUMBER}", "make approve-emergency")
    ),
    "lock-malformed": Case(
        replace_in("hooks/emergency-lock.yml", "sections:", "sections: ["),
        "build",
        ("emergency-lock.yml", "not valid YAML"),
    ),
    "guard-hooks-removed-and-step-lost": Case(
        _both(_no_guard_hook, replace_in("docs/anaphylaxis.md", "4. ", "", 1)),
        "build",
        ("[step", "Build failed: site/ was removed"),
    ),
    "direct-build-fails": Case(
        replace_in("docs/anaphylaxis.md", "/// first-aid", "/// note"),
        "mkdocs",
        ("is incomplete and must not be published",),
        absent=(),
    ),
    "print-false-on-an-emergency-page": Case(
        replace_in("docs/anaphylaxis.md", "---\n", "---\nprint: false\n"),
        "build",
        ("[section-missing]", "Remove `print: false` from anaphylaxis.md"),
    ),
    "standalone-check-of-empty-folder": Case(_empty_site, "check-empty", ("holds no page of the guide",), absent=()),
    "approve-without-approver": Case(
        replace_in("docs/anaphylaxis.md", "Stay with them", "Stay close to them"),
        "approve",
        ('BY="Name"',),
        env={"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"},
    ),
    "approve-same-id-on-two-pages": Case(
        _copy_section_to_second_page, "approve", ("a section id must be used once", "is used on"), status=1
    ),
}


def _run(project: Path, case: Case) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **case.env}
    if case.run == "build":
        return run_make(project, "build")
    if case.run == "approve":
        ran = subprocess.run(
            ["make", "--no-print-directory", "-C", str(project), f"VENV={Path(sys.executable).parent.parent}",
             "-o", f"{Path(sys.executable).parent.parent}/.build-deps", "approve-emergency"],
            capture_output=True, text=True, input="", check=False, env={**env, "HOME": str(project)},
        )  # fmt: skip
        return ran
    if case.run == "mkdocs":
        command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", "out"]
    else:
        command = [sys.executable, "-m", "ivig_guide.emergency", "check", "empty", "--docs", "docs"]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, check=False, env=env)


@pytest.mark.parametrize("name", CASES)
def test_mistake_gets_a_clear_message_and_leaves_nothing(tmp_path: Path, name: str) -> None:
    """Fail with the expected status and message, no traceback, and no half-written folder left behind."""
    case = CASES[name]
    project = copy_project(tmp_path / "project")
    case.edit(project)
    ran = _run(project, case)
    output = ran.stdout + ran.stderr
    assert ran.returncode != 0 if case.status else ran.returncode == 0, output
    for message in case.messages:
        assert message in output, f"{message!r} is not in:\n{output[-3000:]}"
    assert "Traceback" not in output
    left = [path for path in case.absent if (project / path).exists()]
    assert left == [], f"left behind: {left}"


@pytest.mark.parametrize(
    ("edit", "shown"),
    [
        pytest.param(_clinic(phone="020 7946 0000 ext. 4521", country="GB"), "020\u00a07946\u00a00000", id="uk-phone"),
        pytest.param(_clinic(name="N" * 60, phone="(202) 555-0123 ext. 12345"), "(202)\u00a0555", id="longest"),
    ],
)
def test_valid_clinic_settings_build(tmp_path: Path, edit: Edit, shown: str) -> None:
    """Build with the longest clinic name and phone the guide allows, and phones of other countries."""
    project = copy_project(tmp_path / "project")
    edit(project)
    ran = run_make(project, "build")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert shown in (project / "site" / "index.html").read_text(encoding="utf-8")
