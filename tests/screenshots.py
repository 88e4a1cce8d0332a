"""Take screenshots of every page for review: phone, desktop and print, light and dark, and the emergency card.

Usage: python tests/screenshots.py SITE OUT   (`make screenshots` builds site/ and writes screenshots/)

Serves SITE on 127.0.0.1, writes one PNG per page and view into OUT, and OUT/index.html to look through them.
"""

from __future__ import annotations

import html
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

from ivig_guide.browser import BrowserNotFound, launch  # noqa: E402
from ivig_guide.rendered import SETTLE_JS  # noqa: E402
from ivig_guide.serve import serve  # noqa: E402

#: (name, context options, print media?, full page?)
VIEWS = [
    ("phone-light", {"viewport": {"width": 390, "height": 844}, "color_scheme": "light"}, False, True),
    ("phone-dark", {"viewport": {"width": 390, "height": 844}, "color_scheme": "dark"}, False, True),
    ("desktop-light", {"viewport": {"width": 1280, "height": 800}, "color_scheme": "light"}, False, False),
    ("desktop-dark", {"viewport": {"width": 1280, "height": 800}, "color_scheme": "dark"}, False, False),
    # US Letter is 8.5 in wide: 816 CSS px at 96 px an inch.
    ("print", {"viewport": {"width": 816, "height": 1056}, "color_scheme": "light"}, True, True),
]
EMERGENCY_CARD = "print/emergency-card/"


def site_pages(site: Path) -> list[str]:
    """Return the site-relative URL of every page of the guide (not redirects, 404, print or embed copies)."""
    pages = []
    for index in sorted(site.rglob("index.html")):
        url = index.parent.relative_to(site).as_posix()
        url = "" if url == "." else f"{url}/"
        text = index.read_text(encoding="utf-8", errors="replace")
        if url.startswith(("print/", "embed/", "search/", "assets/")) or 'http-equiv="refresh"' in text:
            continue
        pages.append(url)
    return pages


def _file_name(url: str, view: str) -> str:
    return f"{(url.strip('/') or 'home').replace('/', '--')}.{view}.png"


def write_index(out: Path, shots: list[tuple[str, list[tuple[str, str]]]], notes: list[str]) -> None:
    """Write OUT/index.html: one row per page, one thumbnail per view, each linking to its full-size PNG."""
    rows = []
    for url, files in shots:
        cells = "".join(
            f'<figure><a href="{html.escape(name)}"><img src="{html.escape(name)}" alt="{html.escape(url)} {view}" '
            f'loading="lazy"></a><figcaption>{view}</figcaption></figure>'
            for view, name in files
        )
        rows.append(f"<section><h2>/{html.escape(url)}</h2><div class=row>{cells}</div></section>")
    note_list = "".join(f"<li>{html.escape(note)}</li>" for note in notes)
    out.joinpath("index.html").write_text(
        "<!doctype html><html lang=en><meta charset=utf-8><title>Screenshots of the IVIg guide</title>"
        "<style>body{font:16px system-ui,sans-serif;margin:1rem}.row{display:flex;gap:1rem;align-items:flex-start;"
        "overflow-x:auto}figure{margin:0}img{width:200px;border:1px solid #888;display:block}"
        "figcaption{font-size:.8rem}</style>"
        f"<h1>Screenshots of the IVIg guide</h1><ul>{note_list}</ul>{''.join(rows)}",
        encoding="utf-8",
    )


def take(site: Path, out: Path) -> int:
    """Write the screenshots of ``site`` into ``out`` (emptied first) and return the number of PNGs."""
    if not (site / "index.html").is_file():
        raise SystemExit(f"error: {site} has no index.html. Build the site first (make build).")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    pages = site_pages(site)
    shots: list[tuple[str, list[tuple[str, str]]]] = [(url, []) for url in pages]
    notes = [
        f"{len(pages)} pages from {site}; phone 390×844 and print are full-page, desktop 1280×800 is the first screen."
    ]
    count = 0
    with serve(site) as served, launch() as browser:
        for view, options, printed, full in VIEWS:
            context = browser.new_context(**options)
            page = context.new_page()
            if printed:
                page.emulate_media(media="print")
            for url, files in shots:
                page.goto(served.url + url, wait_until="load")
                page.evaluate(SETTLE_JS)  # the stylesheets a page inserts after its first paint
                name = _file_name(url, view)
                page.screenshot(path=str(out / name), full_page=full)
                files.append((view, name))
                count += 1
            context.close()
        if (site / EMERGENCY_CARD / "index.html").is_file():
            context = browser.new_context(viewport={"width": 816, "height": 1056})
            page = context.new_page()
            page.emulate_media(media="print")
            page.goto(served.url + EMERGENCY_CARD, wait_until="load")
            page.screenshot(path=str(out / "emergency-card.print.png"), full_page=True)
            shots.insert(0, (EMERGENCY_CARD, [("print", "emergency-card.print.png")]))
            context.close()
            count += 1
        else:
            notes.append(f"No emergency card: {EMERGENCY_CARD} is not in this build.")
    write_index(out, shots, notes)
    return count


def main(argv: list[str]) -> int:
    """Run from the command line: screenshots.py SITE OUT."""
    if len(argv) != 2:
        print("usage: python tests/screenshots.py SITE OUT", file=sys.stderr)
        return 2
    try:
        count = take(Path(argv[0]), Path(argv[1]))
    except BrowserNotFound as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Wrote {count} screenshots and {Path(argv[1]) / 'index.html'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
