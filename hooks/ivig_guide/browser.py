"""Find a Chromium for everything that drives a browser: handouts, screenshots, browser tests, benchmarks.

There is one way to find it, in this order:

1. the ``CHROMIUM`` environment variable (a path to the browser program);
2. ``/usr/bin/chromium`` (Debian's ``chromium`` package);
3. on Debian, as root: install the ``chromium`` package with apt-get, then use it;
4. otherwise stop with a message saying what to install.

``python -m ivig_guide.browser`` runs the same search (installing if it may) and prints the path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from playwright.sync_api import Browser

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")

#: Flags for a headless Chromium on a machine with no display and a closed network. Without the
#: background-networking flags Chromium keeps trying to reach its own services at every start.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
)

HOW_TO_INSTALL = (
    "No Chromium found. Install one and try again:\n"
    "  - on Debian or Ubuntu: sudo apt-get install chromium  (or set CHROMIUM=/path/to/chromium)\n"
    "  - elsewhere, where the internet is reachable: python -m playwright install chromium,\n"
    "    then set CHROMIUM to the browser it prints"
)


class BrowserNotFound(RuntimeError):
    """No Chromium could be found or installed; the message says what to do."""


def _is_debian() -> bool:
    return Path("/etc/debian_version").exists() and shutil.which("apt-get") is not None


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _apt_install(package: str = "chromium") -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"Installing Debian's {package} package with apt-get (needed to drive a browser)...", file=sys.stderr)
    install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", package]
    for command in (["apt-get", "update", "-qq"], install):
        ran = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if ran.returncode != 0:
            raise BrowserNotFound(
                f"'{' '.join(command)}' failed (exit {ran.returncode}):\n{ran.stderr.strip()}\n\n{HOW_TO_INSTALL}"
            )


def find_chromium(*, install: bool = True) -> str:
    """Return the path of the Chromium to use, installing Debian's package as root if allowed.

    Raises :class:`BrowserNotFound` with instructions when there is none.
    """
    configured = os.environ.get("CHROMIUM", "").strip()
    if configured:
        path = shutil.which(configured) or configured
        if not (Path(path).is_file() and os.access(path, os.X_OK)):
            raise BrowserNotFound(
                f"CHROMIUM is set to {configured!r}, which is not an executable file. "
                "Point it at a Chromium or Chrome program, or unset it to use /usr/bin/chromium."
            )
        return path
    if DEBIAN_CHROMIUM.is_file():
        return str(DEBIAN_CHROMIUM)
    if install and _is_debian() and _is_root():
        _apt_install("chromium")
        if DEBIAN_CHROMIUM.is_file():
            return str(DEBIAN_CHROMIUM)
    raise BrowserNotFound(HOW_TO_INSTALL)


def find_program(name: str, package: str, *, install: bool = True) -> str:
    """Return the path of a command-line program, installing its Debian package as root if allowed."""
    found = shutil.which(name)
    if found:
        return found
    if install and _is_debian() and _is_root():
        _apt_install(package)
        found = shutil.which(name)
        if found:
            return found
    raise BrowserNotFound(f"'{name}' was not found. Install it (Debian/Ubuntu: apt-get install {package}).")


@contextmanager
def launch(**options: object) -> Iterator[Browser]:
    """Start Playwright and a headless Chromium found by :func:`find_chromium`; close both afterwards."""
    from playwright.sync_api import sync_playwright

    executable = find_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS), **options)
        try:
            yield browser
        finally:
            browser.close()


def main() -> int:
    """Find (or install) Chromium and print its path; exit 1 with instructions if there is none."""
    try:
        print(find_chromium())
    except BrowserNotFound as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
