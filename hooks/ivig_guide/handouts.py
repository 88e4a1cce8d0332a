"""Print the handouts of a built site with headless Chromium: the whole guide, a PDF per page, the emergency card.

    python -m ivig_guide.handouts site

It serves the site on 127.0.0.1, prints each page with print media (the same ``print.css`` a reader's
Ctrl+P uses), and writes::

    site/handouts/ivig-guide.pdf              the whole guide (from print/guide/): cover, contents,
                                              outline, tagged for screen readers, page numbers
    site/handouts/pages/<page>.pdf            one PDF per page of the guide
    site/handouts/emergency-card.pdf          the emergency card, US Letter, exactly one page
    site/handouts/emergency-card-a4.pdf       the same on A4

Each PDF is finished as it is printed (:mod:`ivig_guide.pdf_post`: links under ``site_url`` instead
of the local server, artifacts for untagged content, XMP metadata), then checked by the emergency
guard (:mod:`ivig_guide.pdf_check`) and for links that lead nowhere. The PDFs are written to a
temporary folder and moved into place only when all passed, so a failure leaves no half-written
``handouts/``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import lxml.html

from ivig_guide.addresses import split_url
from ivig_guide.errors import GuideError, OutputError
from ivig_guide.lock import Lock, LockEntry
from ivig_guide.pdf_check import check_pdf_fonts, check_pdf_text, pdf_fonts, pdf_text
from ivig_guide.print_pages import (
    CARD_PAGE,
    CARD_PDF,
    CARD_PDF_A4,
    GUIDE_PAGE,
    GUIDE_PDF,
    HANDOUTS_DIR,
    PDF_ATTRIBUTE,
    card_parts,
    card_section_ids,
    handout_pdf,
)
from ivig_guide.rules import format_findings
from ivig_guide.settings import configured_lock


class HandoutError(OutputError):
    """The handouts cannot be printed or failed a check; the message says what to do."""


@dataclass(frozen=True)
class Job:
    """One PDF to print: the page's site-relative URL, where the PDF goes, its paper and its subject."""

    url: str
    pdf: str
    paper: str
    subject: str
    sections: tuple[str, ...] | None  # approved section ids it must hold; None: those of its page
    one_page: bool = False


def plan(site: Path, *, card: tuple[str, ...], edition: str = "") -> list[Job]:
    """Return every PDF to print of one edition ('' or 'es/'): the guide, the card (Letter, A4) and each page.

    ``card`` lists the approved sections the card must hold (:func:`~ivig_guide.print_pages.card_section_ids`).
    """
    guide_page, card_page = edition + GUIDE_PAGE, edition + CARD_PAGE
    for needed in (guide_page, card_page):
        if not (site / needed).is_file():
            raise HandoutError(
                f"{site / needed} is missing: build the site first (`make build`); the build writes the print pages."
            )
    description = _meta(site / guide_page, "description")
    card_subject = _title(site / card_page) or "Emergency card: what to do in an emergency"
    jobs = [
        Job(_url(guide_page), edition + GUIDE_PDF, "Letter", description, ()),
        Job(_url(card_page), edition + CARD_PDF, "Letter", card_subject, card, True),
        Job(_url(card_page), edition + CARD_PDF_A4, "A4", card_subject, card, True),
    ]
    for path in sorted(site.rglob("index.html")):
        relative = path.relative_to(site).as_posix()
        if split_url(relative)[0] != edition:
            continue  # another edition's page
        head = path.read_text(encoding="utf-8", errors="replace")[:2000]
        if PDF_ATTRIBUTE not in head:
            continue
        root = lxml.html.document_fromstring(head + "</head></html>")
        jobs.append(Job(_url(relative), str(root.get(PDF_ATTRIBUTE, "")), "Letter", _meta(path, "description"), None))
    if len(jobs) == 3:
        raise HandoutError(f"{site}: no page of the guide was found (pages carry {PDF_ATTRIBUTE} on <html>).")
    return jobs


def _url(index: str) -> str:
    """Return the site-relative URL of an ``index.html``."""
    return index[: -len("index.html")]


def _document(path: Path) -> lxml.html.HtmlElement:
    """Return a built page, parsed as the UTF-8 it is written in (lxml alone would guess, and garble "guía")."""
    return lxml.html.document_fromstring(path.read_text(encoding="utf-8"))


def _title(path: Path) -> str:
    """Return the ``<title>`` of a built page (in its edition's language), or ''."""
    found = _document(path).find(".//title")
    return " ".join((found.text or "").split()) if found is not None else ""


def _meta(path: Path, name: str) -> str:
    """Return the content of a ``<meta name=…>`` of a built page, or ''."""
    found = _document(path).find(f".//meta[@name='{name}']")
    return " ".join(found.get("content", "").split()) if found is not None else ""


#: Wait for every font the printed page uses, then return the faces that failed to load. Reading a size
#: first lays the page out, which asks for its fonts: before that, ``fonts.ready`` may resolve at once.
PRINT_FONT_JS = """async () => {
  void document.body.offsetHeight;
  await document.fonts.ready;
  const failed = [...document.fonts].filter((face) => face.status === "error");
  return failed.map((face) => `${face.family} ${face.weight} ${face.style}`);
}"""


def site_url_of(site: Path) -> str:
    """Return the ``site_url`` a site was built with, as its print guide's canonical link names it, or ''."""
    path = site / GUIDE_PAGE
    if not path.is_file():
        return ""
    found = _document(path).find(".//link[@rel='canonical']")
    return found.get("href", "") if found is not None else ""


def print_all(site: Path, jobs: Sequence[Job], out: Path, *, lang: str = "en", edition: str = "") -> dict[str, float]:
    """Print every job into ``out`` (a folder standing for ``site/<edition>handouts``); return seconds per PDF.

    Each PDF is finished as it is printed (:func:`~ivig_guide.pdf_post.finish_pdf`): links to the
    local server become links under ``site_url``, untagged content becomes artifacts, and the PDF
    gets XMP metadata with its title and language.
    """
    from ivig_guide.browser import launch
    from ivig_guide.pdf_post import finish_pdf
    from ivig_guide.serve import serve

    timings: dict[str, float] = {}
    site_url = site_url_of(site)
    with serve(site) as served, launch() as browser:
        page = browser.new_page()
        page.emulate_media(media="print")
        for job in jobs:
            started = time.perf_counter()
            target = out / Path(job.pdf).relative_to(edition + HANDOUTS_DIR)
            target.parent.mkdir(parents=True, exist_ok=True)
            response = page.goto(served.url + job.url, wait_until="load")
            if response is None or not response.ok:
                raise HandoutError(f"{job.url or '/'}: the page did not load ({response.status if response else '?'}).")
            missing = page.evaluate(PRINT_FONT_JS)
            if missing:
                raise HandoutError(
                    f"{job.url or '/'}: the print font did not load ({', '.join(missing)}). "
                    "Restore overrides/assets/fonts/ and overrides/assets/stylesheets/print-fonts.css from git."
                )
            page.pdf(
                path=str(target),
                format=job.paper,
                print_background=True,
                prefer_css_page_size=True,
                tagged=True,
                outline=True,
            )
            title = page.title()
            finish_pdf(target, title=title, lang=lang, subject=job.subject, served=served.url, site_url=site_url)
            timings[job.pdf] = time.perf_counter() - started
    return timings


def check_all(out: Path, jobs: Sequence[Job], *, lock: Lock, lang: str, number: str, edition: str = "") -> list[str]:
    """Return what is wrong with one edition's printed PDFs: a card longer than one page, a lost step or number.

    ``out`` is the handouts folder of a built site (``<edition>handouts``); a link of a PDF that leads
    nowhere (the printing machine, a page that is not in the build) is wrong too.
    """
    from pypdf import PdfReader

    from ivig_guide.pdf_post import check_pdf_links, pdf_links

    problems: list[str] = []
    site = out.parents[len(Path(edition).parts)]
    site_url = site_url_of(site)
    for job in jobs:
        path = out / Path(job.pdf).relative_to(edition + HANDOUTS_DIR)
        if job.one_page:
            pages = len(PdfReader(path).pages)
            if pages != 1:
                card_html = site / (edition + CARD_PAGE)
                parts = card_parts(card_html.read_text(encoding="utf-8")) if card_html.is_file() else []
                longest = "; ".join(f"{part.name} {part.characters:,} characters" for part in parts)
                problems.append(
                    f"{job.pdf}: the emergency card is {pages} pages long on {job.paper} paper; it must fit on one. "
                    f"What it prints, longest first: {longest or 'unknown'}. "
                    "Shorten what is long: an approved section's wording in docs/ (then `make approve-emergency`), "
                    "a clinic setting in mkdocs.yml, or leave a section off the card on purpose (`card: false` "
                    "with a `card_reason:` in its block); or tighten the card's template "
                    "overrides/print/emergency-card.html and its styles (.pg-card in "
                    "overrides/assets/stylesheets/print.css)."
                )
        entries = pdf_entries(job, lock=lock, lang=lang)
        findings = check_pdf_text(pdf_text(path), pdf=job.pdf, entries=entries, number=number)
        findings += check_pdf_fonts(pdf_fonts(path), pdf=job.pdf)
        if findings:
            problems.append(format_findings(findings).rstrip())
        dead = check_pdf_links(pdf_links(path), pdf=job.pdf, site=site, site_url=site_url)
        if dead:
            problems.append(
                "Links in the PDF that lead nowhere (print the handouts from a build with its public `site_url`, "
                "e.g. SITE_URL=https://… make release; link only to pages of the guide):\n  "
                + "\n  ".join(map(str, dead))
            )
    return problems


def pdf_entries(job: Job, *, lock: Lock, lang: str) -> list[LockEntry]:
    """Return the approved sections a PDF must hold."""
    entries = lock.in_language(lang)
    if job.sections is None:
        return [entry for entry in entries if handout_pdf(entry.page) == job.pdf]
    if not job.sections:
        return entries
    return [entry for entry in entries if entry.id in job.sections]


def make_handouts(site: Path, *, config: Path = Path("mkdocs.yml")) -> dict[str, float]:
    """Print, check and publish every handout of every edition of ``site``; return the seconds each PDF took.

    Each edition's PDFs go to its own folder (``handouts/``, ``es/handouts/``), checked against that
    language's approved sections; nothing is moved into place unless every edition's PDFs passed.
    """
    settings, lock = configured_lock(config)
    editions = [(lang, settings.edition_prefix(lang)) for lang in settings.languages]
    planned = [
        (lang, edition, plan(site, card=card_section_ids(lock, lang), edition=edition)) for lang, edition in editions
    ]
    outs = {edition: site / f"{edition}{HANDOUTS_DIR}.tmp" for _lang, edition in editions}
    timings: dict[str, float] = {}
    try:
        problems = []
        for lang, edition, jobs in planned:
            shutil.rmtree(outs[edition], ignore_errors=True)
            timings |= print_all(site, jobs, outs[edition], lang=lang, edition=edition)
            problems += check_all(outs[edition], jobs, lock=lock, lang=lang, number=settings.number, edition=edition)
        if problems:
            raise HandoutError("\n\n".join(problems))
        for _lang, edition, _jobs in planned:
            final = site / f"{edition}{HANDOUTS_DIR}"
            shutil.rmtree(final, ignore_errors=True)
            outs[edition].rename(final)
    finally:
        for out in outs.values():
            shutil.rmtree(out, ignore_errors=True)
    return timings


def main(argv: Sequence[str] | None = None) -> int:
    """Print the handouts of a built folder; exit 1 with the reason when any check fails."""
    parser = argparse.ArgumentParser(prog="python -m ivig_guide.handouts", description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built site folder, e.g. site")
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="mkdocs.yml (emergency number)")
    args = parser.parse_args(argv)
    from ivig_guide.browser import BrowserNotFound

    started = time.perf_counter()
    try:
        timings = make_handouts(args.site, config=args.config)
    except (GuideError, BrowserNotFound) as error:
        print(f"Handouts not made: {error}", file=sys.stderr)
        return 1
    print(f"Printed {len(timings)} PDFs of every edition into {args.site}/ in {time.perf_counter() - started:.1f} s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
