"""MkDocs hook: every page paints from its first 14 KB, with the CSS its elements use inlined.

A thin adapter over :mod:`ivig_guide.first_paint`. After every other hook has changed a page
(``on_post_page`` with a low priority), it reads the stylesheets the page links (Material's and the
guide's bundle, from this build's files), keeps the rules that match the page's elements in a ``<style>``
in its head, and moves the links after the content. ``security.py`` then hashes that ``<style>`` into the
page's Content-Security-Policy.
"""

from __future__ import annotations

import functools
import logging
import posixpath
import time
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from ivig_guide.first_paint import (
    FirstPaintError,
    Stylesheets,
    critical_css,
    defer_stylesheets,
    parse_stylesheets,
    stylesheet_links,
)

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.first_paint")


class Build:
    """One language build: its files, and the stylesheets parsed once for all its pages."""

    def __init__(self) -> None:
        """Start a build with no files seen yet."""
        self.files: Files | None = None
        self.sheets: dict[tuple[str, ...], Stylesheets] = {}  # by the stylesheets' paths
        self.seconds = 0.0
        self.pages = 0


class State:
    """The build under way (mkdocs-static-i18n starts one for each language, each after the last one's pages)."""

    current = Build()


def on_pre_build(config: MkDocsConfig) -> None:
    """Start this language's build afresh (``serve`` keeps the module between rebuilds)."""
    State.current = Build()


# After assets.py (-110), which adds the guide's stylesheet bundle.
@event_priority(-120)
def on_files(files: Files, *, config: MkDocsConfig) -> None:
    """Remember this build's files, where the stylesheets' text is read from."""
    State.current.files = files


# Both language builds (and every rebuild of ``serve``) read the same stylesheets: parse each text once.
_parse = functools.lru_cache(maxsize=4)(parse_stylesheets)


def _site_path(page_url: str, href: str) -> str:
    """Return the build's path of a file a page links ("../../assets/x.css" from any page: "assets/x.css").

    A language edition's pages live under its folder but share the site's assets, so a link that climbs
    above this build's root still names a file of the build.
    """
    folder = page_url if page_url.endswith("/") else posixpath.dirname(page_url)
    path = posixpath.normpath(posixpath.join(folder, href))
    while path.startswith("../"):
        path = path[3:]
    return path


def _sheets(build: Build, uris: tuple[str, ...], *, page: str) -> Stylesheets:
    if uris not in build.sheets:
        sources = []
        for uri in uris:
            file = build.files.get_file_from_path(uri) if build.files is not None else None
            if file is None:
                raise PluginError(f"{page}: links the stylesheet {uri}, which is not in the build; check the theme.")
            sources.append((uri, file.content_bytes.decode("utf-8")))
        build.sheets[uris] = _parse(tuple(sources))
    return build.sheets[uris]


# After every other hook that changes a page (the emergency guard checks at -100, languages at -90).
@event_priority(-200)
def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    """Inline the CSS the page's elements use and move its stylesheets and scripts after its content."""
    started = time.perf_counter()
    build = State.current
    hrefs = stylesheet_links(output)
    if not hrefs:
        return output
    uris = tuple(_site_path(page.url, href) for href in hrefs)
    try:
        sheets = _sheets(build, uris, page=page.file.src_uri)
        css = critical_css(output, sheets)
        result = defer_stylesheets(output, css=css)
    except FirstPaintError as error:
        raise PluginError(f"{page.file.src_uri}: {error}") from None
    build.seconds += time.perf_counter() - started
    build.pages += 1
    return result


def on_post_build(*, config: MkDocsConfig) -> None:
    """Report how many pages got their first-paint CSS, and the time it took."""
    build = State.current
    if build.pages:
        log.info(
            "First paint: CSS inlined into %d pages (%.0f ms a page)", build.pages, 1000 * build.seconds / build.pages
        )
