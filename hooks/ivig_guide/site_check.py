"""The guard over a built folder, whatever built it: every page checked, then what spans pages, per language.

python -m ivig_guide.emergency check site --docs docs
"""

from __future__ import annotations

from pathlib import Path

from ivig_guide.addresses import split_source, split_url
from ivig_guide.emergency_blocks import KIND_ATTRIBUTE
from ivig_guide.lock import Lock
from ivig_guide.page_check import PageResult, check_build, check_page
from ivig_guide.rules import Finding
from ivig_guide.sections import page_language

PRINT_SOURCE_ATTRIBUTE = "data-pg-print-source"


def source_for(html_path: Path, site: Path, docs: Path | None, known: set[str]) -> str:
    """Return the Markdown source path that most likely produced a built HTML file."""
    edition, rel = split_url(html_path.relative_to(site).as_posix())
    if edition:
        lang = edition.rstrip("/")
        original = source_for(site / rel, site, docs, {split_source(page)[1] for page in known})
        return f"{original.removesuffix('.md')}.{lang}.md"
    if rel.endswith("/index.html") or rel == "index.html":
        stem = rel[: -len("index.html")].rstrip("/")
        candidates = [f"{stem}.md", f"{stem}/index.md", f"{stem}/README.md"] if stem else ["index.md", "README.md"]
    else:
        candidates = [rel[: -len(".html")] + ".md"]
    for candidate in candidates:
        if candidate in known or (docs is not None and (docs / candidate).is_file()):
            return candidate
    return candidates[0]


def check_site(site: Path, *, lock: Lock | None, number: str, lang: str, docs: Path | None = None) -> list[PageResult]:
    """Check every page of a built folder; return one result per page that has an ``<article>``."""
    known = {entry.page for entry in lock.entries.values()} if lock else set()
    results = []
    for html_path in sorted(site.rglob("*.html")):
        html = html_path.read_text(encoding="utf-8", errors="replace")
        if "<article" not in html and KIND_ATTRIBUTE not in html:
            continue  # redirect stubs, search, 404 without content
        if PRINT_SOURCE_ATTRIBUTE in html:
            continue  # print pages hold several pages' sections: ivig_guide.print_pages checks them part by part
        if split_url(html_path.relative_to(site).as_posix())[1].split("/")[0] == "embed":
            continue  # copies of the pages for portals: ivig_guide.embed.check_embeds checks them against the pages
        page = source_for(html_path, site, docs, known)
        source = (docs / page).read_text(encoding="utf-8") if docs and (docs / page).is_file() else None
        page_lang = page_language(html, lang)
        results.append(check_page(html, page=page, lock=lock, number=number, lang=page_lang, source=source))
    return results


def check_site_against_lock(results: list[PageResult], lock: Lock) -> list[Finding]:
    """Return every finding of a checked folder: each page's, then what spans pages, per language."""
    findings = [finding for result in results for finding in result.findings]
    # The source language is always checked, so that a folder missing its approved pages never passes.
    for lang in sorted({result.lang for result in results} | {lock.source_language}):
        in_lang = [result for result in results if result.lang == lang]
        findings += check_build(in_lang, lock=lock, lang=lang, built_pages={result.page for result in in_lang})
    return findings
