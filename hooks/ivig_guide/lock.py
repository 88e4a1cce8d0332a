"""The approved lock: the last approved wording of every emergency section, per language.

The lock is one human-readable YAML file, ``hooks/emergency-lock.yml``. It is
written only by ``make approve-emergency`` so that every change to emergency
wording is a deliberate commit someone can review. Each entry is keyed by
language and section id (``en/anaphylaxis-first-aid``); a section in another
language is checked against the entry with the same id in the source language.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ivig_guide.emergency_blocks import KINDS
from ivig_guide.errors import LockError

LOCK_VERSION = 2
#: Versions read as well: version 1 had no ``card`` field, and its sections are all on the card.
READABLE_VERSIONS = (1, LOCK_VERSION)
BLOCK_TYPES = ("text", "list", "steps")
HEADER = """\
# Approved wording of the guide's emergency sections.
#
# The build compares every emergency section it renders with this file and
# stops on any difference. Do not edit it by hand: change the Markdown, have
# the wording checked, then run `make approve-emergency`, which shows the
# difference and rewrites this file. Commit it with the page.
"""

Block = tuple[str, "str | tuple[str, ...]"]


@dataclass(frozen=True)
class Section:
    """The reader-visible content of one emergency section."""

    id: str
    kind: str
    heading: str
    prefix: str
    content: tuple[Block, ...]  # ("text", "…") | ("list", ("…", …)) | ("steps", ("…", …))
    tel: tuple[str, ...] = ()
    card: bool = True  # printed on the emergency card; leaving it off is an approved choice
    card_reason: str = ""  # why it is left off the card (required when card is False)

    def card_text(self) -> str:
        """Return whether the section is on the emergency card, as a reviewer reads it."""
        return "on the card" if self.card else f"left off the card ({self.card_reason or 'no reason given'})"

    def blocks(self, block_type: str) -> tuple[Any, ...]:
        """Return the content blocks of one type, in order."""
        return tuple(value for kind, value in self.content if kind == block_type)

    def all_text(self) -> str:
        """Return the heading and every block as one string."""
        parts = [self.heading]
        for _kind, value in self.content:
            parts.extend([value] if isinstance(value, str) else value)
        return " ".join(parts)

    def shape(self) -> tuple[Any, ...]:
        """Return what a translation must share with its original: kind, block types and list lengths."""
        return (self.kind, tuple((kind, 1 if isinstance(v, str) else len(v)) for kind, v in self.content))


@dataclass(frozen=True)
class LockEntry:
    """One approved section: where it lives, what it says, who approved it and when."""

    lang: str
    page: str
    section: Section
    approved_by: str
    approved_on: str
    translation_of: str | None = None
    #: A translation's approval records the original's wording it was checked against (``Section.all_text``).
    checked_against: str | None = None
    #: Approved to ship while its original has newer approved wording: the page shows a notice above it.
    pending_review: bool = False

    @property
    def id(self) -> str:
        """Return the section id."""
        return self.section.id

    @property
    def key(self) -> str:
        """Return the lock key, e.g. ``en/anaphylaxis-first-aid``."""
        return f"{self.lang}/{self.section.id}"


@dataclass(frozen=True)
class Lock:
    """Every approved section, keyed by ``lang/id``."""

    emergency_number: str
    source_language: str
    entries: dict[str, LockEntry] = field(default_factory=dict)

    def get(self, lang: str, section_id: str) -> LockEntry | None:
        """Return the approved entry of one section, or None."""
        return self.entries.get(f"{lang}/{section_id}")

    def in_language(self, lang: str) -> list[LockEntry]:
        """Return the entries of one language."""
        return [entry for entry in self.entries.values() if entry.lang == lang]

    def on_page(self, lang: str, page: str) -> list[LockEntry]:
        """Return the entries approved on one page in one language."""
        return [entry for entry in self.entries.values() if entry.lang == lang and entry.page == page]


# --------------------------------------------------------------------------- reading


def load_lock(text: str, *, path: str = "emergency-lock.yml") -> Lock:
    """Parse and validate the lock; raise LockError naming the file, the entry and the fix."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise LockError(
            f"{path}: not valid YAML ({error}). Restore it from git, then run `make approve-emergency`."
        ) from None
    if not isinstance(data, dict):
        raise LockError(f"{path}: expected a mapping with 'version', 'emergency_number' and 'sections'.")
    if data.get("version") not in READABLE_VERSIONS:
        raise LockError(
            f"{path}: 'version' must be {LOCK_VERSION} (or the older 1), found {data.get('version')!r}. "
            "Restore the lock from git, then run `make approve-emergency`."
        )
    number = str(data.get("emergency_number", ""))
    if not number.isdigit():
        raise LockError(f"{path}: 'emergency_number' must be digits, found {number!r}.")
    source_language = str(data.get("source_language", "en"))
    sections = data.get("sections")
    if not isinstance(sections, list):
        raise LockError(f"{path}: 'sections' must be a list of approved sections.")
    entries: dict[str, LockEntry] = {}
    for index, raw in enumerate(sections, start=1):
        entry = _entry(raw, f"{path}: section #{index}")
        if entry.key in entries:
            raise LockError(f"{path}: '{entry.key}' is approved twice; keep one entry.")
        entries[entry.key] = entry
    lock = Lock(number, source_language, entries)
    problems = check_translations(lock)
    if problems:
        raise LockError(f"{path}: translations do not match their originals:\n  " + "\n  ".join(problems))
    return lock


def read_lock(path: Path) -> Lock:
    """Return the lock at ``path``; raise LockError if it is missing or malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LockError(
            f"{path}: the approved lock is missing. Restore it from git, or create it with `make approve-emergency`."
        ) from None
    try:
        return load_lock(text, path=str(path))
    except LockError as error:
        if "make approve-emergency" in str(error):
            raise
        raise LockError(
            f"{error}\n  Fix: the lock is written only by `make approve-emergency`, never by hand. Restore the "
            f"approved copy with `git checkout -- {path}`, then make the change in docs/ and approve it."
        ) from None


def _entry(raw: Any, where: str) -> LockEntry:
    """Return one validated lock entry."""
    if not isinstance(raw, dict):
        raise LockError(f"{where}: expected a mapping.")
    for key in ("lang", "id", "page", "kind", "heading", "prefix", "content", "approved_by", "approved_on"):
        if key not in raw:
            raise LockError(f"{where}: missing '{key}'.")
    where = f"{where} ('{raw['lang']}/{raw['id']}')"
    if raw["kind"] not in KINDS:
        raise LockError(f"{where}: unknown kind {raw['kind']!r}; use one of {', '.join(KINDS)}.")
    if not isinstance(raw["content"], list):
        raise LockError(f"{where}: 'content' must be a list of text, list and steps blocks.")
    content: list[Block] = []
    for block in raw["content"]:
        if not isinstance(block, dict) or len(block) != 1 or next(iter(block)) not in BLOCK_TYPES:
            raise LockError(f"{where}: each content block must be one of {', '.join(BLOCK_TYPES)}, found {block!r}.")
        ((kind, value),) = block.items()
        if kind == "text" and not isinstance(value, str):
            raise LockError(f"{where}: a text block must be a string.")
        if kind != "text" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise LockError(f"{where}: a {kind} block must be a list of strings.")
        content.append((kind, value if isinstance(value, str) else tuple(value)))
    if raw["kind"] == "first-aid" and sum(1 for kind, _ in content if kind == "steps") != 1:
        raise LockError(f"{where}: a first-aid section must have exactly one steps block.")
    tel = raw.get("tel", [])
    if not isinstance(tel, list):
        raise LockError(f"{where}: 'tel' must be a list of numbers.")
    card = raw.get("card", True)
    if not isinstance(card, bool):
        raise LockError(f"{where}: 'card' must be true or false, found {card!r}.")
    card_reason = " ".join(str(raw.get("card_reason") or "").split())
    if not card and not card_reason:
        raise LockError(
            f"{where}: 'card: false' needs a 'card_reason'. Add `card_reason:` to the section's block and run "
            "`make approve-emergency`."
        )
    section = Section(
        id=str(raw["id"]),
        kind=raw["kind"],
        heading=str(raw["heading"]),
        prefix=str(raw["prefix"]),
        content=tuple(content),
        tel=tuple(str(t) for t in tel),
        card=card,
        card_reason=card_reason if not card else "",
    )
    return LockEntry(
        lang=str(raw["lang"]),
        page=str(raw["page"]),
        section=section,
        approved_by=str(raw["approved_by"]),
        approved_on=str(raw["approved_on"]),
        translation_of=raw.get("translation_of"),
        checked_against=None if raw.get("checked_against") is None else str(raw["checked_against"]),
        pending_review=bool(raw.get("pending_review", False)),
    )


def check_translations(lock: Lock) -> list[str]:
    """Return a problem for each translated section whose kind, step count or list lengths differ from its original."""
    problems = []
    for entry in lock.entries.values():
        if entry.lang == lock.source_language:
            continue
        original_key = entry.translation_of or f"{lock.source_language}/{entry.id}"
        original = lock.entries.get(original_key)
        if original is None:
            problems.append(f"{entry.key}: its original {original_key} is not in the lock.")
        elif entry.section.shape() != original.section.shape():
            problems.append(
                f"{entry.key}: kind, steps or list items differ from {original_key} "
                f"({entry.section.shape()} vs {original.section.shape()})."
            )
        elif set(entry.section.tel) != set(original.section.tel):
            problems.append(f"{entry.key}: calls {entry.section.tel}, its original {original.section.tel}.")
        elif entry.checked_against is None:
            problems.append(
                f"{entry.key}: the approval does not record the wording of {original_key} it was checked against "
                "(checked_against). Run `make approve-emergency` to approve it again."
            )
    return problems


def original_of(lock: Lock, entry: LockEntry) -> LockEntry | None:
    """Return the approved original of a translated entry (None for an original, or a missing one)."""
    if entry.lang == lock.source_language:
        return None
    return lock.entries.get(entry.translation_of or f"{lock.source_language}/{entry.id}")


def drifted(lock: Lock, lang: str | None = None) -> list[tuple[LockEntry, LockEntry]]:
    """Return (translation, original) for each translation approved against older wording of its original."""
    found = []
    for entry in lock.entries.values():
        if lang is not None and entry.lang != lang:
            continue
        original = original_of(lock, entry)
        if original is not None and entry.checked_against != original.section.all_text():
            found.append((entry, original))
    return found


def drift_message(entry: LockEntry, original: LockEntry) -> str:
    """Return what changed in the original since the translation was checked against it, word by word."""
    state = "approved as pending review" if entry.pending_review else "not yet reviewed"
    return (
        f"{entry.key} ({entry.page}) was checked against older wording of {original.key} ({original.page}), "
        f"approved anew on {original.approved_on}; {state}. The English changes:\n"
        + word_diff(entry.checked_against or "", original.section.all_text())
    )


# --------------------------------------------------------------------------- writing


def entry_to_data(entry: LockEntry) -> dict[str, Any]:
    """Return one entry as plain data, in the order a reviewer reads it."""
    data: dict[str, Any] = {"lang": entry.lang, "id": entry.id, "page": entry.page}
    if entry.translation_of:
        data["translation_of"] = entry.translation_of
    section = entry.section
    data.update(kind=section.kind, heading=section.heading, prefix=section.prefix)
    data["content"] = [{kind: value if isinstance(value, str) else list(value)} for kind, value in section.content]
    data["tel"] = list(section.tel)
    data["card"] = section.card
    if not section.card:
        data["card_reason"] = section.card_reason
    data.update(approved_by=entry.approved_by, approved_on=entry.approved_on)
    if entry.checked_against is not None:
        data["checked_against"] = entry.checked_against
    if entry.pending_review:
        data["pending_review"] = True
    return data


def dump_lock(lock: Lock) -> str:
    """Return the lock as the YAML text of the lock file."""
    data = {
        "version": LOCK_VERSION,
        "emergency_number": lock.emergency_number,
        "source_language": lock.source_language,
        "sections": [entry_to_data(entry) for entry in lock.entries.values()],
    }
    return HEADER + "\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000)


# --------------------------------------------------------------------------- differences


def word_diff(expected: str, found: str) -> str:
    """Return expected and found text, and the words that differ, for a terminal message."""
    a, b = expected.split(), found.split()
    changes = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "replace":
            changes.append(f"'{' '.join(a[i1:i2])}' → '{' '.join(b[j1:j2])}'")
        elif op == "delete":
            changes.append(f"removed '{' '.join(a[i1:i2])}'")
        elif op == "insert":
            changes.append(f"added '{' '.join(b[j1:j2])}'")
    return f"      expected: {expected}\n      found:    {found}\n      words:    {'; '.join(changes) or '(spacing)'}"


def diff_sections(old: Section | None, new: Section | None) -> Iterator[str]:
    """Yield lines that show a reviewer how one section changes."""
    if old is None and new is not None:
        yield f"  + new {new.kind} section: {new.heading}"
        for kind, value in new.content:
            for line in [value] if isinstance(value, str) else value:
                yield f"      + [{kind}] {line}"
        yield f"      emergency card: {new.card_text()}"
        return
    if new is None and old is not None:
        yield f"  - removed {old.kind} section: {old.heading}"
        return
    assert old is not None and new is not None
    if old.kind != new.kind:
        yield f"  ~ kind: {old.kind} → {new.kind}"
    if old.heading != new.heading:
        yield "  ~ heading:\n" + word_diff(old.heading, new.heading)
    old_lines = [f"[{kind}] {line}" for kind, v in old.content for line in ([v] if isinstance(v, str) else v)]
    new_lines = [f"[{kind}] {line}" for kind, v in new.content for line in ([v] if isinstance(v, str) else v)]
    for line in difflib.unified_diff(old_lines, new_lines, lineterm="", n=1):
        if not line.startswith(("---", "+++")):
            yield f"      {line}"
    if old.tel != new.tel:
        yield f"  ~ tel: {list(old.tel)} → {list(new.tel)}"
    if (old.card, old.card_reason) != (new.card, new.card_reason):
        yield f"  ~ emergency card: {old.card_text()} → {new.card_text()}"
