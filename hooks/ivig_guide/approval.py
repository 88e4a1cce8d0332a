"""Approving emergency wording: the new lock made from a build, the changes it makes, and who approves.

``make approve-emergency`` builds the site without the lock, then ``python -m ivig_guide.emergency approve``
shows the word-by-word changes and, once confirmed, rewrites ``hooks/emergency-lock.yml``.
"""

from __future__ import annotations

import argparse
import datetime
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ivig_guide.lock import Lock, LockEntry, check_translations, diff_sections, dump_lock, word_diff
from ivig_guide.page_check import PageResult
from ivig_guide.rules import format_findings
from ivig_guide.site_check import check_site


def approved_lock(
    results: Sequence[PageResult],
    old: Lock | None,
    *,
    number: str,
    by: str,
    today: str,
    pending: bool = False,
) -> tuple[Lock, list[str]]:
    """Return the lock that approves what was found, and the lines that describe the changes.

    A translation is approved against its original's wording as approved now, which its entry records
    (``checked_against``). A translation whose own wording did not change while its original did is
    approved again against the new wording, or, with ``pending``, kept as it was and marked pending
    review: it may ship, with a notice above it on its page, until someone checks it.
    """
    entries: dict[str, LockEntry] = {}
    changes: list[str] = []
    source_language = old.source_language if old else "en"
    if old is not None and old.emergency_number != number:
        changes.append(f"  ~ emergency number: {old.emergency_number} → {number}")
    # The originals first: their new wording is what translations are checked against.
    ordered = sorted(results, key=lambda r: (r.lang != source_language, r.lang, r.page))
    for result in ordered:
        for section in result.sections:
            previous = old.get(result.lang, section.id) if old else None
            original = entries.get(f"{source_language}/{section.id}") if result.lang != source_language else None
            translation_of = (previous.translation_of if previous else None) or (original.key if original else None)
            checked = original.section.all_text() if original else None
            entry = LockEntry(result.lang, result.page, section, by, today, translation_of, checked)
            unchanged = previous is not None and previous.section == section and previous.page == result.page
            if unchanged and previous is not None and (original is None or previous.checked_against == checked):
                entry = previous
            elif unchanged and previous is not None and original is not None:
                if pending:
                    entry = replace(previous, pending_review=True)
                    if not previous.pending_review:
                        changes.append(f"{entry.key} on {result.page}: pending review (its wording is kept, and its")
                        changes.append(f"      page says the {source_language} page has newer wording):")
                        changes.append(word_diff(previous.checked_against or "", checked or ""))
                else:
                    changes.append(
                        f"{entry.key} on {result.page}: checked again against the new wording of {original.key}:"
                    )
                    changes.append(word_diff(previous.checked_against or "", checked or ""))
            else:
                where = f"{entry.key} on {result.page}"
                if previous is not None and previous.page != result.page:
                    where += f" (moved from {previous.page})"
                changes.append(f"{where}:")
                changes.extend(diff_sections(previous.section if previous else None, section))
            entries[entry.key] = entry
    languages = {result.lang for result in results}
    for key, previous in old.entries.items() if old else ():
        if key not in entries and previous.lang not in languages:
            entries[key] = previous  # another language's edition, not part of this build
        elif key not in entries:
            changes.append(f"{key} on {previous.page}:")
            changes.extend(diff_sections(previous.section, None))
    return Lock(number, source_language, entries), changes


def approver(given: str | None) -> str | None:
    """Return who approves: the given name, else git's user.name; None when neither names a person."""
    if given and given.strip():
        return given.strip()
    try:
        name = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True, check=False).stdout
    except OSError:
        name = ""
    return name.strip() or None


def shared_ids(results: Sequence[PageResult]) -> list[str]:
    """Return a line for each section id used on more than one page of one language."""
    pages: dict[tuple[str, str], list[str]] = {}
    for result in results:
        for section in result.sections:
            pages.setdefault((result.lang, section.id), []).append(result.page)
    return [
        f"  {lang}/{section_id} is used on {' and '.join(sorted(where))}: give each section its own `id:`."
        for (lang, section_id), where in sorted(pages.items())
        if len(where) > 1
    ]


def approve(args: argparse.Namespace, old: Lock | None, lock_path: Path, *, number: str, lang: str) -> int:
    """Show what changes, ask, and rewrite the lock."""
    results = check_site(args.site, lock=None, number=number, lang=lang, docs=args.docs)
    broken = [finding for result in results for finding in result.findings]
    if broken:
        print(
            format_findings(broken).replace("so this build must not be published", "so it cannot be approved"),
            file=sys.stderr,
        )
        return 1
    shared = shared_ids(results)
    if shared:
        print("Not approved: a section id must be used once.\n" + "\n".join(shared), file=sys.stderr)
        return 1
    by = approver(args.by)
    if by is None:
        print(
            'Not approved: say who approves, as `make approve-emergency BY="Name"` (or set git config user.name).',
            file=sys.stderr,
        )
        return 1
    new, changes = approved_lock(
        results, old, number=number, by=by, today=datetime.date.today().isoformat(), pending=args.pending
    )
    problems = check_translations(new)
    if problems:
        print("Not approved: translations do not match their originals:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    if not changes:
        print(f"Nothing to approve: {lock_path} matches the site ({len(new.entries)} sections).")
        return 0
    print(f"Changes to approved emergency content ({lock_path}):\n")
    print("\n".join(changes))
    print()
    if not args.yes:
        if not sys.stdin.isatty():
            print(
                "Not approved: no terminal to confirm. Run `make approve-emergency YES=1` to approve.", file=sys.stderr
            )
            return 1
        try:
            answer = input(f"Approve these changes as {by}? Type 'yes': ")
        except (EOFError, KeyboardInterrupt):
            answer = ""
            print()
        if answer.strip().lower() != "yes":
            print("Not approved; the lock is unchanged.")
            return 1
    lock_path.write_text(dump_lock(new), encoding="utf-8")
    print(f"Approved by {by}. Commit {lock_path} together with the page change.")
    return 0
