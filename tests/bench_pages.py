"""Benchmark the first load and Lighthouse scores, side by side with a plain Material build, against budgets.

Run with `make bench` (or `python tests/bench_pages.py [--all] [--runs N]`). Builds the guide and a plain
Material site (same docs, nav and Markdown extensions; none of the guide's hooks, overrides or CSS) into a
temporary folder, serves each on 127.0.0.1 with gzip as GitHub Pages does, runs Lighthouse (mobile, default
simulated throttling, headless system Chromium) three times on each page, and prints for each page and build:

- Lighthouse's four category scores, FCP and LCP (the median of the runs);
- the first load: gzip bytes (level 9) of the HTML plus every render-blocking stylesheet and script, read from
  the trace of the first run the way Lighthouse 13's render-blocking insight reads it (Lighthouse 12.2.3's own
  audit crashes on Chromium 156 traces): a request is render-blocking when the trace marks it so (not
  ``non_blocking``, ``dynamically_injected_non_blocking`` nor ``potentially_blocking``; an in-body one only at
  the highest priority, or a script at high priority) and it was sent before the first contentful paint;
- everything loaded (all requests' transfer), and third-party bytes;
- for the guide, what the first 14,000 gzip bytes of each page's HTML hold (one round trip's TCP window).

Budgets, each printed PASS or FAIL (the exit status is 1 if any fails): the emergency pages (every page with a
guarded section, in every language, and each edition's banner target, from the lock and mkdocs.yml) paint
(FCP) and show their largest content (LCP) within 0.9 s and fit in 14,000 gzip bytes; every page measured
scores 100 in all four categories; the first load of the home page, the emergency pages and "Side effects" is
at most 1.05 times the plain build's. Timing figures depend on the machine: the load average is printed
before and after, with a warning when the machine was busier than its cores.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

from ivig_guide.browser import find_chromium  # noqa: E402
from ivig_guide.first_paint import FIRST_WINDOW, STYLE_ATTRIBUTE  # noqa: E402
from ivig_guide.serve import free_port, serve  # noqa: E402

LIGHTHOUSE = ROOT / "tests" / "node" / "node_modules" / ".bin" / "lighthouse"
#: Pages whose first load is compared with the plain build, besides the emergency pages.
COMPARED = ["", "side-effects/"]
FCP_S = LCP_S = 0.9
FIRST_LOAD_RATIO = 1.05
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
#: The trace's render-blocking values that do not block (as Lighthouse 13's render-blocking insight reads them).
NON_BLOCKING = frozenset({"non_blocking", "dynamically_injected_non_blocking", "potentially_blocking"})


class _Loader(yaml.SafeLoader):
    """Read mkdocs.yml, taking each ``!ENV [NAME, default]`` as its default."""


_Loader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1])
_Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda loader, suffix, node: None)


def plain_config(directory: Path, site_url: str) -> Path:
    """Write a mkdocs.yml for plain Material: our docs, nav and Markdown extensions, nothing of our theme."""
    ours = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    config = {
        "site_name": ours["site_name"],
        "site_description": ours.get("site_description"),
        "site_url": site_url,
        "docs_dir": str(ROOT / "docs"),
        "theme": {"name": "material", "font": False, "language": "en"},
        "plugins": ["search"],
        "markdown_extensions": ours["markdown_extensions"],
        "nav": ours["nav"],
        # The Spanish pages (docs/<page>.es.md) have no place in a one-language build.
        "exclude_docs": "*.es.md\n",
    }
    path = directory / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def build(config: Path | None, destination: Path, site_url: str) -> None:
    """Build a site (ours when ``config`` is None) into ``destination``; stop with the log if it fails."""
    command = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(destination)]
    if config is not None:
        command += ["--config-file", str(config)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": site_url}
    ran = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if ran.returncode != 0:
        raise SystemExit(f"build failed ({config or 'mkdocs.yml'}):\n{ran.stderr}")


def gzip_bytes(path: Path) -> int:
    """Return a file's size gzip-compressed at level 9, as the first window is counted."""
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def site_file(site: Path, url: str) -> Path | None:
    """Return the built file a loopback URL is served from, or None (another host, a data: URL)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.hostname not in ("127.0.0.1", "localhost"):
        return None
    path = site / parts.path.lstrip("/")
    if parts.path.endswith("/"):
        path = path / "index.html"
    return path if path.is_file() else None


@dataclass
class Run:
    """One Lighthouse run of one page: scores, metrics, and (first run only) the render-blocking requests."""

    scores: dict[str, float]
    fcp: float
    lcp: float
    transferred: int  # bytes of every request, headers included
    third_party: int
    blocking: list[str] = field(default_factory=list)  # URLs of render-blocking stylesheets and scripts


def render_blocking(trace: list[dict]) -> list[str]:
    """Return the URLs of the stylesheets and scripts a trace marks as render-blocking, sent before the first paint."""
    paints = [event["ts"] for event in trace if event.get("name") == "firstContentfulPaint"]
    first_paint = min(paints) if paints else float("inf")
    blocking = []
    for event in trace:
        if event.get("name") != "ResourceSendRequest":
            continue
        data = event.get("args", {}).get("data", {})
        status = data.get("renderBlocking")
        if not status or status in NON_BLOCKING or event["ts"] >= first_paint:
            continue
        if status == "in_body_parser_blocking":
            priority = data.get("priority")
            is_script = data.get("url", "").split("?")[0].endswith(".js")
            if priority != "VeryHigh" and not (is_script and priority == "High"):
                continue
        blocking.append(data["url"])
    return blocking


def lighthouse(url: str, chromium: str, out: Path, *, trace: bool) -> Run:
    """Run Lighthouse (mobile, default throttling) on ``url``; with ``trace``, read its render-blocking requests."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={out}",
        "--quiet",
        "--form-factor=mobile",
        "--chrome-flags=--headless --no-sandbox --disable-gpu",
    ]
    if trace:
        command.append("--save-assets")
    ran = subprocess.run(
        command,
        env={**os.environ, "CHROME_PATH": chromium},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if ran.returncode != 0:
        raise SystemExit(f"Lighthouse failed on {url}:\n{ran.stderr[-2000:]}")
    report = json.loads(out.read_text(encoding="utf-8"))
    requests = report["audits"]["network-requests"]["details"]["items"]
    host = urlsplit(url).hostname
    run = Run(
        scores={name: report["categories"][name]["score"] for name in CATEGORIES},
        fcp=report["audits"]["first-contentful-paint"]["numericValue"] / 1000,
        lcp=report["audits"]["largest-contentful-paint"]["numericValue"] / 1000,
        transferred=sum(int(item.get("transferSize") or 0) for item in requests),
        third_party=sum(
            int(item.get("transferSize") or 0)
            for item in requests
            if urlsplit(item["url"]).hostname not in (host, None) and urlsplit(item["url"]).scheme.startswith("http")
        ),
    )
    if trace:
        trace_file = out.with_name(out.stem + "-0.trace.json")
        events = json.loads(trace_file.read_text(encoding="utf-8"))
        run.blocking = render_blocking(events["traceEvents"] if isinstance(events, dict) else events)
    return run


@dataclass
class Measured:
    """The median of a page's Lighthouse runs, and its first load."""

    scores: dict[str, float]
    fcp: float
    lcp: float
    transferred: int
    third_party: int
    first_load: int  # gzip bytes: the HTML and its render-blocking stylesheets and scripts
    blocking: list[str]


def measure(site: Path, base: str, page: str, chromium: str, runs: int, folder: Path) -> Measured:
    """Run Lighthouse ``runs`` times on a page and return the medians and the first load."""
    done = [lighthouse(base + page, chromium, folder / f"run-{n}.json", trace=n == 0) for n in range(runs)]
    blocking = done[0].blocking
    html = site_file(site, base + page)
    assert html is not None, f"{base + page} is not a built file"
    files = [site_file(site, url) for url in blocking]
    first_load = gzip_bytes(html) + sum(gzip_bytes(path) for path in files if path is not None)
    return Measured(
        scores={name: statistics.median(run.scores[name] for run in done) for name in CATEGORIES},
        fcp=statistics.median(run.fcp for run in done),
        lcp=statistics.median(run.lcp for run in done),
        transferred=int(statistics.median(run.transferred for run in done)),
        third_party=max(run.third_party for run in done),
        first_load=first_load,
        blocking=[urlsplit(url).path for url in blocking],
    )


def first_window(html: str) -> tuple[int, int, int, list[str]]:
    """Return the gzip size, how many HTML bytes the first 14,000 gzip bytes hold, the HTML size, and what they hold."""
    data = html.encode("utf-8")
    compressed = gzip.compress(data, compresslevel=9, mtime=0)
    prefix = zlib.decompressobj(wbits=31).decompress(compressed[:FIRST_WINDOW])
    held = len(prefix)

    def ends(marker: str, closing: str, start: int = 0) -> int | None:
        at = data.find(marker.encode(), start)
        if at < 0:
            return None
        end = data.find(closing.encode(), at)
        return None if end < 0 else end + len(closing)

    parts = [
        ("first-paint CSS", ends(f"<style {STYLE_ATTRIBUTE}", "</style>")),
        ("banner", ends('data-md-component="announce"', "</aside>")),
        ("header", ends("<header", "</header>")),
    ]
    start = 0
    while (at := data.find(b"data-pg-safety=", start)) >= 0:
        id_at = data.find(b'id="', at)
        section_id = data[id_at + 4 : data.find(b'"', id_at + 4)].decode() if 0 <= id_at < at + 300 else "?"
        parts.append((f"section {section_id}", ends("data-pg-safety=", "</section>", at)))
        start = at + 1
    parts += [("article", ends("<article", "</article>")), ("whole page", len(data))]
    held_parts = [
        f"{name} {'in' if end is not None and end <= held else 'NOT in'} ({end or 0:,} B)" for name, end in parts
    ]
    return len(compressed), held, len(data), held_parts


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min; {os.cpu_count()} cores)"


def main(argv: list[str]) -> int:
    """Build both sites, measure them, print the comparison and the budgets; return 1 if a budget fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="every page of the guide, not only the budgeted ones")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (the median is kept)")
    options = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        print(f"error: {LIGHTHOUSE} is missing; run `make bench` (it installs the Node tools).", file=sys.stderr)
        return 1
    from first_paint_support import FIRST_PAINT_PAGES

    chromium = find_chromium()
    loads = [_load()]
    print(f"Load average before: {loads[0]}")
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as temp:
        temp_path = Path(temp)
        ports = {"guide": free_port(), "material": free_port()}
        sites = {name: temp_path / name for name in ports}
        build(None, sites["guide"], f"http://127.0.0.1:{ports['guide']}/")
        build(plain_config(temp_path, f"http://127.0.0.1:{ports['material']}/"), sites["material"], "")
        from screenshots import site_pages

        emergency = list(FIRST_PAINT_PAGES)
        pages = list(dict.fromkeys([*COMPARED[:1], *emergency, *COMPARED[1:]]))
        if options.all:
            pages = list(dict.fromkeys([*pages, *site_pages(sites["guide"])]))
        results: dict[str, dict[str, Measured]] = {"guide": {}, "material": {}}
        with serve(sites["guide"], port=ports["guide"]) as guide, serve(sites["material"], port=ports["material"]) as m:
            served = {"guide": guide.url, "material": m.url}
            for name, base in served.items():
                for page in pages:
                    if site_file(sites[name], base + page) is None:
                        continue  # the plain build has one language
                    folder = temp_path / "lighthouse" / name / (page.strip("/").replace("/", "-") or "home")
                    folder.mkdir(parents=True)
                    results[name][page] = measure(sites[name], base, page, chromium, options.runs, folder)
        windows = {page: first_window((sites["guide"] / page / "index.html").read_text("utf-8")) for page in pages}
    loads.append(_load())
    failures = _print(results, pages, emergency, windows, runs=options.runs)
    print(f"\nLoad average before: {loads[0]}; after: {loads[1]}")
    busiest = max(float(load.split()[0]) for load in loads)
    if busiest > (os.cpu_count() or 1):
        print(
            f"Warning: the machine was busier ({busiest:.1f}) than its {os.cpu_count()} cores: Lighthouse scales the "
            "CPU time it observes, so FCP, LCP, total blocking time and the performance score read worse than on an "
            "idle machine. The byte counts do not depend on it."
        )
    print(f"{failures} budget(s) failed." if failures else "Every budget passed.")
    return 1 if failures else 0


def _print(
    results: dict[str, dict[str, Measured]],
    pages: list[str],
    emergency: list[str],
    windows: dict[str, tuple[int, int, int, list[str]]],
    *,
    runs: int,
) -> int:
    header = (
        f"{'page':<24} {'build':<9} {'first load':>10} {'all loaded':>10} {'3rd-party':>9} "
        f"{'perf':>5} {'a11y':>5} {'b-p':>5} {'seo':>5} {'FCP s':>6} {'LCP s':>6}"
    )
    print(f"\nLighthouse mobile (median of {runs}), first load in gzip bytes (HTML + render-blocking CSS and JS)")
    print(header)
    print("-" * len(header))
    for page in pages:
        for name in ("guide", "material"):
            r = results[name].get(page)
            if r is None:
                continue
            s = r.scores
            print(
                f"{'/' + page:<24} {name:<9} {r.first_load:>10,} {r.transferred:>10,} {r.third_party:>9,} "
                f"{s['performance']:>5.2f} {s['accessibility']:>5.2f} {s['best-practices']:>5.2f} {s['seo']:>5.2f} "
                f"{r.fcp:>6.2f} {r.lcp:>6.2f}"
            )
            print(f"{'':<24} {'':<9} render-blocking: {', '.join(r.blocking) or 'none'}")
    print("\nThe guide's first 14,000 gzip bytes (one round trip):")
    for page in pages:
        size, held, total, parts = windows[page]
        print(f"  /{page}: {size:,} gzip bytes in all; the first window holds {held:,} of {total:,} HTML bytes")
        print("    " + "; ".join(parts))
    checks: list[tuple[str, bool]] = []
    for page in emergency:
        r = results["guide"][page]
        checks.append((f"/{page} FCP {r.fcp:.2f} s <= {FCP_S}", r.fcp <= FCP_S))
        checks.append((f"/{page} LCP {r.lcp:.2f} s <= {LCP_S}", r.lcp <= LCP_S))
        size = windows[page][0]
        checks.append((f"/{page} HTML {size:,} gzip bytes <= {FIRST_WINDOW:,}", size <= FIRST_WINDOW))
    for page in pages:
        r = results["guide"][page]
        low = {name: score for name, score in r.scores.items() if score < 1}
        below = ", ".join(f"{name} {score:.2f}" for name, score in low.items()) or "all 1.00"
        checks.append((f"/{page} 100 in all four categories ({below})", not low))
    for page in dict.fromkeys([*COMPARED[:1], *emergency, *COMPARED[1:]]):
        ours, plain = results["guide"].get(page), results["material"].get(page)
        if ours is None or plain is None:
            continue
        ratio = ours.first_load / plain.first_load
        label = (
            f"/{page} first load {ours.first_load:,} B = {ratio:.2f}x plain ({plain.first_load:,} B)"
            f" <= {FIRST_LOAD_RATIO}x"
        )
        checks.append((label, ratio <= FIRST_LOAD_RATIO))
    print("\nBudgets:")
    for label, ok in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {label}")
    return sum(1 for _label, ok in checks if not ok)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
