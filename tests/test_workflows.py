"""The GitHub Actions workflows, checked here since they cannot run here: schema, zizmor, and their shape."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
BIN = Path(sys.executable).parent
SHA_PIN = re.compile(r"^\s*(?:-\s+)?uses:\s+(?P<action>[\w.-]+/[\w.-]+)@(?P<ref>\S+)\s+#\s+v\d+(\.\d+)*\s*$")


def load(name: str) -> dict:
    """Return a workflow as data; PyYAML reads the key `on` as True, so it is renamed back."""
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def steps_of(job: dict) -> list[dict]:
    return job.get("steps", [])


def runs(job: dict) -> list[str]:
    return [step["run"].strip() for step in steps_of(job) if "run" in step]


def uses(job: dict) -> list[str]:
    return [step["uses"].split("@")[0] for step in steps_of(job) if "uses" in step]


def check_schema(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def zizmor(path: Path) -> tuple[int, list[dict]]:
    """Run zizmor offline, reporting findings of medium severity and up; return its exit code and findings."""
    ran = subprocess.run(
        [BIN / "zizmor", "--offline", "--no-progress", "--min-severity", "medium", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    return ran.returncode, json.loads(ran.stdout or "[]")


def test_both_workflows_exist() -> None:
    assert sorted(p.name for p in WORKFLOWS.glob("*.yml")) == ["deploy.yml", "test.yml"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["test.yml", "deploy.yml"])
def test_workflow_matches_githubs_schema(name: str) -> None:
    """Validate against the GitHub workflow schema that check-jsonschema ships (works offline)."""
    ran = check_schema(WORKFLOWS / name)
    assert ran.returncode == 0, ran.stdout + ran.stderr


@pytest.mark.slow
@pytest.mark.parametrize("name", ["test.yml", "deploy.yml"])
def test_zizmor_finds_nothing_of_medium_severity_or_more(name: str) -> None:
    """Pass zizmor's offline audits (template injection, excessive permissions, credentials left behind...)."""
    status, findings = zizmor(WORKFLOWS / name)
    described = [f"{f['ident']} ({f['determinations']['severity']}): {f['desc']}" for f in findings]
    assert (status, described) == (0, [])


@pytest.mark.slow
def test_the_linters_can_fail(tmp_path: Path) -> None:
    """Report a schema error and an injectable expression in an edited copy, so the checks above mean something."""
    text = (WORKFLOWS / "test.yml").read_text(encoding="utf-8")
    misspelt = tmp_path / "misspelt.yml"
    misspelt.write_text(text.replace("runs-on:", "runs_on:"), encoding="utf-8")
    assert check_schema(misspelt).returncode != 0
    injectable = tmp_path / "injectable.yml"
    injectable.write_text(
        text.replace("run: make test", 'run: echo "${{ github.event.pull_request.title }}" && make test'),
        encoding="utf-8",
    )
    status, findings = zizmor(injectable)
    assert status != 0 and "template-injection" in {f["ident"] for f in findings}


@pytest.mark.parametrize("name", ["test.yml", "deploy.yml"])
def test_actions_are_official_and_pinned_to_a_commit(name: str) -> None:
    """Use only GitHub's own actions, each pinned to a full commit SHA with its version in a comment."""
    lines = [line for line in (WORKFLOWS / name).read_text(encoding="utf-8").splitlines() if "uses:" in line]
    assert lines
    for line in lines:
        match = SHA_PIN.match(line)
        assert match, f"{name}: not pinned to a commit with a '# vN' comment: {line.strip()}"
        assert match["action"].startswith("actions/") and re.fullmatch(r"[0-9a-f]{40}", match["ref"]), line


@pytest.mark.parametrize("name", ["test.yml", "deploy.yml"])
def test_jobs_run_in_debian_and_keep_no_credentials(name: str) -> None:
    """Run make in Debian's Python 3.11 image and leave no token in the checkout's git config."""
    for job_name, job in load(name)["jobs"].items():
        checkouts = [step for step in steps_of(job) if step.get("uses", "").startswith("actions/checkout@")]
        for step in checkouts:
            assert step.get("with", {}).get("persist-credentials") is False, f"{name}: {job_name}"
        if runs(job):
            assert job["container"]["image"] == "python:3.11-bookworm", f"{name}: {job_name}"
            assert "--shm-size" in job["container"]["options"], "Chromium needs more than Docker's 64 MB of /dev/shm"


def test_pull_requests_and_branches_run_make_test() -> None:
    """Run the whole suite on every pull request and every push except to main (deploy.yml tests main)."""
    workflow = load("test.yml")
    assert "pull_request" in workflow["on"] and "pull_request_target" not in workflow["on"]
    assert workflow["on"]["push"] == {"branches-ignore": ["main"]}
    assert workflow["permissions"] == {}
    (job,) = workflow["jobs"].values()
    assert runs(job) == ["make test"]
    assert job["permissions"] == {"contents": "read"}


def test_main_is_released_then_deployed_and_a_failure_blocks_it() -> None:
    """Build the release on main, upload site/, and deploy only after the release job passed."""
    workflow = load("deploy.yml")
    assert workflow["on"]["push"] == {"branches": ["main"]} and "workflow_dispatch" in workflow["on"]
    assert workflow["concurrency"]["group"] and workflow["concurrency"]["cancel-in-progress"] is False
    release, deploy = workflow["jobs"]["release"], workflow["jobs"]["deploy"]
    assert runs(release) == ["make release"]
    names = uses(release)
    assert names.index("actions/configure-pages") < names.index("actions/upload-pages-artifact")
    (upload,) = [s for s in steps_of(release) if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert upload["with"]["path"] == "site"
    assert [s.get("run") for s in steps_of(release)].index("make release") < steps_of(release).index(upload)
    (make,) = [s for s in steps_of(release) if s.get("run") == "make release"]
    assert make["env"]["SITE_URL"] == "${{ steps.pages.outputs.base_url }}/"
    assert deploy["needs"] in ("release", ["release"])
    assert uses(deploy) == ["actions/deploy-pages"] and not runs(deploy)
    assert deploy["environment"]["name"] == "github-pages"


def test_permissions_are_the_least_each_job_needs() -> None:
    """Grant nothing by default; read for the release job, and Pages write with an OIDC token only to deploy."""
    workflow = load("deploy.yml")
    assert workflow["permissions"] == {}
    assert workflow["jobs"]["release"]["permissions"] == {"contents": "read", "pages": "read"}
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_make_targets_the_workflows_run_exist() -> None:
    """Call only targets the Makefile defines."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for name in ("test.yml", "deploy.yml"):
        for job in load(name)["jobs"].values():
            for command in runs(job):
                target = command.removeprefix("make ").strip()
                assert re.search(rf"^{re.escape(target)}:", makefile, re.MULTILINE), f"{name}: {command}"
