"""The guide with no network: the service worker, the web app manifest and icons, and the offline folder's checks.

The service worker (``sw.js`` at the site root, so its scope is the whole site) keeps the emergency pages of
every edition (the pages of the approved lock), the offline page of each edition, the files those pages load,
the emergency cards when the build prints them, and each page the reader opens. Its version is the approved
lock's hash and the hash of what it precaches: a new approval gives a new worker, which saves the new
emergency pages before it deletes the old ones. Its code is ``offline_worker.js`` beside this module.

The offline folder (``make offline``, ``mkdocs.offline.yml``) is opened from ``file://``: :func:`check_links`
finds any link there that does not lead to a file, and :func:`write_zip` packs it.

    python -m ivig_guide.offline check site-offline
    python -m ivig_guide.offline zip site-offline site/downloads/ivig-guide-offline.zip

Nothing here imports MkDocs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import posixpath
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html

from ivig_guide.addresses import EMBED_DIR, relative_url, site_target, url_of_page
from ivig_guide.emergency_blocks import KIND_ATTRIBUTE
from ivig_guide.errors import OutputError
from ivig_guide.html_query import attributes, elements
from ivig_guide.lock import Lock
from ivig_guide.print_pages import CARD_PDF, CARD_PDF_A4
from ivig_guide.settings import Settings

WORKER = "sw.js"
WORKER_SOURCE = Path(__file__).with_name("offline_worker.js")
MANIFEST = "manifest.webmanifest"
OFFLINE_PAGE = "offline.html"
ICON_DIR = "assets/images"
#: (file, size in pixels, purpose) of the home-screen icons.
ICONS = (
    ("pg-icon-192.png", 192, "any"),
    ("pg-icon-512.png", 512, "any"),
    ("pg-icon-maskable-512.png", 512, "maskable"),
)
#: The folders of the files pages load, which the worker saves as it sees them (besides what it precaches).
ASSET_FOLDERS = ("assets/", "search/")
#: How long a page may take from the network before the saved copy is shown.
TIMEOUT_MS = 3000
#: The zip the offline folder is published as, under the built site.
OFFLINE_ZIP = "downloads/ivig-guide-offline.zip"
THEME_COLOR = "#3f51b5"  # Material's indigo, the guide's primary colour
BACKGROUND = "#ffffff"

#: The worker's words, per edition: the note on a saved copy, and the offline page.
STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "note": "You are offline: this is a copy saved on {date}.",
        "title": "You are offline",
        "body": "This page is not saved on this device, and there is no internet connection right now.",
        "saved": "These pages are saved on this device. You can open them now:",
        "short_name": "IVIg guide",
        "first_aid": "First aid",
        "download": "Download the whole guide to use with no internet (zip file)",
        "download_body": (
            "Unzip it and open index.html from a folder or a USB stick: a clinic can give it to patients."
        ),
    },
    "es": {
        "note": "Está sin conexión: esta es una copia guardada el {date}.",
        "title": "Está sin conexión",
        "body": "Esta página no está guardada en este aparato, y ahora no hay conexión a internet.",
        "saved": "Estas páginas están guardadas en este aparato. Puede abrirlas ahora:",
        "short_name": "Guía de IVIg",
        "first_aid": "Primeros auxilios",
        "download": "Descargar la guía completa para usarla sin internet (archivo zip)",
        "download_body": (
            "Descomprímala y abra index.html desde una carpeta o una memoria USB: "
            "una clínica puede dársela a sus pacientes."
        ),
    },
}


class OfflineError(OutputError):
    """The offline files cannot be written, or the offline folder has links that lead nowhere."""


def strings(lang: str) -> dict[str, str]:
    """Return the offline words of an edition (English for an edition without its own)."""
    return STRINGS.get(lang, STRINGS["en"])


def lock_digest(path: Path) -> str:
    """Return the SHA-256 of the approved lock file, in hex."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:
        raise OfflineError(f"{path}: cannot read the approved lock ({error}); restore it from git.") from None


def edition_languages(settings: Settings) -> list[str]:
    """Return every edition's language, the default one first."""
    return [settings.default_language, *(lang for lang in settings.languages if lang != settings.default_language)]


def emergency_pages(lock: Lock, settings: Settings) -> list[str]:
    """Return the site-relative URL of every page with approved emergency sections, in every edition."""
    urls: list[str] = []
    for lang in edition_languages(settings):
        pages = sorted({entry.page for entry in lock.in_language(lang)})
        urls += [url_of_page(page) for page in pages]
        if lang == settings.lang and settings.emergency_url:
            urls.append(settings.emergency_url)
    return list(dict.fromkeys(urls))


@dataclass(frozen=True)
class SavedLink:
    """A link on the offline page: a saved emergency page (or its first-aid steps) and its text."""

    url: str  # site-relative, with the section's #id for first-aid steps
    text: str


def saved_links(lock: Lock, lang: str, titles: Mapping[str, str]) -> list[SavedLink]:
    """Return the offline page's links of one edition: first-aid steps first, then each emergency page.

    ``titles`` maps a page's site-relative URL to its title (as the navigation names it).
    """
    entries = lock.in_language(lang)
    links = [
        SavedLink(
            f"{url_of_page(entry.page)}#{entry.id}",
            f"{entry.section.prefix} {titles.get(url_of_page(entry.page), entry.section.heading)}".strip(),
        )
        for entry in entries
        if entry.section.kind == "first-aid"
    ]
    for page in sorted({entry.page for entry in entries}):
        url = url_of_page(page)
        links.append(SavedLink(url, titles.get(url, url)))
    return links


def page_assets(html: str, page_url: str) -> list[str]:
    """Return the site-relative files a built page loads: stylesheets, scripts, icons, manifest and images."""
    root = lxml.html.document_fromstring(html)
    values = [link.get("href") or "" for link in elements(root, "//link[@href]") if _loaded(link.get("rel"))]
    values += [element.get("src") or "" for element in elements(root, "//script[@src] | //img[@src]")]
    found: list[str] = []
    for value in values:
        target = site_target(value, page_url)
        if target is not None:
            found.append(urlsplit(target).path)
    return list(dict.fromkeys(path for path in found if path))


def _loaded(rel: str | None) -> bool:
    return bool({"stylesheet", "icon", "manifest", "preload", "modulepreload"} & set((rel or "").lower().split()))


def card_pdfs(settings: Settings) -> list[str]:
    """Return the emergency cards of every edition, when this build prints them (``extra.handouts``)."""
    if not settings.handouts:
        return []
    return [
        settings.edition_prefix(lang) + pdf for lang in edition_languages(settings) for pdf in (CARD_PDF, CARD_PDF_A4)
    ]


def worker_script(
    *,
    lock_hash: str,
    precache: Sequence[str],
    contents: Iterable[bytes],
    optional: Sequence[str],
    settings: Settings,
) -> str:
    """Return ``sw.js``: the worker's settings, then its code.

    Its version is the first 16 hex digits of the approved lock's hash and 8 of the hash of the files it
    precaches (``contents``, in the order of ``precache``), so any new approval or new precached file is a
    new worker.
    """
    files = hashlib.sha256()
    for path, content in zip(precache, contents, strict=True):
        files.update(path.encode("utf-8") + b"\0" + hashlib.sha256(content).digest())
    languages = edition_languages(settings)
    guide = {
        "version": f"{lock_hash[:16]}-{files.hexdigest()[:8]}",
        "lock": lock_hash,
        "precache": list(precache),
        "optional": list(optional),
        "timeout": TIMEOUT_MS,
        "default_language": settings.default_language,
        "editions": [lang for lang in languages if lang != settings.default_language],
        "skip": [f"{settings.edition_prefix(lang)}{EMBED_DIR}/" for lang in languages],
        "assets": list(ASSET_FOLDERS),
        "guarded": f"{KIND_ATTRIBUTE}=",
        "offline": {lang: settings.edition_prefix(lang) + OFFLINE_PAGE for lang in languages},
        "notes": {lang: strings(lang)["note"] for lang in languages},
    }
    code = WORKER_SOURCE.read_text(encoding="utf-8")
    return f"const GUIDE = {json.dumps(guide, indent=1, ensure_ascii=False)};\n\n{code}"


def manifest(settings: Settings, lang: str, *, first_aid: str | None) -> str:
    """Return the web app manifest of an edition, its addresses relative to where it is published.

    ``first_aid`` is the site-relative URL of the edition's first-aid steps (its home-screen shortcut).
    """
    prefix = settings.edition_prefix(lang)
    here = prefix + MANIFEST

    def relative(target: str) -> str:
        path = posixpath.relpath("/" + target, "/" + posixpath.dirname(here)) if target else "."
        return "./" if path == "." else path + ("/" if target.endswith("/") and not path.endswith("/") else "")

    data: dict[str, object] = {
        "name": settings.site_name,
        "short_name": strings(lang)["short_name"],
        "lang": lang,
        "dir": "ltr",
        "start_url": relative(prefix),
        "scope": relative(""),
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND,
        "icons": [
            {"src": relative(f"{ICON_DIR}/{name}"), "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}
            for name, size, purpose in ICONS
        ],
    }
    if first_aid:
        page, _hash, section = first_aid.partition("#")
        data["shortcuts"] = [
            {
                "name": strings(lang)["first_aid"],
                "url": relative(page) + (f"#{section}" if section else ""),
                "icons": [{"src": relative(f"{ICON_DIR}/{ICONS[0][0]}"), "sizes": "192x192", "type": "image/png"}],
            }
        ]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def first_aid_url(lock: Lock, lang: str) -> str | None:
    """Return the site-relative URL of an edition's first first-aid section (page#id), or None."""
    for entry in lock.in_language(lang):
        if entry.section.kind == "first-aid":
            return f"{url_of_page(entry.page)}#{entry.id}"
    return None


# --------------------------------------------------------------------------- icons


def _png(width: int, rows: Iterable[bytes]) -> bytes:
    """Return a PNG (8-bit RGB) of the given rows of pixels, written the same way every time."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + row for row in rows)
    height = len(raw) // (1 + 3 * width)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def icon_png(size: int, *, maskable: bool = False) -> bytes:
    """Return the guide's home-screen icon: a white cross on the guide's indigo, ``size`` pixels square.

    A maskable icon keeps the cross inside the safe zone (the middle 80 %) that any mask leaves visible.
    """
    indigo = bytes.fromhex(THEME_COLOR[1:])
    white = b"\xff\xff\xff"
    scale = 0.4 if maskable else 0.56  # the cross's length as a share of the icon
    arm = round(size * scale / 2)
    bar = round(size * scale / 6)
    middle = size // 2
    plain = indigo * size
    across = indigo * (middle - arm) + white * (2 * arm) + indigo * (size - middle - arm)
    down = indigo * (middle - bar) + white * (2 * bar) + indigo * (size - middle - bar)
    rows = []
    for y in range(size):
        if middle - bar <= y < middle + bar:
            rows.append(across)
        elif middle - arm <= y < middle + arm:
            rows.append(down)
        else:
            rows.append(plain)
    return _png(size, rows)


def icons() -> dict[str, bytes]:
    """Return every home-screen icon by its site-relative path."""
    return {f"{ICON_DIR}/{name}": icon_png(size, maskable=purpose == "maskable") for name, size, purpose in ICONS}


# --------------------------------------------------------------------------- the offline folder


def check_links(folder: Path) -> list[str]:
    """Return every link of the offline folder's pages that does not open a file from ``file://``.

    A link to a folder (``when-to-get-help/``) opens a file listing, not the page, so it is a finding too;
    so is a link to a missing ``#id``.
    """
    findings: list[str] = []
    ids: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            root = lxml.html.document_fromstring(path.read_text(encoding="utf-8"))
            ids[path] = {attribute.value for attribute in attributes(root, "//@id")}
        return ids[path]

    for page in sorted(folder.rglob("*.html")):
        name = page.relative_to(folder).as_posix()
        root = lxml.html.document_fromstring(page.read_text(encoding="utf-8"))
        for element in elements(root, "//a[@href] | //link[@href] | //script[@src] | //img[@src]"):
            value = element.get("href") if element.get("href") is not None else element.get("src")
            problem = _link_problem(value or "", page, folder, ids_of)
            if problem:
                findings.append(f"{name}:{element.sourceline}: <{element.tag}> {value!r} {problem}")
    return findings


def _link_problem(value: str, page: Path, folder: Path, ids_of: Callable[[Path], set[str]]) -> str | None:
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or value.startswith("/"):
        if parts.scheme in ("http", "https") or value.startswith("//"):
            return None  # a link to another site: it needs the internet, as the reader expects
        if parts.scheme in ("tel", "mailto", "data"):
            return None
        return "is an address that a folder opened from file:// cannot reach; make it relative."
    target = page.parent / unquote(parts.path) if parts.path else page
    resolved = target.resolve()
    if folder.resolve() not in resolved.parents and resolved != folder.resolve():
        return "leads outside the folder."
    if parts.path.endswith("/") or resolved.is_dir():
        return "leads to a folder, which file:// shows as a file listing; link to its index.html."
    if not resolved.is_file():
        return "leads to a file that is not in the folder."
    if parts.fragment and resolved.suffix == ".html":
        if parts.fragment not in ids_of(resolved):
            return f"leads to #{parts.fragment}, which is not on that page."
    return None


def file_links(html: str, *, page: str, folder: Path) -> str:
    """Return a page of the offline folder with each link to a folder made a link to that folder's page.

    With directory URLs off, MkDocs links pages as files, but links the guide's templates build from
    directory addresses (the emergency banner, the language switcher, an edition's home) still end in
    ``/``, which ``file://`` opens as a file listing: ``when-to-get-help/`` becomes ``when-to-get-help.html``
    (or ``when-to-get-help/index.html``), ``./`` becomes ``index.html``. ``page`` is the page's path in
    ``folder``; a link whose page is not in the folder is left for :func:`check_links` to report.
    """
    root = lxml.html.document_fromstring(html)
    changes: dict[str, str] = {}
    for link in elements(root, "//a[@href]"):
        value = link.get("href") or ""
        parts = urlsplit(value)
        if parts.scheme or parts.netloc or value.startswith(("/", "#")) or value in changes:
            continue
        path = parts.path
        if not (path == "" or path == "." or path.endswith("/")):
            continue
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(path)))
        target = "" if target == "." else target
        for candidate in (f"{target}.html" if target else "", f"{target}/index.html" if target else "index.html"):
            if candidate and (folder / candidate).is_file():
                relative = posixpath.relpath(candidate, posixpath.dirname(page) or ".")
                changes[value] = (
                    relative
                    + (f"?{parts.query}" if parts.query else "")
                    + (f"#{parts.fragment}" if parts.fragment else "")
                )
                break
    for old, new in changes.items():
        html = html.replace(f'href="{old}"', f'href="{new}"')
    return html


def file_links_in_folder(folder: Path, *, within: str = "", skip: tuple[str, ...] = ()) -> int:
    """Apply :func:`file_links` to the pages under ``within`` of ``folder`` (not ``skip``); return how many changed.

    Links are resolved from ``folder``, so a link from one edition into another is made a file link too.
    """
    changed = 0
    for path in sorted((folder / within).rglob("*.html")):
        name = path.relative_to(folder).as_posix()
        if name.split("/", 1)[0] in skip:
            continue
        text = path.read_text(encoding="utf-8")
        updated = file_links(text, page=name, folder=folder)
        if updated != text:
            path.write_text(updated, encoding="utf-8")
            changed += 1
    return changed


#: Material's search index, and the script its offline plugin inlines it in (``file://`` cannot fetch).
SEARCH_INDEX = "search/search_index.json"
SEARCH_SCRIPT = "search/search_index.js"


def inline_search_index(folder: Path) -> None:
    """Write the search index of ``folder`` into the script Material's search loads from ``file://``."""
    index = folder / SEARCH_INDEX
    if not index.is_file():
        raise OfflineError(
            f"{index} is missing: the offline folder needs Material's search plugin (mkdocs.offline.yml)."
        )
    (folder / SEARCH_SCRIPT).write_text(f"var __index = {index.read_text(encoding='utf-8')}", encoding="utf-8")


#: Where a page of docs/ asks for the link to the offline folder's zip (the About page).
DOWNLOAD_MARKER = "<!-- pg-offline-download -->"


def render_download(markdown: str, *, lang: str, page_url: str, published: bool) -> str:
    """Return the Markdown with the marker replaced by the link to the offline zip, or removed.

    ``published`` is true only in builds that publish the zip (``make release``), so that no other build
    links to a file it does not have.
    """
    if DOWNLOAD_MARKER not in markdown:
        return markdown
    if not published:
        return markdown.replace(DOWNLOAD_MARKER, "")
    words = strings(lang)
    href = relative_url(OFFLINE_ZIP, page_url)
    link = (
        f'<p class="pg-offline-download"><a href="{href}" download>{words["download"]}</a>. '
        f"{words['download_body']}</p>"
    )
    return markdown.replace(DOWNLOAD_MARKER, link)


def write_zip(folder: Path, destination: Path, *, top: str = "ivig-guide") -> int:
    """Pack ``folder`` into ``destination`` under one top folder, files in order and dated alike; return the count.

    The zip is written beside its destination first and moved into place, so a failure leaves none.
    """
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".tmp")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            info = zipfile.ZipInfo(f"{top}/{path.relative_to(folder).as_posix()}", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    partial.replace(destination)
    return len(files)


def main(argv: Sequence[str] | None = None) -> int:
    """Check the offline folder's links, or pack it: ``python -m ivig_guide.offline check|zip FOLDER [ZIP]``."""
    parser = argparse.ArgumentParser(prog="python -m ivig_guide.offline", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["check", "zip"])
    parser.add_argument("folder", type=Path, help="the offline folder, e.g. site-offline")
    parser.add_argument("zip", type=Path, nargs="?", help="where the zip goes (zip only)")
    options = parser.parse_args(argv)
    if not (options.folder / "index.html").is_file():
        print(f"{options.folder}/index.html not found: build the offline folder first (make offline).", file=sys.stderr)
        return 1
    if options.command == "check":
        findings = check_links(options.folder)
        for finding in findings:
            print(finding, file=sys.stderr)
        if findings:
            print(f"{options.folder}: {len(findings)} links do not work from file://.", file=sys.stderr)
            return 1
        print(f"{options.folder}: every link leads to a file")
        return 0
    if options.zip is None:
        parser.error("zip needs the zip's path, e.g. site/downloads/ivig-guide-offline.zip")
    count = write_zip(options.folder, options.zip)
    print(f"{options.zip}: {count} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
