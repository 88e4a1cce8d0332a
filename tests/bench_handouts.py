"""Benchmark the handouts: how long `make handouts` takes to print and check every PDF, and how big they are.

Run with `make bench`. Builds the guide into a temporary folder (with the handout links on), then prints
the handouts there several times and reports the median; it asserts nothing about speed (target: the
handouts step <= 15 s on 2 cores).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ivig_guide.handouts import make_handouts
from ivig_guide.print_pages import HANDOUTS_DIR

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
TARGET_SECONDS = 15.0


def main() -> int:
    """Build once, print the handouts RUNS times, and print the figures."""
    with tempfile.TemporaryDirectory(prefix="bench-handouts-") as temp:
        site = Path(temp) / "site"
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
            cwd=ROOT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "HANDOUTS": "true"},
            check=True,
        )
        totals: list[float] = []
        per_pdf: dict[str, list[float]] = {}
        for _ in range(RUNS):
            started = time.perf_counter()
            timings = make_handouts(site, config=ROOT / "mkdocs.yml")
            totals.append(time.perf_counter() - started)
            for pdf, seconds in timings.items():
                per_pdf.setdefault(pdf, []).append(seconds)
        total = statistics.median(totals)
        from pypdf import PdfReader

        print(f"Handouts ({len(per_pdf)} PDFs, {os.cpu_count()} CPUs, median of {RUNS} runs):")
        print(
            f"  whole handouts step: {total:.1f} s (print, check, metadata) — "
            f"{total / TARGET_SECONDS:.0%} of the {TARGET_SECONDS:.0f} s target"
        )
        print(f"  {'PDF':<52} {'print s':>8} {'pages':>6} {'size KB':>8}")
        size_total = 0
        for pdf, seconds in per_pdf.items():
            path = site / pdf
            size = path.stat().st_size
            size_total += size
            pages = len(PdfReader(path).pages)
            print(f"  {pdf:<52} {statistics.median(seconds):>8.2f} {pages:>6} {size / 1024:>8.0f}")
        print(f"  all PDFs in {HANDOUTS_DIR}/: {size_total / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
