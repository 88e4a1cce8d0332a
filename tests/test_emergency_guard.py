"""The emergency guard on the real guide: harmful edits stop the build, benign edits pass, the lock round-trips."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import LOCK, NUMBER, SETTINGS, BuiltSite
from guard_support import ROOT, Edit, build_project, copy_pages, copy_project, render, replace_in, run_make
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ivig_guide.approval import approved_lock
from ivig_guide.emergency import main as emergency_main
from ivig_guide.lock import read_lock
from ivig_guide.page_check import check_page
from ivig_guide.site_check import check_site

ANAPHYLAXIS = (ROOT / "docs" / "anaphylaxis.md").read_text(encoding="utf-8")
HELP = (ROOT / "docs" / "when-to-get-help.md").read_text(encoding="utf-8")
FIRST_AID = LOCK.get("en", "anaphylaxis-first-aid")
STEPS = next(value for kind, value in FIRST_AID.section.content if kind == "steps") if FIRST_AID else ()


def _step_line(n: int) -> str:
    """Return the Markdown line of step ``n`` (1-based) on the anaphylaxis page."""
    lines = [line for line in ANAPHYLAXIS.splitlines() if line.startswith(f"{n}. ")]
    assert len(lines) == 1, f"step {n} must be one line starting '{n}. ' on anaphylaxis.md"
    return lines[0]


def _block(text: str, section_id: str) -> str:
    """Return the whole `///` block (header to closing `///`) of one section in a page's Markdown."""
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if f"id: {section_id}" in line) - 1
    end = next(i for i in range(start + 1, len(lines)) if lines[i].strip() == "///")
    return "".join(lines[start : end + 1])


def _swap_steps(project: Path) -> None:
    """Swap steps 2 and 3 on the anaphylaxis page."""
    path = project / "docs" / "anaphylaxis.md"
    two, three = _step_line(2), _step_line(3)
    text = path.read_text(encoding="utf-8").replace(two, "\0").replace(three, two.replace("2. ", "3. ", 1))
    path.write_text(text.replace("\0", three.replace("3. ", "2. ", 1)), encoding="utf-8")


def _reword_one_word(project: Path) -> None:
    """Change one word of step 4."""
    old = _step_line(4)
    words = old.split()
    words[-1] = "soon."
    replace_in("docs/anaphylaxis.md", old, " ".join(words))(project)


def _steps_to_bullets(project: Path) -> None:
    """Turn the numbered steps into bullet points."""
    for n in range(1, 5):
        line = _step_line(n)
        replace_in("docs/anaphylaxis.md", line, "- " + line[3:])(project)


def _in_collapsed_details(project: Path) -> None:
    """Wrap the first-aid block in a collapsed <details>."""
    block = _block(ANAPHYLAXIS, "anaphylaxis-first-aid")
    wrapped = f'<details markdown="1">\n<summary>First aid</summary>\n\n{block}\n</details>\n'
    replace_in("docs/anaphylaxis.md", block, wrapped)(project)


def _in_comment(project: Path) -> None:
    """Put the first-aid block inside an HTML comment."""
    block = _block(ANAPHYLAXIS, "anaphylaxis-first-aid")
    replace_in("docs/anaphylaxis.md", block, f"<!--\n{block}-->\n")(project)


def _as_code(project: Path) -> None:
    """Turn the urgent callout into a code block."""
    block = _block(HELP, "headache-warning-signs")
    replace_in("docs/when-to-get-help.md", block, f"```text\n{block}```\n")(project)


def _exclude(project: Path) -> None:
    """Exclude the anaphylaxis page from the build."""
    quiet = "validation:\n  nav:\n    omitted_files: info\n    not_found: info\n  links:\n    not_found: info\n"
    replace_in("mkdocs.yml", "docs_dir: docs\n", f"docs_dir: docs\nexclude_docs: anaphylaxis.md\n{quiet}")(project)


def _draft(project: Path) -> None:
    """Mark the anaphylaxis page as a draft (drafts are left out of builds)."""
    replace_in("docs/anaphylaxis.md", "---\ntitle:", "---\ndraft: true\ntitle:")(project)
    replace_in("mkdocs.yml", "docs_dir: docs\n", "docs_dir: docs\ndraft_docs: anaphylaxis.md\n")(project)


def _delete_page(project: Path) -> None:
    """Delete the anaphylaxis page."""
    (project / "docs" / "anaphylaxis.md").unlink()


def _move_section(project: Path) -> None:
    """Move the urgent callout to the side-effects page."""
    block = _block(HELP, "headache-warning-signs")
    replace_in("docs/when-to-get-help.md", block, "")(project)
    path = project / "docs" / "side-effects.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + block, encoding="utf-8")


def _lock_removed(project: Path) -> None:
    """Delete the approved lock."""
    (project / "hooks" / "emergency-lock.yml").unlink()


TEL = f"[{NUMBER}](tel:{NUMBER})"
OTHER_TEL = "[{0}](tel:{0})"
#: Another number than the configured one, for edits that change it.
OTHER = "999" if NUMBER != "999" else "112"

# (edit, text the build's error must contain). At least 15 kinds of harmful change.
HARMFUL: list = [
    pytest.param(
        lambda p: replace_in("docs/anaphylaxis.md", _step_line(4) + "\n", "")(p), "[steps-count]", id="step-deleted"
    ),
    pytest.param(_swap_steps, "[steps-order]", id="steps-swapped"),
    pytest.param(_reword_one_word, "[step-wording]", id="step-reworded-one-word"),
    pytest.param(_steps_to_bullets, "[steps-missing]", id="steps-turned-into-bullets"),
    pytest.param(
        lambda p: replace_in("docs/anaphylaxis.md", _step_line(2), _step_line(2).replace(TEL, OTHER_TEL.format(OTHER)))(
            p
        ),
        "[tel-mismatch]",
        id="number-changed-in-step",
    ),
    pytest.param(
        replace_in("docs/when-to-get-help.md", TEL, OTHER_TEL.format(OTHER)),
        "[tel-missing]",
        id="number-changed-in-callout",
    ),
    pytest.param(
        replace_in("docs/when-to-get-help.md", f"(tel:{NUMBER})", f"(tel:1{NUMBER}1)"),
        "[tel-mismatch]",
        id="tel-link-changed",
    ),
    pytest.param(
        lambda p: replace_in("docs/when-to-get-help.md", _block(HELP, "sudden-severe-side-effects"), "")(p),
        "[section-missing]",
        id="callout-removed",
    ),
    pytest.param(
        replace_in("docs/when-to-get-help.md", "/// emergency |", "/// note |"),
        "[block-not-recognised]",
        id="callout-turned-into-note",
    ),
    pytest.param(
        replace_in("docs/when-to-get-help.md", "/// emergency |", "/// urgent |"),
        "[kind-changed]",
        id="callout-downgraded-to-urgent",
    ),
    pytest.param(
        replace_in("docs/anaphylaxis.md", "- blue or white lips\n", ""), "[list-changed]", id="symptom-dropped"
    ),
    pytest.param(
        replace_in("docs/when-to-get-help.md", "- throwing up (vomiting)\n", ""),
        "[list-changed]",
        id="warning-sign-dropped",
    ),
    pytest.param(
        replace_in("docs/anaphylaxis.md", "5 to 15 minutes", "15 to 30 minutes"),
        "[text-changed]",
        id="second-pen-advice-changed",
    ),
    pytest.param(
        replace_in("docs/when-to-get-help.md", f"Call {NUMBER} if:", "Get help if:"),
        "[heading-changed]",
        id="action-heading-changed",
    ),
    pytest.param(_in_collapsed_details, "[section-hidden]", id="steps-in-collapsed-details"),
    pytest.param(_in_comment, "[section-missing]", id="steps-commented-out"),
    pytest.param(_as_code, "[section-missing]", id="callout-turned-into-code"),
    pytest.param(_exclude, "[section-missing]", id="page-excluded"),
    pytest.param(_draft, "[section-missing]", id="page-made-draft"),
    pytest.param(_delete_page, "[section-missing]", id="page-deleted"),
    pytest.param(
        replace_in("docs/anaphylaxis.md", "id: anaphylaxis-first-aid", "id: first-aid"),
        "[section-missing]",
        id="section-renamed",
    ),
    pytest.param(_move_section, "[section-moved]", id="section-moved-to-another-page"),
    pytest.param(
        replace_in("docs/side-effects.md", "\n# ", f"\nCall {NUMBER} if this happens.\n\n# "),
        "[unguarded-call]",
        id="unguarded-copy",
    ),
    pytest.param(
        replace_in("mkdocs.yml", f'emergency_number: "{NUMBER}"', f'emergency_number: "{OTHER}"'),
        f"approved for emergency number {NUMBER}",
        id="number-setting-changed",
    ),
    pytest.param(_lock_removed, "the approved lock is missing", id="lock-deleted"),
    pytest.param(
        replace_in("hooks/emergency-lock.yml", "sections:", "sections: ["), "not valid YAML", id="lock-malformed"
    ),
]

BENIGN: list = [
    pytest.param(
        replace_in("docs/results.md", "\n# ", "\nA new sentence on a page with no emergency content.\n\n# "),
        id="edit-non-emergency-page",
    ),
    pytest.param(
        lambda p: (p / "docs" / "new-page.md").write_text(
            "# A new page\n\nSee [when to get help](when-to-get-help.md).\n"
        ),
        id="new-page",
    ),
    pytest.param(replace_in("docs/anaphylaxis.md", "5 to 15 minutes", "5 to\n15    minutes"), id="rewrapped-advice"),
    pytest.param(
        lambda p: [replace_in("docs/anaphylaxis.md", _step_line(n), "1." + _step_line(n)[2:])(p) for n in (2, 3, 4)],
        id="one-dot-numbering",
    ),
    pytest.param(replace_in("docs/when-to-get-help.md", "\n# ", "\n\n\n# "), id="blank-lines"),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Return a fresh copy of the project to edit and build."""
    return copy_project(tmp_path / "project")


@pytest.mark.slow
@pytest.mark.parametrize(("edit", "expected"), HARMFUL)
def test_harmful_edit_stops_the_build(project: Path, edit: Edit, expected: str) -> None:
    """Stop the build, naming what is wrong, for each harmful change to the real guide."""
    edit(project)
    outcome = build_project(project)
    assert not outcome.ok, "the build must fail"
    said = outcome.error + "\n" + outcome.log
    assert expected in said, said
    assert "Traceback" not in said


@pytest.mark.slow
@pytest.mark.parametrize("edit", BENIGN)
def test_benign_edit_builds(project: Path, edit: Edit) -> None:
    """Build without complaint after edits that leave emergency content as approved."""
    edit(project)
    outcome = build_project(project)
    assert outcome.ok, outcome.error + "\n" + outcome.log
    assert "Emergency guard: 4 sections on" in outcome.log


@pytest.mark.slow
def test_message_names_file_line_section_and_fix(project: Path) -> None:
    """Tell a content editor the file, the line of the section, what changed word by word, and how to approve."""
    _reword_one_word(project)
    outcome = build_project(project)
    header = next(i for i, line in enumerate(ANAPHYLAXIS.splitlines(), 1) if line.startswith("/// first-aid"))
    assert f"anaphylaxis.md:{header} section 'anaphylaxis-first-aid' [step-wording] Step 4 changed." in outcome.log
    assert "→ 'soon.'" in outcome.log
    assert "make approve-emergency" in outcome.log


def test_lock_matches_the_guide(built_site: BuiltSite) -> None:
    """Approve exactly the emergency sections the built guide has, with their kinds, and each translation of them."""
    built = {
        (result.page, section.id): section.kind
        for result in check_site(built_site.path, lock=None, number=NUMBER, lang=SETTINGS.lang, docs=ROOT / "docs")
        if result.lang == LOCK.source_language
        for section in result.sections
    }
    approved = {(entry.page, entry.id): entry.section.kind for entry in LOCK.in_language(LOCK.source_language)}
    assert built == approved
    assert {"emergency", "first-aid"} <= set(approved.values()), "the guide must have a callout and first aid"
    assert len(STEPS) >= 1
    for entry in LOCK.entries.values():
        if entry.lang == LOCK.source_language:
            continue
        original = LOCK.get(LOCK.source_language, entry.id)
        assert original is not None, f"{entry.key} has no original"
        assert entry.page == original.page.removesuffix(".md") + f".{entry.lang}.md"
        assert (docs_dir := ROOT / "docs" / entry.page).is_file(), docs_dir
        assert entry.section.kind == original.section.kind
        assert entry.checked_against == original.section.all_text(), f"{entry.key} is approved against old wording"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    step=st.integers(min_value=1, max_value=len(STEPS)),
    words=st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8), min_size=1, max_size=4),
    where=st.sampled_from(["start", "end", "replace", "drop-word"]),
    position=st.integers(min_value=0, max_value=100),
)
def test_any_step_change_fails_unless_approved(step: int, words: list[str], where: str, position: int) -> None:
    """Fail on any change to a step's wording (words added, replaced or dropped); pass once it is approved."""
    old = _step_line(step)
    body = old[3:]
    insert = " ".join(words)
    kept = body.split()
    del kept[position % len(kept)]
    new_body = {
        "start": f"{insert} {body}",
        "end": f"{body} {insert}",
        "replace": insert,
        "drop-word": " ".join(kept),
    }[where]
    edited = ANAPHYLAXIS.replace(old, f"{step}. {new_body}")
    html = render(edited)
    result = check_page(html, page="anaphylaxis.md", lock=LOCK, number=NUMBER, lang="en", source=edited)
    assert "step-wording" in {finding.rule for finding in result.findings}
    approved, changes = approved_lock(
        [check_page(html, page="anaphylaxis.md", lock=None, number=NUMBER, lang="en")],
        LOCK,
        number=NUMBER,
        by="Test",
        today="2026-01-01",
    )
    assert changes
    assert check_page(html, page="anaphylaxis.md", lock=approved, number=NUMBER, lang="en").findings == []


# --------------------------------------------------------------------------- standalone command


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run ``python -m ivig_guide.emergency`` in a new interpreter and capture what it says."""
    return subprocess.run(
        [sys.executable, "-m", "ivig_guide.emergency", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def _check(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run the standalone command's ``main()`` in this process, as ``_cli`` would, and capture what it says."""
    out, err = io.StringIO(), io.StringIO()
    here = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = emergency_main(list(args))
            except SystemExit as stop:  # argparse's own errors
                code = stop.code if isinstance(stop.code, int) else 1
    finally:
        os.chdir(here)
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def built_copy(built_site: BuiltSite) -> Path:
    """Return the session's build of the real guide; the tests that damage it copy it first."""
    return built_site.path


def test_standalone_check_passes_on_built_site(built_copy: Path) -> None:
    """Pass the built site, counting its sections and pages."""
    ran = _cli("check", str(built_copy), "--docs", "docs")
    assert ran.returncode == 0, ran.stderr
    assert f"Emergency guard: {len(LOCK.entries)} sections on" in ran.stdout


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        pytest.param(
            lambda html: html.replace("</li>\n</ol>", "</li>\n</ol><ol><li>Extra</li></ol>", 1),
            "[steps-split]",
            id="extra-list",
        ),
        pytest.param(
            lambda html: html.replace(f'href="tel:{NUMBER}"', f'href="tel:{OTHER}"'), "[tel-mismatch]", id="tel-changed"
        ),
        pytest.param(lambda html: html.replace("<ol>", '<ol start="2">', 1), "[steps-start]", id="start-attribute"),
        pytest.param(
            lambda html: html.replace('data-pg-safety="first-aid"', 'data-pg-safety="first-aid" hidden', 1),
            "[section-hidden]",
            id="hidden-attribute",
        ),
    ],
)
def test_standalone_check_catches_hand_damage(built_copy: Path, tmp_path: Path, damage, expected: str) -> None:
    """Fail a copy of the built site whose anaphylaxis page was damaged by hand, naming file and line."""
    site = tmp_path / "site"
    copy_pages(built_copy, site)
    page = site / "anaphylaxis" / "index.html"
    html = page.read_text(encoding="utf-8")
    damaged = damage(html)
    assert damaged != html, "the damage must change the page"
    page.write_text(damaged, encoding="utf-8")
    ran = _check("check", str(site), "--docs", "docs")
    assert ran.returncode == 1
    assert expected in ran.stderr
    assert "anaphylaxis.md:" in ran.stderr


def test_standalone_check_catches_deleted_page(built_copy: Path, tmp_path: Path) -> None:
    """Report the sections of a page that is missing from the built folder."""
    site = tmp_path / "site"
    copy_pages(built_copy, site)
    shutil.rmtree(site / "anaphylaxis")
    ran = _check("check", str(site))
    assert ran.returncode == 1
    assert "anaphylaxis.md section 'anaphylaxis-first-aid' [section-missing]" in ran.stderr


def test_standalone_check_without_a_site() -> None:
    """Say what to do when the folder does not exist, without a stack trace."""
    ran = _check("check", "no-such-folder")
    assert ran.returncode == 2
    assert "no such folder" in ran.stderr and "Traceback" not in ran.stderr


# --------------------------------------------------------------------------- approving


@pytest.mark.slow
def test_approve_round_trip(project: Path) -> None:
    """Show the change, refuse without confirmation, then rewrite the lock so the build passes."""
    _reword_one_word(project)
    assert not build_project(project).ok
    refused = run_make(project, "approve-emergency")
    assert refused.returncode != 0
    assert "YES=1" in refused.stderr
    approved = run_make(project, "approve-emergency", "YES=1", "BY=Dr Test")
    assert approved.returncode == 0, approved.stderr
    assert "en/anaphylaxis-first-aid on anaphylaxis.md:" in approved.stdout
    assert "+[steps]" in approved.stdout.replace(" ", "") and "-[steps]" in approved.stdout.replace(" ", "")
    lock = read_lock(project / "hooks" / "emergency-lock.yml")
    entry = lock.get("en", "anaphylaxis-first-aid")
    assert entry is not None and entry.approved_by == "Dr Test"
    assert entry.section.blocks("steps")[0][3].endswith("soon.")
    assert lock.get("en", "headache-warning-signs") == LOCK.get("en", "headache-warning-signs")
    assert build_project(project).ok
    again = run_make(project, "approve-emergency", "YES=1")
    assert again.returncode == 0 and "Nothing to approve" in again.stdout
