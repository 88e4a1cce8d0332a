"""MkDocs hook: give every HTML document of the built site its own Content-Security-Policy.

A thin adapter over :mod:`ivig_guide.csp`. It runs at the very end of the build
(``on_post_build`` with the lowest priority, and listed last under ``hooks:``),
so it sees every file that anything wrote: pages, ``404.html``, redirect pages,
embed pages and print pages. Each policy hashes the inline scripts of its own
file; inline code no hash can allow (``onclick=``, ``javascript:`` URLs) stops
the build, naming the file and line.

Under ``mkdocs serve`` the policy also allows inline scripts, because the
preview server injects a new live-reload script into every page it sends.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from ivig_guide import csp
from ivig_guide.errors import GuideError
from ivig_guide.settings import Settings, settings_of_build

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

log = logging.getLogger("mkdocs.plugins.security")


class Command:
    """The MkDocs command this process runs; set once at startup, read by every build."""

    serving = False


class Builds:
    """The language builds under way, innermost last.

    mkdocs-static-i18n builds the other languages from inside the default language's ``on_post_build``,
    and changes the configuration for them; this hook's ``on_post_build`` runs after theirs, so it takes
    its own build's settings from this stack, not from the configuration.
    """

    def __init__(self) -> None:
        """Start with no build under way."""
        self.stack: list[Settings] = []


_builds = Builds()


def on_pre_build(config: MkDocsConfig) -> None:
    """Remember which language this build is for."""
    try:
        _builds.stack.append(settings_of_build(config, config.config_file_path))
    except GuideError as error:
        raise PluginError(f"Content-Security-Policy: {error}") from None


def on_startup(*, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
    """Remember whether this is a live preview."""
    Command.serving = command == "serve"


# Lower than "last" (-100), which other hooks use for their own end-of-build work.
@event_priority(-1000)
def on_post_build(*, config: MkDocsConfig) -> None:
    """Add a policy to every HTML document in site_dir; stop on inline code the policy would block."""
    started = time.perf_counter()
    if not _builds.stack:
        return
    settings = _builds.stack.pop()
    try:
        # Each language's build covers its own edition: the default one the site minus the others' folders.
        folder = Path(config.site_dir) / settings.prefix
        skip = tuple(lang for lang in settings.languages if lang != settings.lang) if not settings.prefix else ()
        # The offline folder (mkdocs.offline.yml) runs Material's search through the iframe-worker shim.
        shim = bool(config.extra.get("offline_copy"))
        result = csp.add_policy_to_folder(folder, inline_scripts=Command.serving, skip=skip, iframe_worker=shim)
    except csp.CspError as error:
        raise PluginError(f"Content-Security-Policy: {error}") from None
    if result.findings:
        raise PluginError(
            "Content-Security-Policy: inline code that the policy would block:\n  "
            + "\n  ".join(str(finding) for finding in result.findings)
        )
    log.info(
        "Content-Security-Policy added to %d HTML documents of the '%s' edition in %.0f ms%s",
        len(result.documents),
        settings.lang,
        1000 * (time.perf_counter() - started),
        " (inline scripts allowed for the live preview)" if Command.serving else "",
    )
