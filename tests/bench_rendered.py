"""Benchmark the rendered check: what `python -m ivig_guide.rendered check` costs in `make release`.

Run with `make bench`. Builds the guide into a temporary folder, then checks every copy of every guarded
section in one Chromium, copy by copy, RUNS times, and reports the median per copy and in total; it asserts
nothing about speed (target: the whole check <= 60 s on 2 cores).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ivig_guide.browser import launch
from ivig_guide.rendered import check_rendered, plan_copies
from ivig_guide.settings import configured_lock

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
TARGET_SECONDS = 60.0


def main() -> int:
    """Build once, run the rendered check RUNS times copy by copy, and print the figures."""
    settings, lock = configured_lock(ROOT / "mkdocs.yml")
    with tempfile.TemporaryDirectory(prefix="bench-rendered-") as temp:
        site = Path(temp) / "site"
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
            cwd=ROOT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            check=True,
        )
        copies = plan_copies(site)
        per_copy: dict[tuple[str, str], list[float]] = {}
        totals: list[float] = []
        launches: list[float] = []
        for _ in range(RUNS):
            started = time.perf_counter()
            with launch() as browser:
                launches.append(time.perf_counter() - started)
                for copy in copies:
                    began = time.perf_counter()
                    findings = check_rendered(
                        site, lock=lock, lang=settings.lang, only=copy.__eq__, browser=browser, pdfs=False
                    )
                    per_copy.setdefault((copy.url, copy.label), []).append(time.perf_counter() - began)
                    if findings:
                        print("\n".join(map(str, findings)), file=sys.stderr)
                        return 1
            totals.append(time.perf_counter() - started)
        total = statistics.median(totals)
        medians = {key: statistics.median(values) for key, values in per_copy.items()}
        print(f"Rendered check ({len(copies)} copies, {os.cpu_count()} CPUs, median of {RUNS} runs):")
        print(
            f"  whole check: {total:.1f} s (browser start {statistics.median(launches):.1f} s) — "
            f"{total / TARGET_SECONDS:.0%} of the {TARGET_SECONDS:.0f} s target"
        )
        print(f"  per copy: median {statistics.median(medians.values()):.2f} s, slowest {max(medians.values()):.2f} s")
        print(f"  {'page':<28} {'copy':<22} {'s':>6}")
        for (url, label), seconds in medians.items():
            print(f"  {url:<28} {label:<22} {seconds:>6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
