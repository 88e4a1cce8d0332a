"""The search index of the built guide: reader pages only, each edition its own index, tags hidden, policy unchanged.

The search itself, in the browser over the query set, is tested in tests/test_search_browser.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
import pytest
import yaml
from conftest import EDITION_PAGES, ROOT, SETTINGS, BuiltSite, build_site, page_html, source_of, url_of

from ivig_guide import csp, search_index
from ivig_guide.search_index import (
    BODY,
    BUNDLE,
    TAGS_CLASS,
    TAGS_META,
    SearchIndexError,
    index_folder,
    mark_reader_page,
)
from ivig_guide.serve import free_port

MATERIAL_HEADER = (
    Path(__import__("material").__file__).parent / "templates" / "partials" / "header.html"  # the installed theme
)
OUR_HEADER = ROOT / "overrides" / "partials" / "header.html"
#: The one change the guide's copy of Material's header makes.
HEADER_CHANGE = (
    '        {% include "partials/search.html" %}\n      {% endif %}\n    {% endif %}\n',
    '        {% include "partials/search.html" %}\n      {% endif %}\n    {% endif %}\n'
    '    {% if config.extra.pg_search %}\n      {% include "partials/pg-search.html" %}\n    {% endif %}\n',
)


def _tags(page: str) -> list[str]:
    text = source_of(page).read_text(encoding="utf-8")
    match = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    assert match, f"{source_of(page)} has no front matter"
    return [str(tag) for tag in (yaml.safe_load(match.group(1)) or {}).get("tags") or []]


def _lang(page: str) -> str:
    first = page.split("/", 1)[0]
    return first if first in SETTINGS.languages and "/" in page else SETTINGS.default_language


def test_header_copy_is_materials_with_one_change() -> None:
    """Keep the copy of Material's header partial equal to the installed one but for the search it adds.

    Fails when Material is upgraded and its header changed: copy the new one and make the same change.
    """
    theirs = MATERIAL_HEADER.read_text(encoding="utf-8").split("-#}\n", 1)[1]
    ours = OUR_HEADER.read_text(encoding="utf-8").split("-#}\n", 1)[1]
    assert theirs.count(HEADER_CHANGE[0]) == 1, "Material's header changed where the guide adds its search"
    assert ours == theirs.replace(*HEADER_CHANGE), "overrides/partials/header.html differs from Material's"
    assert __import__("material").__version__ in OUR_HEADER.read_text(encoding="utf-8")


@pytest.mark.parametrize("page", EDITION_PAGES)
def test_every_reader_page_is_marked_with_its_tags(built_site: BuiltSite, page: str) -> None:
    """Mark the content area of every reader page for the index, and its tags in a hidden element after it."""
    root = lxml.html.document_fromstring(page_html(built_site, url_of(page)))
    bodies = root.xpath(f"//*[@{BODY}]")
    assert [element.tag for element in bodies][:1] == ["article"]
    tags = root.find_class(TAGS_CLASS)
    expected = _tags(page)
    assert len(bodies) == 1 + bool(expected)
    if expected:
        assert tags[0].get("hidden") is not None and tags[0].getparent() is bodies[0].getparent()
        assert [tag.strip() for tag in tags[0].text_content().rstrip(".").split(". ")] == expected
        assert root.find(".//article").find_class(TAGS_CLASS) == [], "tags must stay out of the article"


def test_only_reader_pages_are_marked(built_site: BuiltSite) -> None:
    """Mark no embed page, fragment, print page or 404 page: exactly the reader pages of every edition."""
    marked = sorted(name for names in search_index.marked_pages(built_site.path).values() for name in names)
    assert marked == sorted(f"{url_of(page)}index.html" for page in EDITION_PAGES)


def test_each_edition_has_its_own_index_of_its_pages(built_site: BuiltSite) -> None:
    """Give each edition an index of its own language holding exactly its reader pages."""
    entry = json.loads((built_site.path / BUNDLE / "pagefind-entry.json").read_text(encoding="utf-8"))
    counts = {lang: info["page_count"] for lang, info in entry["languages"].items()}
    expected = {lang: sum(_lang(page) == lang for page in EDITION_PAGES) for lang in SETTINGS.languages}
    assert counts == expected
    for page in EDITION_PAGES:
        lang = lxml.html.document_fromstring(page_html(built_site, url_of(page))).get("lang")
        assert lang == _lang(page), f"{page} says lang={lang!r}: it would be searched from the wrong edition"


def test_the_policy_allows_no_eval_for_the_search(built_site: BuiltSite) -> None:
    """Keep every policy free of 'unsafe-eval' and 'wasm-unsafe-eval': Pagefind's WebAssembly runs in a worker."""
    assert "'unsafe-eval'" not in str(csp.BASE_POLICY) and "'wasm-unsafe-eval'" not in str(csp.BASE_POLICY)
    for path in built_site.path.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "unsafe-eval" not in text, f"{path.relative_to(built_site.path)} allows eval"


@pytest.mark.parametrize("page", EDITION_PAGES)
def test_the_search_loads_without_blocking_the_page(built_site: BuiltSite, page: str) -> None:
    """Load the search script deferred, with its button hidden until it runs, and Pagefind only on first use."""
    root = lxml.html.document_fromstring(page_html(built_site, url_of(page)))
    scripts = [script for script in root.iter("script") if "search.js" in (script.get("src") or "")]
    assert len(scripts) == 1 and scripts[0].get("defer") is not None
    assert "pagefind.js" not in page_html(built_site, url_of(page))
    button = root.find_class("pg-search-open")
    assert len(button) == 1 and button[0].get("hidden") is not None
    assert root.find_class("md-search") == [], "Material's search box is off when the guide's is on"


def test_embed_pages_have_no_search(built_site: BuiltSite) -> None:
    """Give the embed pages and fragments (for portals) no search box, no search script and no index marker."""
    paths = [*built_site.path.glob("embed/**/*.html"), *built_site.path.glob("*/embed/**/*.html")]
    assert paths
    for path in paths:
        root = lxml.html.fromstring(path.read_text(encoding="utf-8"))
        assert root.xpath("//*[contains(@class, 'pg-search')] | //script[contains(@src, 'search')]") == [], path
        assert root.xpath(f"//*[@{BODY}]") == [], path


# --------------------------------------------------------------------------- the module on its own

PAGE = (
    '<html lang="en"><head></head><body><article class="md-content__inner md-typeset"><h1>T</h1></article>'
    "</body></html>"
)


def test_mark_reader_page_adds_the_body_and_hidden_escaped_tags() -> None:
    """Mark the article, and add the tags after it, hidden and escaped."""
    marked = mark_reader_page(PAGE, tags=["epi pen", "<b>bold</b>"], page="t.md")
    root = lxml.html.document_fromstring(marked)
    assert root.find(".//article").get(BODY) is not None
    tags = root.find_class(TAGS_CLASS)[0]
    assert tags.text_content() == "epi pen. <b>bold</b>." and tags.get("hidden") is not None
    assert tags.get("data-pagefind-meta") == TAGS_META  # the search box tells matches in the tags apart
    assert root.find(".//b") is None
    assert mark_reader_page(PAGE, tags=[], page="t.md").count(TAGS_CLASS) == 0


def test_a_page_without_its_content_area_is_reported() -> None:
    """Name the page when it has no content area to mark."""
    with pytest.raises(SearchIndexError, match=r"^t\.md: expected one content area"):
        mark_reader_page("<html><body><p>no article</p></body></html>", page="t.md")


def _write(folder: Path, name: str, html: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")


def test_index_folder_indexes_each_language_and_refuses_a_marked_copy(tmp_path: Path) -> None:
    """Index each language's marked pages, and refuse to index a marked copy of a page, naming it."""
    _write(tmp_path, "index.html", mark_reader_page(PAGE, tags=["hives"]))
    _write(tmp_path, "es/index.html", mark_reader_page(PAGE.replace('lang="en"', 'lang="es"')))
    _write(tmp_path, "embed/index.html", PAGE)
    assert index_folder(tmp_path, languages=["en", "es"]).pages == {"en": 1, "es": 1}
    _write(tmp_path, "es/embed/index.html", mark_reader_page(PAGE))
    with pytest.raises(SearchIndexError, match=r"^es/embed/index\.html: a copy of a page"):
        index_folder(tmp_path, languages=["en", "es"])


def test_index_folder_reports_a_page_in_the_wrong_language(tmp_path: Path) -> None:
    """Report an edition whose index lacks its pages (a page with the wrong <html lang>)."""
    _write(tmp_path, "index.html", mark_reader_page(PAGE))
    _write(tmp_path, "es/index.html", mark_reader_page(PAGE))  # says lang="en"
    with pytest.raises(SearchIndexError, match="the 'es' index holds 0 pages, but 1 pages"):
        index_folder(tmp_path, languages=["en", "es"])


@pytest.mark.slow
def test_a_copy_with_materials_search_has_no_pagefind(tmp_path: Path) -> None:
    """Build with Material's search plugin enabled (a copy read from disk): Material's box, no Pagefind index."""
    plugins = yaml.safe_load(re.sub(r"!ENV \[[^\]]*\]", '""', (ROOT / "mkdocs.yml").read_text(encoding="utf-8")))[
        "plugins"
    ]
    for plugin in plugins:
        if isinstance(plugin, dict) and "search" in plugin:
            plugin["search"]["enabled"] = True
    site = build_site(tmp_path / "site", port=free_port(), settings=yaml.safe_dump({"plugins": plugins}))
    html = (site.path / "index.html").read_text(encoding="utf-8")
    assert 'data-md-component="search"' in html and "pg-search" not in html
    assert (site.path / "search" / "search_index.json").is_file()
    assert not (site.path / BUNDLE).exists() and BODY not in html
