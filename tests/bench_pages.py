"""Benchmark page weight and Lighthouse scores, side by side with a plain Material build of the same pages.

Run with `make bench` (or `python tests/bench_pages.py [--all]`). Builds the guide and a plain Material site
(same docs and Markdown extensions; no overrides, no hooks) into a temporary folder, serves each on
127.0.0.1 with gzip as GitHub Pages does, and prints for each page:

- bytes transferred on a first load (gzip, headers included): critical (the HTML, CSS and JS the page
  references) and deferred (search worker and index), the number of requests, and third-party bytes;
- Lighthouse (mobile, default throttling, headless system Chromium): performance, accessibility,
  best practices, SEO, FCP and LCP. A representative set of pages by default, every page with --all.

It prints figures and whether each target is met (or by how much it is missed); it asserts nothing.
Targets: critical <= 70 KB, 0 third-party bytes, performance >= 0.98, the other scores 1.0, LCP <= 1.5 s.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

from ivig_guide.browser import find_chromium, launch  # noqa: E402
from ivig_guide.serve import free_port, serve  # noqa: E402

LIGHTHOUSE = ROOT / "tests" / "node" / "node_modules" / ".bin" / "lighthouse"
REPRESENTATIVE = ["", "anaphylaxis/", "when-to-get-help/", "side-effects/"]
CRITICAL_KB, PERFORMANCE, LCP_S = 70.0, 0.98, 1.5
DEFERRED = ("/search/search_index.json", "/assets/javascripts/workers/", "/pagefind/")


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


def measure_transfer(browser: object, base: str, page: str, site: Path | None = None) -> dict[str, float]:
    """Load ``page`` in a fresh context (empty cache); return KB transferred by kind, and the request count."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    tab = context.new_page()
    requests = []
    tab.on("requestfinished", lambda request: requests.append(request))
    tab.goto(base + page, wait_until="load")
    tab.wait_for_load_state("networkidle")
    figures = {"critical": 0.0, "deferred": 0.0, "other": 0.0, "third_party": 0.0, "requests": len(requests)}
    for request in requests:
        sizes = request.sizes()
        body = sizes["responseBodySize"]
        url = urlsplit(request.url)
        if not body and site is not None and (site / url.path.lstrip("/")).is_file():
            # Chromium reports no sizes for what a web worker fetches: count the file as the server gzips it.
            body = len(gzip.compress((site / url.path.lstrip("/")).read_bytes()))
        kb = (body + sizes["responseHeadersSize"]) / 1024
        if url.hostname not in ("127.0.0.1", "localhost"):
            figures["third_party"] += kb
        elif url.path.endswith(DEFERRED) or any(part in url.path for part in DEFERRED):
            figures["deferred"] += kb
        elif request.resource_type in ("document", "stylesheet", "script"):
            figures["critical"] += kb
        else:
            figures["other"] += kb
    context.close()
    return figures


def lighthouse(url: str, chromium: str) -> dict[str, float]:
    """Run Lighthouse (mobile) on ``url``; return the four category scores and FCP/LCP in seconds."""
    ran = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            "--output-path=stdout",
            "--quiet",
            "--form-factor=mobile",
            "--chrome-flags=--headless --no-sandbox --disable-gpu",
        ],
        env={**os.environ, "CHROME_PATH": chromium},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if ran.returncode != 0:
        raise SystemExit(f"Lighthouse failed on {url}:\n{ran.stderr[-2000:]}")
    report = json.loads(ran.stdout)
    scores = {name: report["categories"][name]["score"] for name in ("performance", "accessibility")}
    scores["best-practices"] = report["categories"]["best-practices"]["score"]
    scores["seo"] = report["categories"]["seo"]["score"]
    scores["fcp"] = report["audits"]["first-contentful-paint"]["numericValue"] / 1000
    scores["lcp"] = report["audits"]["largest-contentful-paint"]["numericValue"] / 1000
    return scores


def _verdict(value: float, target: float, *, at_most: bool, unit: str = "") -> str:
    met = value <= target if at_most else value >= target
    if met:
        return "met"
    return f"off by {abs(value - target):.2f}{unit}"


def main(argv: list[str]) -> int:
    """Build both sites, measure them and print the comparison."""
    every_page = "--all" in argv
    if not LIGHTHOUSE.exists():
        print(f"error: {LIGHTHOUSE} is missing; run `make bench` (it installs the Node tools).", file=sys.stderr)
        return 1
    chromium = find_chromium()
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as temp:
        temp_path = Path(temp)
        ports = {"guide": free_port(), "material": free_port()}
        sites = {name: temp_path / name for name in ports}
        build(None, sites["guide"], f"http://127.0.0.1:{ports['guide']}/")
        build(plain_config(temp_path, f"http://127.0.0.1:{ports['material']}/"), sites["material"], "")
        from screenshots import site_pages

        pages = site_pages(sites["guide"]) if every_page else REPRESENTATIVE
        results: dict[str, dict[str, dict[str, float]]] = {name: {} for name in sites}
        with serve(sites["guide"], port=ports["guide"]) as guide, serve(sites["material"], port=ports["material"]) as m:
            served = {"guide": guide.url, "material": m.url}
            with launch() as browser:
                for name, base in served.items():
                    for page in pages:
                        results[name][page] = measure_transfer(browser, base, page, sites[name])
            for name, base in served.items():
                for page in pages:
                    results[name][page].update(lighthouse(base + page, chromium))
    _print(results, pages)
    return 0


def _print(results: dict[str, dict[str, dict[str, float]]], pages: list[str]) -> None:
    header = (
        f"{'page':<20} {'build':<9} {'critical KB':>11} {'deferred KB':>11} {'requests':>8} {'3rd-party':>9} "
        f"{'perf':>5} {'a11y':>5} {'b-p':>5} {'seo':>5} {'FCP s':>6} {'LCP s':>6}"
    )
    print("Page weight (gzip, first load, phone) and Lighthouse mobile, guide vs plain Material")
    print(header)
    print("-" * len(header))
    for page in pages:
        for name in ("guide", "material"):
            r = results[name][page]
            print(
                f"{'/' + page:<20} {name:<9} {r['critical']:>11.1f} {r['deferred']:>11.1f} {r['requests']:>8} "
                f"{r['third_party']:>9.1f} {r['performance']:>5.2f} {r['accessibility']:>5.2f} "
                f"{r['best-practices']:>5.2f} {r['seo']:>5.2f} {r['fcp']:>6.2f} {r['lcp']:>6.2f}"
            )
    print()
    print("Targets for the guide:")
    for page in pages:
        r = results["guide"][page]
        checks = [
            ("critical", f"{r['critical']:.1f} KB <= {CRITICAL_KB:.0f}", r["critical"], CRITICAL_KB, True, " KB"),
            ("third-party", f"{r['third_party']:.1f} KB = 0", r["third_party"], 0.0, True, " KB"),
            ("performance", f"{r['performance']:.2f} >= {PERFORMANCE}", r["performance"], PERFORMANCE, False, ""),
            ("accessibility", f"{r['accessibility']:.2f} = 1", r["accessibility"], 1.0, False, ""),
            ("best practices", f"{r['best-practices']:.2f} = 1", r["best-practices"], 1.0, False, ""),
            ("SEO", f"{r['seo']:.2f} = 1", r["seo"], 1.0, False, ""),
            ("LCP", f"{r['lcp']:.2f} s <= {LCP_S}", r["lcp"], LCP_S, True, " s"),
        ]
        print(f"  /{page}")
        for label, figure, value, target, at_most, unit in checks:
            print(f"    {label} {figure}: {_verdict(value, target, at_most=at_most, unit=unit)}")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
