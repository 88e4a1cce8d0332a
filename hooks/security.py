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
from typing import TYPE_CHECKING, Literal

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from ivig_guide import csp

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

log = logging.getLogger("mkdocs.plugins.security")


class Command:
    """The MkDocs command this process runs; set once at startup, read by every build."""

    serving = False


def on_startup(*, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
    """Remember whether this is a live preview."""
    Command.serving = command == "serve"


# Lower than "last" (-100), which other hooks use for their own end-of-build work.
@event_priority(-1000)
def on_post_build(*, config: MkDocsConfig) -> None:
    """Add a policy to every HTML document in site_dir; stop on inline code the policy would block."""
    started = time.perf_counter()
    try:
        result = csp.add_policy_to_folder(config.site_dir, inline_scripts=Command.serving)
    except csp.CspError as error:
        raise PluginError(f"Content-Security-Policy: {error}") from None
    if result.findings:
        raise PluginError(
            "Content-Security-Policy: inline code that the policy would block:\n  "
            + "\n  ".join(str(finding) for finding in result.findings)
        )
    log.info(
        "Content-Security-Policy added to %d HTML documents in %.0f ms%s",
        len(result.documents),
        1000 * (time.perf_counter() - started),
        " (inline scripts allowed for the live preview)" if Command.serving else "",
    )
