"""The emergency guard: decide whether the guide's emergency sections reached the reader intact.

Everything here takes strings (rendered HTML, Markdown source, the lock file's
text) and returns findings; nothing imports MkDocs. ``hooks/emergency_guard.py``
calls these functions on every page MkDocs builds, and the command line at the
bottom runs them on any built folder::

    python -m ivig_guide.emergency check site --docs docs
    python -m ivig_guide.emergency approve site --docs docs

The markup being checked is made by :mod:`ivig_guide.emergency_blocks`; the
approved wording of every section lives in ``hooks/emergency-lock.yml``
(see :mod:`ivig_guide.lock`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ivig_guide.approval import approve
from ivig_guide.errors import GuideError
from ivig_guide.lock import Lock, read_lock
from ivig_guide.rules import format_findings
from ivig_guide.settings import read_settings, require_number
from ivig_guide.site_check import check_site, check_site_against_lock


def main(argv: Sequence[str] | None = None) -> int:
    """Check a built folder against the lock, or approve what it holds."""
    parser = argparse.ArgumentParser(prog="python -m ivig_guide.emergency", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["check", "approve"], help="check the folder, or approve its wording")
    parser.add_argument("site", type=Path, help="a built site folder, e.g. site")
    parser.add_argument("--docs", type=Path, help="the Markdown folder, to name source lines (e.g. docs)")
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="mkdocs.yml to read the number from")
    parser.add_argument("--lock", type=Path, help="the lock file (default: hooks/emergency-lock.yml)")
    parser.add_argument("--number", help="the emergency number (default: extra.emergency_number)")
    parser.add_argument("--yes", action="store_true", help="approve without asking")
    parser.add_argument("--by", help="who approves (default: git config user.name)")
    parser.add_argument(
        "--pending",
        action="store_true",
        help="keep translations whose original changed as they are, marked pending review (with a notice)",
    )
    args = parser.parse_args(argv)
    try:
        settings = read_settings(args.config)
        number = args.number or settings.number
        lock_path = args.lock or settings.lock_path
        if not args.site.is_dir():
            raise GuideError(f"{args.site}: no such folder. Build the site first (`make build`).")
        if args.command == "check":
            return _check(args.site, read_lock(lock_path), number=number, lang=settings.lang, docs=args.docs)
        old = read_lock(lock_path) if lock_path.exists() else None
        return approve(args, old, lock_path, number=number, lang=settings.lang)
    except GuideError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2


def _check(site: Path, lock: Lock, *, number: str, lang: str, docs: Path | None) -> int:
    """Print the findings of a built folder and return the exit status."""
    require_number(lock, number)
    results = check_site(site, lock=lock, number=number, lang=lang, docs=docs)
    if not results:
        print(
            f"Error: {site} holds no page of the guide (no HTML file with an <article>). "
            "Check the folder: build the site first (`make build`).",
            file=sys.stderr,
        )
        return 1
    findings = check_site_against_lock(results, lock)
    if findings:
        print(format_findings(findings), file=sys.stderr)
        return 1
    sections = sum(len(result.sections) for result in results)
    print(f"Emergency guard: {sections} sections on {len(results)} pages of {site} match the approved lock.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
