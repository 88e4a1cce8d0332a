"""MkDocs hook: give every page its "last reviewed" and "next review due" dates, and list overdue pages.

The dates come from each page's front matter (``reviewed:``, ``review_due:``)
or the site-wide defaults in ``extra.review``. An overdue page tells its
reader so and is listed at the end of the build; it never fails the build, so
an overdue review cannot block an urgent fix.
"""

from __future__ import annotations

import datetime
import logging
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError

from ivig_guide.errors import GuideError
from ivig_guide.review import ReviewError, review_of
from ivig_guide.settings import Settings, settings_of_build

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.review_dates")


class ReviewRun:
    """The overdue pages of one build."""

    def __init__(self, settings: Settings | None = None) -> None:
        """Start with none."""
        self.settings = settings
        self.today = datetime.date.today()
        self.overdue: list[str] = []


_run = ReviewRun()


def on_pre_build(config: MkDocsConfig) -> None:
    """Start a fresh list for this build, with the build's settings (the site-wide dates, the language)."""
    global _run
    try:
        _run = ReviewRun(settings_of_build(config, config.config_file_path))
    except GuideError as error:
        raise PluginError(f"Review dates: {error}") from None


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Attach the page's review dates to its metadata for the templates."""
    settings = _run.settings or settings_of_build(config, config.config_file_path)
    try:
        review = review_of(page.meta, settings.review, today=_run.today, page=page.file.src_uri)
    except ReviewError as error:
        raise PluginError(f"Review dates: {error}") from None
    page.meta["pg_review"] = review.as_meta(settings.lang)
    if review.overdue:
        _run.overdue.append(f"{page.file.src_uri} (due {review.due.isoformat()})")
    return markdown


def on_post_build(*, config: MkDocsConfig) -> None:
    """List the pages whose review is overdue, without failing the build."""
    if _run.overdue:
        log.info("Review overdue on %d page(s): %s", len(_run.overdue), ", ".join(_run.overdue))
