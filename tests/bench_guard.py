"""Benchmark the emergency guard: build time with and without it, on the guide and on generated sites.

Run with `make bench`. Prints figures and ratios measured in the same run; it asserts nothing about
speed (targets: guard overhead <= 10% of build time, <= 2 ms a page on average, cost linear in pages).
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from guard_support import copy_project

from ivig_guide.lock import read_lock
from ivig_guide.site_check import check_site

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
RUNNER = """
import resource, runpy, sys
sys.argv = ["mkdocs", "build", "--strict", "-f", sys.argv[1], "-d", sys.argv[2]]
try:
    runpy.run_module("mkdocs", run_name="__main__")
except SystemExit as exit:
    code = exit.code
else:
    code = 0
print("MAXRSS", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def build(config: Path, out: Path, *, env: dict[str, str] | None = None) -> tuple[float, int, float]:
    """Build once in a fresh interpreter; return (seconds, peak memory in KiB, guard ms a page or 0)."""
    started = time.perf_counter()
    ran = subprocess.run(
        [sys.executable, "-c", RUNNER, str(config), str(out)], capture_output=True, text=True, env=env or ENV
    )
    seconds = time.perf_counter() - started
    if ran.returncode != 0:
        raise SystemExit(f"build of {config} failed:\n{ran.stderr}")
    guard = re.search(r"Emergency guard: .* \(([\d.]+) ms a page\)", ran.stderr)
    return seconds, int(re.search(r"MAXRSS (\d+)", ran.stderr).group(1)), float(guard.group(1)) if guard else 0.0


def without_guard(project: Path) -> Path:
    """Write a config identical to the project's but without the emergency guard hook."""
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    unguarded = project / "mkdocs-unguarded.yml"
    unguarded.write_text(text.replace("  - hooks/emergency_guard.py\n", ""), encoding="utf-8")
    assert unguarded.read_text() != text
    return unguarded


def english_only(project: Path) -> Path:
    """Turn a copy of the project into its English edition alone: no i18n plugin, no translated pages."""
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(without_i18n(config), encoding="utf-8")
    for path in (project / "docs").rglob("*.md"):
        if len(path.suffixes) > 1:  # page.es.md
            path.unlink()
    return project / "mkdocs.yml"


def without_i18n(config: str) -> str:
    """Return a mkdocs.yml text without the i18n plugin (generated sites are in one language)."""
    start, end = config.index("  - i18n:\n"), config.index("  - redirects:\n")
    return config[:start] + config[end:]


def median_builds(config: Path, out: Path) -> tuple[float, int, float]:
    """Return the median time, the peak memory and the guard's median ms a page of RUNS builds."""
    results = [build(config, out) for _ in range(RUNS)]
    return (
        statistics.median(r[0] for r in results),
        max(r[1] for r in results),
        statistics.median(r[2] for r in results),
    )


SECTION = {
    "emergency": (
        "/// emergency | Call 911 if:\n    id: {id}\n\n- case {n} happens suddenly\n\nCall [911](tel:911) now.\n///\n"
    ),
    "urgent": "/// urgent | See a doctor straight away if:\n    id: {id}\n\n- sign {n} one\n- sign {n} two\n///\n",
    "first-aid": (
        "/// first-aid | Do this now:\n    id: {id}\n\n- symptom {n}\n- another symptom\n\nThen:\n\n"
        "1. First step {n}.\n2. Second step.\n3. Third step.\n4. Fourth step.\n\nIf it comes back, repeat.\n///\n"
    ),
}


def generated_site(root: Path, pages: int, sections: int) -> Path:
    """Write a project of ``pages`` pages, ``sections`` of which hold one emergency section, and approve it."""
    project = copy_project(root)
    docs = project / "docs"
    for path in sorted(docs.rglob("*.md")):
        path.unlink()
    every = max(pages // max(sections, 1), 1)
    kinds = list(SECTION)
    for n in range(pages):
        body = [f"# Page {n}\n", "Some plain words about a topic. " * 20 + "\n", "## More\n", "- a point\n- another\n"]
        if n % every == 0 and n // every < sections:
            body.append(SECTION[kinds[n % 3]].format(id=f"section-{n}", n=n))
        (docs / f"section-{n // 100}").mkdir(exist_ok=True)
        (docs / f"section-{n // 100}" / f"page-{n}.md").write_text("\n".join(body), encoding="utf-8")
    (docs / "index.md").write_text("# Generated\n\nA generated site.\n", encoding="utf-8")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = config[: config.index("\nnav:")] + "\n"
    config = without_i18n(config)
    config = re.sub(r"  - redirects:\n(      .*\n)+", "", config)
    # Generated pages are not the guide: they have no emergency card to print.
    config = config.replace("  - hooks/print_pages.py\n", "")
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    # A fresh lock: the generated pages replace the guide's, in one language.
    (project / "hooks" / "emergency-lock.yml").unlink()
    site = project / "approve-site"
    subprocess.run(
        [sys.executable, "-c", RUNNER, str(project / "mkdocs.yml"), str(site)],
        env={**ENV, "EMERGENCY_GUARD": "approve"},
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [sys.executable, "-m", "ivig_guide.emergency", "approve", str(site), "--yes", "--by", "bench"],
        cwd=project,
        check=True,
        capture_output=True,
    )
    return project


def standalone_ms_per_page(project: Path, site: Path) -> float:
    """Return the standalone check's time a page (reading each HTML file included)."""
    lock = read_lock(project / "hooks" / "emergency-lock.yml")
    started = time.perf_counter()
    results = check_site(site, lock=lock, number="911", lang="en")
    seconds = time.perf_counter() - started
    assert not [f for r in results for f in r.findings]
    return 1000 * seconds / len(results)


def row(label: str, project: Path, config: Path, site: Path) -> tuple[str, float]:
    """Build with and without the guard; return one line of the report and the guard's ms a page."""
    seconds, peak, guard_ms = median_builds(config, site)
    bare_seconds, bare_peak, _ = median_builds(without_guard(project), site)
    pages = len(list(site.rglob("*.html")))
    overhead = (seconds - bare_seconds) / bare_seconds
    return (
        f"{label:<26} {pages:>6} {bare_seconds:>8.2f} {seconds:>8.2f} {overhead:>+9.1%} {guard_ms:>8.2f} "
        f"{standalone_ms_per_page(project, site):>10.2f} {1000 * seconds / pages:>8.1f} "
        f"{bare_peak / 1024:>7.0f} {peak / 1024:>7.0f}",
        guard_ms,
    )


def main() -> None:
    """Measure and print the report."""
    header = (
        f"{'site':<26} {'files':>6} {'bare s':>8} {'guard s':>8} {'overhead':>9} {'ms/page':>8} "
        f"{'standalone':>10} {'build/pg':>8} {'MiB':>7} {'MiB+g':>7}"
    )
    print(f"Emergency guard benchmark: median of {RUNS} builds each, all measured in this run\n")
    print(header)
    print("-" * len(header))
    per_page: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        guide = copy_project(Path(tmp) / "guide")
        line, _ = row("the guide (en + es)", guide, guide / "mkdocs.yml", Path(tmp) / "guide-site")
        print(line, flush=True)
        english = copy_project(Path(tmp) / "guide-en")
        line, _ = row("the guide, English only", english, english_only(english), Path(tmp) / "guide-en-site")
        print(line, flush=True)
        bilingual, _peak, _ms = median_builds(guide / "mkdocs.yml", Path(tmp) / "guide-site")
        monolingual, _peak, _ms = median_builds(english / "mkdocs.yml", Path(tmp) / "guide-en-site")
        for size, sections in ((250, 50), (1000, 200)):
            project = generated_site(Path(tmp) / f"gen-{size}", size, sections)
            line, per_page[size] = row(
                f"{size} pages, {sections} sections", project, project / "mkdocs.yml", Path(tmp) / f"gen-{size}-site"
            )
            print(line, flush=True)
    print(
        "\nbare s / guard s: build time without / with the guard hook.  ms/page: the guard's own time a page"
        "\ninside the build (it parses only the <article>).  standalone: `python -m ivig_guide.emergency check`"
        "\na page, reading the file included.  build/pg: build ms a page.  MiB / MiB+g: peak memory."
    )
    print(
        f"Bilingual build (English + Spanish, one mkdocs build): {bilingual:.2f} s; English only: {monolingual:.2f} s "
        f"({(bilingual - monolingual) / monolingual:+.0%})."
    )
    ratio = per_page[1000] / per_page[250]
    print(f"Linearity: guard ms a page at 1,000 pages / at 250 pages = {ratio:.2f} (1.0: total cost linear in pages).")
    print("Targets: overhead <= +10%, guard <= 2 ms a page, linearity close to 1.")


if __name__ == "__main__":
    main()
