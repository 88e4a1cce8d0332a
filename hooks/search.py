"""MkDocs hook: the guide's search, with Pagefind, indexing each edition's reader pages after the build.

A thin adapter over :mod:`ivig_guide.search_index`:

- ``on_post_page`` (after every other hook, so no copy of a page is made from the marked HTML) marks each
  reader page's content area for the index and adds its front-matter ``tags:`` as hidden words;
- ``on_post_build`` of the default edition, which mkdocs-static-i18n runs after it built every other edition,
  runs Pagefind over the whole site and checks that each edition's index holds exactly its reader pages.

When Material's own ``search`` plugin is enabled (a copy read from disk, where Pagefind cannot run), this hook
does nothing and the templates show Material's search box instead of the guide's.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from ivig_guide import search_index
from ivig_guide.errors import GuideError
from ivig_guide.settings import Settings, settings_of_build

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.search")


class Builds:
    """The language builds under way, innermost last (see ``hooks/security.py``)."""

    def __init__(self) -> None:
        """Start with no build under way."""
        self.stack: list[Settings] = []


_builds = Builds()


def material_search_enabled(config: MkDocsConfig) -> bool:
    """Return whether Material's own search plugin is on (then the guide's search is off)."""
    plugin = config.plugins.get("material/search")
    return plugin is not None and bool(getattr(plugin, "config", {}).get("enabled", True))


def on_config(config: MkDocsConfig) -> None:
    """Tell the templates which search the build has."""
    config.extra["pg_search"] = not material_search_enabled(config)
    plugin = config.plugins.get("material/search")
    if plugin is not None and config.extra["pg_search"] and not hasattr(plugin, "search_index"):
        # mkdocs-static-i18n 1.3.1 merges the editions' entries into Material's index after the build even when
        # the plugin is disabled (then it has none): give it an empty one, which the disabled plugin never writes.
        from material.plugins.search.plugin import SearchIndex

        plugin.search_index = SearchIndex(**plugin.config)


def on_pre_build(config: MkDocsConfig) -> None:
    """Remember which language this build is for."""
    try:
        _builds.stack.append(settings_of_build(config, config.config_file_path))
    except GuideError as error:
        raise PluginError(f"Search: {error}") from None


# After the embed pages (-110) and the print pages, which copy the page: their copies stay unmarked.
@event_priority(-200)
def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    """Mark a reader page's content for the search index, with its tags."""
    if not config.extra.get("pg_search"):
        return output
    tags = page.meta.get("tags") or []
    try:
        return search_index.mark_reader_page(output, tags=[str(tag) for tag in tags], page=page.file.src_uri)
    except GuideError as error:
        raise PluginError(f"Search: {error}") from None


# After mkdocs-static-i18n's (-100), which builds the other editions, and before the Content-Security-Policy.
@event_priority(-500)
def on_post_build(*, config: MkDocsConfig) -> None:
    """Index the whole site once, from the default edition's build, after every edition is written."""
    if not _builds.stack:
        return
    settings = _builds.stack.pop()
    if settings.prefix or not config.extra.get("pg_search"):
        return
    started = time.perf_counter()
    languages = search_index.default_first(settings.languages, settings.default_language)
    try:
        result = search_index.index_folder(Path(config.site_dir), languages=languages)
    except GuideError as error:
        raise PluginError(f"Search: {error}") from None
    log.info(
        "Search index: %s in %.0f ms",
        ", ".join(f"{count} pages in '{lang}'" for lang, count in result.pages.items()),
        1000 * (time.perf_counter() - started),
    )
