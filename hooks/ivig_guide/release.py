"""The last gate before publishing: the emergency guard over every output of a release folder.

    python -m ivig_guide.release check site --docs docs

It checks the site's pages (as ``python -m ivig_guide.emergency check`` does), the print pages, every
handout PDF (each approved step in order, the emergency number, the card on one page with every
approved section, every link inside the PDF, a tel:/mailto: link, a built page under site_url or a
public site), the embed pages, and that every link to a handout leads to a file. Exit status 1 lists what is wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html

from ivig_guide.addresses import output_path, url_of_page
from ivig_guide.editions import drift_notice_before
from ivig_guide.embed import check_embeds
from ivig_guide.errors import GuideError, OutputError
from ivig_guide.lock import Lock, drift_message, drifted
from ivig_guide.page_check import PageResult
from ivig_guide.print_pages import CARD_PAGE, GUIDE_PAGE, HANDOUTS_DIR, card_section_ids, check_print_page
from ivig_guide.rules import Finding, Rule, format_findings
from ivig_guide.settings import configured_lock
from ivig_guide.site_check import check_site, check_site_against_lock


def check_release(
    site: Path,
    *,
    lock: Lock,
    number: str,
    lang: str,
    docs: Path | None,
    editions: Sequence[tuple[str, str]] | None = None,
) -> list[str]:
    """Return the problems of a release folder; none means it may be published.

    ``editions`` lists (language, folder) of every edition built (default: just ``lang`` at the root).
    """
    from ivig_guide.handouts import HandoutError, check_all, plan

    results = check_site(site, lock=lock, number=number, lang=lang, docs=docs)
    findings: list[Finding] = check_site_against_lock(results, lock)
    findings += check_translation_drift(site, results, lock=lock)
    problems: list[str] = []
    for edition_lang, edition in editions or [(lang, "")]:
        card = card_section_ids(lock, edition_lang)
        for page, require in ((edition + GUIDE_PAGE, None), (edition + CARD_PAGE, card)):
            path = site / page
            if path.is_file():
                html = path.read_text(encoding="utf-8")
                findings += check_print_page(
                    html, name=page, lock=lock, number=number, lang=edition_lang, require=require
                )
        try:
            jobs = plan(site, card=card, edition=edition)
        except HandoutError as error:
            problems.append(str(error))
            continue
        missing = [job.pdf for job in jobs if not (site / job.pdf).is_file()]
        if missing:
            problems.append(f"Handouts missing (run `make handouts`): {', '.join(missing)}")
        else:
            problems += check_all(
                site / edition / HANDOUTS_DIR, jobs, lock=lock, lang=edition_lang, number=number, edition=edition
            )
    if findings:
        problems.insert(0, format_findings(findings).rstrip())
    embed_findings = check_embeds(site, lock=lock, number=number)
    if embed_findings:
        problems.append(format_findings(embed_findings).rstrip())
    problems += dead_handout_links(site)
    return problems


def check_translation_drift(site: Path, results: Sequence[PageResult], *, lock: Lock) -> list[Finding]:
    """Return a finding for each translation approved against older wording of its original.

    A translation approved as pending review may ship, but only with the notice above it on its page;
    one not marked pending blocks the release until it is approved again (``make approve-emergency``).
    """
    findings = []
    built = {(result.lang, result.page) for result in results}
    for entry, original in drifted(lock):
        if (entry.lang, entry.page) not in built:
            continue
        if not entry.pending_review:
            findings.append(
                Finding(
                    entry.page,
                    None,
                    entry.id,
                    Rule.TRANSLATION_DRIFT,
                    drift_message(entry, original),
                    "Have the translation checked against the new wording and run `make approve-emergency`, or, to "
                    "ship the new original first, `make approve-emergency PENDING=1` (the page then shows a notice).",
                )
            )
            continue
        html = (site / output_path(url_of_page(entry.page))).read_text(encoding="utf-8")
        if not drift_notice_before(html, entry.id):
            findings.append(
                Finding(
                    entry.page,
                    None,
                    entry.id,
                    Rule.DRIFT_NOTICE_MISSING,
                    f"The section is approved as pending review of newer wording of {original.key}, but its page "
                    "does not show the notice above it.",
                    "Build with hooks/emergency_guard.py, which adds the notice.",
                )
            )
    return findings


#: Where the offline folder's zip is published (ivig_guide.offline.OFFLINE_ZIP).
DOWNLOADS_DIR = "downloads"


def dead_handout_links(site: Path) -> list[str]:
    """Return a line for each link in the site's HTML to a handout or download (the offline zip) that is not there."""
    dead = []
    base = "http://site.invalid/"
    folders = (f"{HANDOUTS_DIR}/", f"{DOWNLOADS_DIR}/")
    for path in sorted(site.rglob("*.html")):
        html = path.read_text(encoding="utf-8", errors="replace")
        if not any(folder in html for folder in folders):
            continue
        here = urljoin(base, path.relative_to(site).as_posix())
        for link in lxml.html.document_fromstring(html).iter("a"):
            target = urlsplit(urljoin(here, link.get("href", "")))
            if not target.geturl().startswith(base) or not any(f"/{folder}" in target.path for folder in folders):
                continue
            if not (site / unquote(target.path.lstrip("/"))).is_file():
                dead.append(f"{path.relative_to(site)}: the link to {link.get('href')} leads to no file.")
    return dead


def main(argv: Sequence[str] | None = None) -> int:
    """Check a release folder; exit 1 with what is wrong."""
    parser = argparse.ArgumentParser(prog="python -m ivig_guide.release", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["check"])
    parser.add_argument("site", type=Path, help="the release folder, e.g. site")
    parser.add_argument("--docs", type=Path, help="the Markdown folder, to name source lines (e.g. docs)")
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"))
    args = parser.parse_args(argv)
    try:
        settings, lock = configured_lock(args.config)
        if not args.site.is_dir():
            raise OutputError(f"{args.site}: no such folder. Run `make release`.")
        editions = [(lang, settings.edition_prefix(lang)) for lang in settings.languages]
        problems = check_release(
            args.site, lock=lock, number=settings.number, lang=settings.lang, docs=args.docs, editions=editions
        )
    except GuideError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    if problems:
        print("Release check failed, do not publish:\n\n" + "\n\n".join(problems), file=sys.stderr)
        return 1
    print(
        f"Release check: the pages, embeds, print pages, handouts and handout links of {args.site} are intact "
        f"in every edition ({', '.join(settings.languages)})."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
