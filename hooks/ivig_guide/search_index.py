"""The guide's search index: which copies of a page are found, the words they are found by, and Pagefind's run.

Readers search with Pagefind (https://pagefind.app), which indexes the built HTML after the build, one index
per ``<html lang>``, so each edition searches its own pages, with stemming ("fainted" finds "fainting") and
accents folded ("guia" finds "guía"). Only reader pages are indexed: each gets ``data-pagefind-body`` on its
content area (``<article>``), and Pagefind leaves out every page without it: the embed pages and fragments,
the print pages and the 404 page, which are copies or chrome, never answers.

A page's front-matter ``tags:`` are the words readers search for that its text does not use (brand names,
misspellings, British spellings). They are indexed from a ``hidden`` element after the article, marked as a
second body: no reader or screen reader sees them, and no check of the article's text counts them.

Pagefind's WebAssembly runs in a web worker, which the page's ``<meta>`` Content-Security-Policy does not
govern, so the policy needs no ``'wasm-unsafe-eval'``. It cannot run from ``file://``: a copy opened from
disk has no search.

Works on strings and folders; knows nothing of MkDocs. ``python -m ivig_guide.search_index site`` indexes and
checks a built folder.
"""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ivig_guide.addresses import EMBED_DIR, split_url
from ivig_guide.errors import OutputError

#: The folder of the built site that holds the search bundle (Pagefind's default).
BUNDLE = "pagefind"
#: The attribute that tells Pagefind what to index on a page.
BODY = "data-pagefind-body"
#: The content area of a reader page, as Material 9.8 writes it; exactly one per page.
ARTICLE_START = '<article class="md-content__inner md-typeset">'
#: The class of the hidden element that holds a page's tags.
TAGS_CLASS = "pg-search-tags"
#: How much more a tag counts than a word of the text (Pagefind weights run from 0 to 10; headings get 5 to 7).
TAGS_WEIGHT = 10
#: The result metadata that repeats the tags, so the search box can tell a match in the tags from one in the text.
TAGS_META = "pg_tags"
#: Folders of copies of pages, in every edition, that are never search results.
COPY_FOLDERS = (EMBED_DIR, "print", "handouts")


class SearchIndexError(OutputError):
    """A page cannot be marked, or Pagefind failed, or its index is not what the build should have made."""


def mark_reader_page(page_html: str, *, tags: Sequence[str] = (), page: str = "<page>") -> str:
    """Return a reader page marked for the index: its ``<article>`` as the body, its tags after it, hidden.

    Raises :class:`SearchIndexError` when the page has no content area, or more than one.
    """
    count = page_html.count(ARTICLE_START)
    if count != 1:
        raise SearchIndexError(
            f"{page}: expected one content area ({ARTICLE_START}), found {count}; the search index needs it to "
            "know what to index. Check overrides/main.html still extends Material's base.html."
        )
    start = page_html.index(ARTICLE_START)
    marked = ARTICLE_START.replace("<article ", f"<article {BODY} ", 1)
    end = page_html.index("</article>", start) + len("</article>")
    after = render_tags(tags)
    return page_html[:start] + marked + page_html[start + len(ARTICLE_START) : end] + after + page_html[end:]


def render_tags(tags: Iterable[str]) -> str:
    """Return the hidden element that lets Pagefind find a page by its tags ('' when it has none)."""
    words = [" ".join(str(tag).split()) for tag in tags if str(tag).strip()]
    if not words:
        return ""
    text = html.escape(". ".join(words) + ".", quote=False)
    return (
        f'<div class="{TAGS_CLASS}" hidden {BODY} data-pagefind-weight="{TAGS_WEIGHT}" '
        f'data-pagefind-meta="{TAGS_META}">{text}</div>'
    )


def is_copy(path: str) -> bool:
    """Return whether a built file is a copy of a page that is never a search result (embed, print, 404)."""
    _edition, rest = split_url(path)
    return rest == "404.html" or rest.split("/", 1)[0] in COPY_FOLDERS


def marked_pages(folder: Path) -> dict[str, list[str]]:
    """Return the site-relative HTML files of ``folder`` that carry the index marker, by edition ('' default)."""
    found: dict[str, list[str]] = {}
    for path in sorted(folder.rglob("*.html")):
        name = path.relative_to(folder).as_posix()
        if name.startswith(f"{BUNDLE}/"):
            continue
        if f"{BODY}" in path.read_text(encoding="utf-8"):
            found.setdefault(split_url(name)[0], []).append(name)
    return found


@dataclass
class IndexResult:
    """What a run of Pagefind indexed: pages per language, and what it printed."""

    pages: dict[str, int] = field(default_factory=dict)  # language → pages in its index
    log: str = ""


def pagefind_command() -> list[str]:
    """Return the command that runs Pagefind (the binary of the ``pagefind[bin]`` package)."""
    try:
        from pagefind_bin import get_executable
    except ImportError:
        raise SearchIndexError(
            "Pagefind is not installed: run `make build` (it installs requirements/build.txt, with pagefind[bin])."
        ) from None
    return [str(get_executable())]


def index_folder(folder: Path, *, languages: Sequence[str]) -> IndexResult:
    """Index the reader pages of a built folder with Pagefind into ``folder/pagefind/``, then check the index.

    Raises :class:`SearchIndexError` (naming the file and the fix) when a copy of a page is marked, Pagefind
    fails, or an edition's index is missing or holds other pages than its marked ones.
    """
    marked = marked_pages(folder)
    copies = [name for names in marked.values() for name in names if is_copy(name)]
    if copies:
        raise SearchIndexError(
            f"{copies[0]}: a copy of a page (embed, print or 404) is marked for the search index ({BODY}); only "
            "reader pages may be. Render copies from their own templates, not from the marked page."
        )
    shutil.rmtree(folder / BUNDLE, ignore_errors=True)
    command = [*pagefind_command(), "--site", str(folder), "--output-subdir", BUNDLE]
    ran = subprocess.run(command, capture_output=True, text=True, check=False)
    if ran.returncode != 0:
        shutil.rmtree(folder / BUNDLE, ignore_errors=True)
        raise SearchIndexError(f"{folder}: Pagefind failed (exit {ran.returncode}):\n{ran.stdout}{ran.stderr}")
    result = IndexResult(pages=indexed_pages(folder), log=ran.stdout)
    problems = check_index(result.pages, marked=marked, languages=languages)
    if problems:
        raise SearchIndexError(f"{folder}/{BUNDLE}: " + "\n  ".join(problems))
    return result


def indexed_pages(folder: Path) -> dict[str, int]:
    """Return the pages in each language's index, from the bundle's ``pagefind-entry.json``."""
    entry = folder / BUNDLE / "pagefind-entry.json"
    try:
        languages = json.loads(entry.read_text(encoding="utf-8"))["languages"]
        return {lang: int(info["page_count"]) for lang, info in languages.items()}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise SearchIndexError(f"{entry}: cannot be read ({error}); run the build again.") from None


def check_index(indexed: dict[str, int], *, marked: dict[str, list[str]], languages: Sequence[str]) -> list[str]:
    """Return one problem per edition whose index is missing or does not hold exactly its marked pages."""
    problems = []
    default = languages[0] if languages else ""
    for lang in languages:
        edition = "" if lang == default else f"{lang}/"
        expected = len(marked.get(edition, []))
        if indexed.get(lang, 0) != expected:
            problems.append(
                f"the {lang!r} index holds {indexed.get(lang, 0)} pages, but {expected} pages of that edition are "
                f'marked; check that every page of the edition says <html lang="{lang}">.'
            )
    for lang in sorted(set(indexed) - set(languages)):
        problems.append(f"an index for {lang!r}, which is no edition of the guide: a page has a wrong <html lang>.")
    return problems


def default_first(languages: Iterable[str], default: str) -> list[str]:
    """Return the editions' languages with the default one first, as :func:`index_folder` takes them."""
    return sorted(languages, key=lambda lang: lang != default)


def main(argv: Sequence[str] | None = None) -> int:
    """Index a built folder: ``python -m ivig_guide.search_index site [--config mkdocs.yml]``."""
    import argparse

    from ivig_guide.errors import GuideError
    from ivig_guide.settings import read_settings

    parser = argparse.ArgumentParser(prog="python -m ivig_guide.search_index", description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"))
    options = parser.parse_args(argv)
    if not (options.folder / "index.html").is_file():
        parser.error(f"{options.folder}/index.html not found: run 'make build' first")
    try:
        settings = read_settings(options.config)
        languages = [
            settings.default_language,
            *(lang for lang in settings.languages if lang != settings.default_language),
        ]
        result = index_folder(options.folder, languages=languages)
    except GuideError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print("Search index: " + ", ".join(f"{count} pages in {lang!r}" for lang, count in result.pages.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
