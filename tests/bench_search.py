"""Benchmark the search engines on the query set: top-1 and top-3 rates per language, through each engine's own API.

Run with `make bench` (or `python tests/bench_search.py [--misses]`). Builds the guide once with its search
(Pagefind) and once with Material's search plugin enabled, and serves the first build with Material's index
(`search/search_index.json`) copied in, so every engine searches the same built pages. In one Chromium, from a
page of each edition (the reader's page: Pagefind picks that edition's index), it runs every query of
tests/search_queries.yml through:

- `material`: Material's search worker with the index as built (its config: stop-word filter only);
- `material-tuned`: the same worker with what Material's `search` config allows: `pipeline: [stemmer,
  stopWordFilter, trimmer]` (its `lang` is already `[en, es]`; `separator` as configured);
- `pagefind`: Pagefind's JavaScript API (`pagefind.js`), with the bundle the guide's build writes;
- `guide`: the guide's search box over Pagefind (`assets/javascripts/search.js`, `pgSearch.find`): stop words left
  out, each word on its own when no page has them all, and results kept only when they match a word typed.

Each engine runs twice: with the pages' front-matter `tags:` and without them (Material: the index's tags
removed; Pagefind: a second bundle indexed from a copy without the hidden tags), to report which queries pass
only through tags. It prints figures and asserts nothing; the pass marks are held by tests/test_search_browser.py.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import lxml.html
import yaml
from search_support import Query, Score, passes, read_queries

from ivig_guide.browser import launch
from ivig_guide.search_index import BUNDLE, TAGS_CLASS, default_first, pagefind_command
from ivig_guide.serve import free_port, serve
from ivig_guide.settings import read_settings

ROOT = Path(__file__).resolve().parent.parent
NO_TAGS_BUNDLE = "pagefind-notags"
TUNED_PIPELINE = ["stemmer", "stopWordFilter", "trimmer"]
MAX_RESULTS = 10

MATERIAL_JS = """async ({worker, index, queries, max}) => {
  const search = new Worker(worker);
  const call = (message) => new Promise((resolve) => {
    search.onmessage = (event) => resolve(event.data);
    search.postMessage(message);
  });
  await call({type: 0, data: {...index, options: {suggest: false}}});
  const found = [];
  for (const query of queries) {
    const result = await call({type: 2, data: query});
    found.push(result.data.items.slice(0, max).map((group) => group[0].location.split("#")[0]));
  }
  search.terminate();
  return found;
}"""

PAGEFIND_JS = """async ({bundle, queries, max}) => {
  const pagefind = await import(bundle + "pagefind.js");
  await pagefind.options({basePath: bundle});
  await pagefind.init();
  const found = [];
  for (const query of queries) {
    const search = await pagefind.search(query);
    const pages = await Promise.all(search.results.slice(0, max).map((result) => result.data()));
    found.push(pages.map((page) => page.url.replace(/^\\//, "")));
  }
  return found;
}"""


GUIDE_JS = """async ({queries, max}) => {
  const found = [];
  for (const query of queries) {
    const pages = await window.pgSearch.find(query);
    found.push(pages.slice(0, max).map((page) => new URL(page.url, location.href).pathname.replace(/^\\//, "")));
  }
  return found;
}"""


class _Loader(yaml.SafeLoader):
    """Read mkdocs.yml, taking each ``!ENV [NAME, default]`` as its default."""


_Loader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1])


def build(destination: Path, port: int, *, settings: str | None = None) -> None:
    """Build the guide into ``destination`` (``settings``: YAML laid over mkdocs.yml); stop with the log if it fails."""
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(destination)]
    if settings is not None:
        command[4:4] = ["--config-file", "-"]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": f"http://127.0.0.1:{port}/"}
    stdin = f"INHERIT: mkdocs.yml\n{settings}" if settings is not None else None
    ran = subprocess.run(command, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, check=False)
    if ran.returncode != 0:
        raise SystemExit(f"build failed:\n{ran.stderr}")


def material_settings() -> str:
    """Return the YAML that turns Material's search plugin on (the plugin list, which INHERIT replaces whole)."""
    plugins = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)["plugins"]
    for plugin in plugins:
        if isinstance(plugin, dict) and "search" in plugin:
            plugin["search"]["enabled"] = True
    return yaml.safe_dump({"plugins": plugins}, sort_keys=False, allow_unicode=True)


def index_without_tags(site: Path, temp: Path) -> None:
    """Index a copy of the site whose pages lost their hidden tags into ``site/pagefind-notags/``."""
    copy = temp / "notags"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns(BUNDLE))
    for path in copy.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if TAGS_CLASS not in text:
            continue
        root = lxml.html.document_fromstring(text)
        for element in root.find_class(TAGS_CLASS):
            element.getparent().remove(element)
        path.write_bytes(lxml.html.tostring(root, doctype="<!doctype html>", encoding="utf-8"))
    command = [*pagefind_command(), "--site", str(copy), "--output-path", str(site / NO_TAGS_BUNDLE), "--quiet"]
    subprocess.run(command, check=True, capture_output=True)


def run_engines(
    site: Path, port: int, queries: Sequence[Query], languages: Sequence[str]
) -> dict[str, list[list[str]]]:
    """Return, for each engine variant, the result pages of every query (in the order of ``queries``)."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    tuned = {**index, "config": {**index["config"], "pipeline": TUNED_PIPELINE}}
    untagged = [{key: value for key, value in doc.items() if key != "tags"} for doc in index["docs"]]
    worker = "/" + next(site.glob("assets/javascripts/workers/search.*.min.js")).relative_to(site).as_posix()
    variants = {
        "material": (MATERIAL_JS, {"worker": worker, "index": index}),
        "material (no tags)": (MATERIAL_JS, {"worker": worker, "index": {**index, "docs": untagged}}),
        "material-tuned": (MATERIAL_JS, {"worker": worker, "index": tuned}),
        "material-tuned (no tags)": (MATERIAL_JS, {"worker": worker, "index": {**tuned, "docs": untagged}}),
        "pagefind": (PAGEFIND_JS, {"bundle": f"/{BUNDLE}/"}),
        "pagefind (no tags)": (PAGEFIND_JS, {"bundle": f"/{NO_TAGS_BUNDLE}/"}),
        "guide": (GUIDE_JS, {}),
    }
    settings = read_settings(ROOT / "mkdocs.yml")
    found: dict[str, list[list[str]]] = {name: [[] for _ in queries] for name in variants}
    with serve(site, port=port) as served, launch() as browser:
        page = browser.new_page()
        for lang in languages:
            chosen = [number for number, query in enumerate(queries) if query.lang == lang]
            page.goto(served.url + settings.edition_prefix(lang), wait_until="load")
            for name, (script, args) in variants.items():
                results = page.evaluate(script, {**args, "queries": [queries[n].q for n in chosen], "max": MAX_RESULTS})
                for number, pages in zip(chosen, results, strict=True):
                    found[name][number] = pages
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Build, search every query with every engine, and print the table and the tag-only queries."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every query that misses its pass mark")
    options = parser.parse_args(argv)
    queries = read_queries()
    settings = read_settings(ROOT / "mkdocs.yml")
    languages = default_first(settings.languages, settings.default_language)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-search-") as folder:
        temp = Path(folder)
        site, material_site = temp / "site", temp / "material"
        build(site, port)
        build(material_site, port, settings=material_settings())
        shutil.copytree(material_site / "search", site / "search")
        index_without_tags(site, temp)
        found = run_engines(site, port, queries, languages)

    counts = ", ".join(f"{sum(query.lang == lang for query in queries)} {lang}" for lang in languages)
    print(f"Search on {len(queries)} queries ({counts})")
    print("Top-1 / top-3: a right page first / among the first 3. Emergency: the first-aid page first.")
    print("Out of scope: queries the guide does not cover that get no result.")
    print()
    print("| Engine | Lang | Top-1 | Top-3 | Emergency first | Out of scope, no result |")
    print("|---|---|---|---|---|---|")
    for name, results in found.items():
        for lang in languages:
            score = Score()
            for query, pages in zip(queries, results, strict=True):
                if query.lang == lang:
                    score.add(query, pages)
            print(
                f"| {name} | {lang} | {score.top1 / score.total:.0%} | {score.top3 / score.total:.0%} "
                f"| {score.emergency_first}/{score.emergency} | {score.silent}/{score.out_of_scope} |"
            )
    for engine in ("material", "material-tuned", "pagefind"):
        only_tags = [
            str(query)
            for query, tagged, untagged in zip(queries, found[engine], found[f"{engine} (no tags)"], strict=True)
            if query.in_scope and passes(query, tagged) and not passes(query, untagged)
        ]
        print(f"\n{engine}: {len(only_tags)} queries pass only through front-matter tags:")
        print("  " + ", ".join(only_tags) if only_tags else "  none")
    if options.misses:
        for engine in ("material", "material-tuned", "pagefind", "guide"):
            print(f"\n{engine}: queries that miss their pass mark:")
            for query, pages in zip(queries, found[engine], strict=True):
                if not passes(query, pages):
                    print(f"  {query} line {query.line}: expected {list(query.pages) or 'nothing'}, found {pages[:3]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
