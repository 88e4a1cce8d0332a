"""Find a Chromium for everything that drives a browser: handouts, screenshots, browser tests, benchmarks.

There is one way to find it, in this order:

1. the ``CHROMIUM`` environment variable (a path to the browser program);
2. ``/usr/bin/chromium`` (Debian's ``chromium`` package);
3. on Debian, as root: install the ``chromium`` package with apt-get, then use it;
4. otherwise stop with a message saying what to install.

``python -m ivig_guide.browser`` runs the same search (installing if it may) and prints the path.

The browser tests look at the guide with fonts they choose, not with whatever a machine has: a
:class:`FontSetup` is one Debian font package, unpacked into ``.venv/test-fonts/`` (no system change,
no root needed), which :func:`launch` makes the only fonts Chromium sees (``FONTCONFIG_FILE``).
``python -m ivig_guide.browser --fonts`` fetches every setup. The handouts need none of this: they
print with the guide's own font (``overrides/assets/fonts/``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from playwright.sync_api import Browser, BrowserType

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
    """No Chromium (or test font) could be found or installed; the message says what to do."""


@dataclass(frozen=True)
class FontSetup:
    """The fonts a reader's phone or computer may have, as one Debian package the tests unpack and use alone."""

    name: str
    package: str  # Debian package with the TrueType files
    sans: str  # its sans-serif family: what the guide's system-font stack falls back to
    mono: str  # its monospace family

    def folder(self, root: Path) -> Path:
        """Return where the package is unpacked under ``root``."""
        return root / self.package


#: DejaVu: the only fonts of a fresh Debian machine, and wide. Liberation: Arial's metrics, as most phones'
#: fonts are narrower than DejaVu. Layout tests run under both.
FONT_SETUPS = {
    "dejavu": FontSetup("dejavu", "fonts-dejavu-core", "DejaVu Sans", "DejaVu Sans Mono"),
    "liberation": FontSetup("liberation", "fonts-liberation2", "Liberation Sans", "Liberation Mono"),
}
#: The setup of every browser test that does not ask for another: a fresh machine's.
DEFAULT_FONTS = "dejavu"
TEST_FONTS = Path(__file__).resolve().parents[2] / ".venv" / "test-fonts"

FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>{folder}</dir>
  <cachedir>{cache}</cachedir>
  <alias binding="same"><family>sans-serif</family><prefer><family>{sans}</family></prefer></alias>
  <alias binding="same"><family>serif</family><prefer><family>{sans}</family></prefer></alias>
  <alias binding="same"><family>system-ui</family><prefer><family>{sans}</family></prefer></alias>
  <alias binding="same"><family>monospace</family><prefer><family>{mono}</family></prefer></alias>
</fontconfig>
"""


def find_fonts(setup: FontSetup, *, root: Path = TEST_FONTS, install: bool = True) -> Path:
    """Return the fontconfig file that shows Chromium only ``setup``'s fonts, unpacking its package if allowed."""
    folder = setup.folder(root)
    if not any(folder.rglob("*.ttf")):
        if not (install and shutil.which("apt-get") and shutil.which("dpkg-deb")):
            raise BrowserNotFound(
                f"The browser tests need the fonts of Debian's {setup.package} package in {folder}. "
                f"Unpack it there (apt-get download {setup.package} && dpkg-deb -x {setup.package}_*.deb {folder})."
            )
        _unpack(setup.package, folder)
    conf = folder / "fonts.conf"
    text = FONTCONFIG.format(folder=folder, cache=folder / "cache", sans=setup.sans, mono=setup.mono)
    if not conf.is_file() or conf.read_text(encoding="utf-8") != text:
        conf.write_text(text, encoding="utf-8")
    return conf


def _unpack(package: str, folder: Path) -> None:
    """Download a Debian package (no root needed) and unpack its files into ``folder``."""
    print(f"Unpacking Debian's {package} package into {folder} (fonts for the browser tests)...", file=sys.stderr)
    with tempfile.TemporaryDirectory() as work:
        download = ["apt-get", "download", "-qq", package]
        ran = subprocess.run(download, cwd=work, capture_output=True, text=True, check=False)
        if ran.returncode != 0 and _is_root():
            # A fresh machine may have no package lists yet.
            subprocess.run(["apt-get", "update", "-qq"], capture_output=True, check=False)
            ran = subprocess.run(download, cwd=work, capture_output=True, text=True, check=False)
        debs = sorted(Path(work).glob(f"{package}_*.deb"))
        if ran.returncode != 0 or not debs:
            raise BrowserNotFound(f"'apt-get download {package}' failed (exit {ran.returncode}):\n{ran.stderr.strip()}")
        partial = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(partial, ignore_errors=True)
        partial.parent.mkdir(parents=True, exist_ok=True)
        unpack = subprocess.run(["dpkg-deb", "-x", str(debs[0]), str(partial)], capture_output=True, text=True)
        if unpack.returncode != 0:
            raise BrowserNotFound(f"'dpkg-deb -x {debs[0].name}' failed:\n{unpack.stderr.strip()}")
        shutil.rmtree(folder, ignore_errors=True)
        partial.rename(folder)


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


def start(browser_type: BrowserType, *, fonts: str | None = None, **options: object) -> Browser:
    """Start a headless Chromium found by :func:`find_chromium` with a running Playwright's ``browser_type``.

    ``fonts`` names a :data:`FONT_SETUPS` entry to be the only fonts the browser sees; ``None`` keeps the
    machine's own. (A second browser in the same process must come from the same Playwright: its sync API
    runs once per thread.)
    """
    env: dict[str, str | float | bool] = dict(os.environ)
    if fonts is not None:
        env["FONTCONFIG_FILE"] = str(find_fonts(FONT_SETUPS[fonts]))
    return browser_type.launch(
        executable_path=find_chromium(),
        args=list(CHROMIUM_ARGS),
        env=env,
        **options,  # type: ignore[arg-type]
    )


@contextmanager
def launch(*, fonts: str | None = None, **options: object) -> Iterator[Browser]:
    """Start Playwright and a headless Chromium (see :func:`start`); close both afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = start(playwright.chromium, fonts=fonts, **options)
        try:
            yield browser
        finally:
            browser.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Find (or install) Chromium and print its path; exit 1 with instructions if there is none."""
    parser = argparse.ArgumentParser(prog="python -m ivig_guide.browser", description=__doc__.splitlines()[0])
    parser.add_argument("--fonts", action="store_true", help="also fetch the fonts the browser tests use")
    args = parser.parse_args(argv)
    try:
        print(find_chromium())
        if args.fonts:
            for setup in FONT_SETUPS.values():
                print(find_fonts(setup))
    except BrowserNotFound as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
