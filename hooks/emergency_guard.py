"""MkDocs hook: stop the build when an emergency section lost its 911 callout or its numbered steps.

A thin adapter over :mod:`ivig_guide.page_check`. It checks the final HTML of
every page (``on_post_page`` with a low priority, so after every template and
other hook) and what spans pages at the end (``on_post_build``). Any finding
raises ``PluginError``: the build exits non-zero, ``make build`` publishes
nothing, and ``mkdocs serve`` stops updating the preview until it is fixed.

``EMERGENCY_GUARD=approve`` (set only by ``make approve-emergency``) skips the
comparison with the lock, so new wording can be built and shown for approval;
the structural rules still apply.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from ivig_guide.addresses import relative_url, url_of_page
from ivig_guide.editions import add_drift_notices
from ivig_guide.errors import GuideError
from ivig_guide.lock import Lock, drift_message, drifted
from ivig_guide.page_check import PageResult, check_build, check_page, missing_page_finding
from ivig_guide.rules import format_findings
from ivig_guide.settings import guard_lock, settings_of_build

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.emergency_guard")


class GuardRun:
    """What one build has checked so far; made anew in ``on_pre_build`` so `serve` starts clean each time."""

    def __init__(self, lock: Lock | None, number: str, lang: str) -> None:
        """Hold the lock (None while approving), the configured number and the build's language."""
        self.lock = lock
        self.number = number
        self.lang = lang
        self.results: list[PageResult] = []
        self.seconds = 0.0
        self.site_dir = ""
        # Translations approved against older wording of their original, by section id.
        self.drifted = {entry.id: (entry, original) for entry, original in drifted(lock, lang)} if lock else {}


_run: GuardRun | None = None


def on_config(config: MkDocsConfig) -> None:
    """Fail early on a bad setting (the emergency number among them)."""
    try:
        settings_of_build(config, config.config_file_path)
    except GuideError as error:
        raise PluginError(f"Emergency guard: {error}") from None


def on_pre_build(config: MkDocsConfig) -> None:
    """Load and validate the lock; start this build's record."""
    global _run
    try:
        settings = settings_of_build(config, config.config_file_path)
        lock = guard_lock(settings)
    except GuideError as error:
        raise PluginError(f"Emergency guard: {error}") from None
    _run = GuardRun(lock, settings.number, settings.lang)
    _run.site_dir = config.site_dir


def on_files(files: Files, *, config: MkDocsConfig) -> None:
    """Fail before anything is written if a page that holds approved sections is not part of the build."""
    if _run is None or _run.lock is None:
        return
    built = {file.src_uri for file in files.documentation_pages()}
    missing = [missing_page_finding(e) for e in _run.lock.in_language(_run.lang) if e.page not in built]
    if missing:
        raise PluginError(format_findings(missing))


@event_priority(-100)
def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    """Check the page as the reader gets it; raise before it is written if anything is broken."""
    if _run is None:
        return output
    started = time.perf_counter()
    result = check_page(
        output,
        page=page.file.src_uri,
        lock=_run.lock,
        number=_run.number,
        lang=_run.lang,
        source=page.file.content_string,
    )
    _run.seconds += time.perf_counter() - started
    _run.results.append(result)
    if result.findings:
        raise PluginError(format_findings(result.findings))
    return _with_drift_notices(output, page)


def _with_drift_notices(output: str, page: Page) -> str:
    """Add the notice above each section of the page approved as pending review of newer original wording."""
    assert _run is not None
    notices = {}
    for section in next((r.sections for r in reversed(_run.results) if r.page == page.file.src_uri), []):
        drift = _run.drifted.get(section.id)
        if drift is not None and drift[0].pending_review:
            original_url = url_of_page(drift[1].page)
            notices[section.id] = relative_url(original_url, page.url) + f"#{section.id}"
    if not notices or _run.lock is None:
        return output
    return add_drift_notices(output, notices, lang=_run.lang, original_lang=_run.lock.source_language)


# Before mkdocs-static-i18n (-100), which builds the other languages from its own on_post_build: each
# language's end-of-build checks run on that language's pages only, before the next language starts.
@event_priority(-90)
def on_post_build(*, config: MkDocsConfig) -> None:
    """Decide what spans pages: approved sections never seen, ids used on two pages."""
    if _run is None:
        return
    if _run.lock is not None:
        built = {result.page for result in _run.results}
        findings = check_build(_run.results, lock=_run.lock, lang=_run.lang, built_pages=built)
        if findings:
            raise PluginError(format_findings(findings))
    for entry, original in _run.drifted.values():
        log.info("Translation to review: %s", drift_message(entry, original).replace("\n", "\n  "))
    sections = sum(len(result.sections) for result in _run.results)
    log.info(
        "Emergency guard: %d sections on %d pages intact (%.1f ms a page)",
        sections,
        len(_run.results),
        1000 * _run.seconds / max(len(_run.results), 1),
    )


def on_build_error(*, error: Exception) -> None:
    """Say that the output folder is incomplete: MkDocs writes pages as it goes, and stops halfway."""
    folder = _run.site_dir if _run is not None else "the output folder"
    log.error(
        "The build failed: %s is incomplete and must not be published. Fix the error above and build again.", folder
    )
