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
import datetime
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lxml.html
import yaml
from lxml.etree import ParserError

from ivig_guide.content import parse_article
from ivig_guide.emergency_blocks import (
    CARD_ATTRIBUTE,
    CARD_REASON_ATTRIBUTE,
    HIDDEN_CLASS,
    KIND_ATTRIBUTE,
    KINDS,
    TITLE_CLASS,
)
from ivig_guide.lock import Lock, LockEntry, LockError, Section, diff_sections, dump_lock, load_lock, word_diff

#: Elements whose content a reader never sees as running text.
CODE_TAGS = frozenset({"pre", "code", "kbd", "samp", "script", "style", "template", "textarea", "noscript"})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: Elements that show their text as deleted.
STRUCK_TAGS = frozenset({"del", "s", "strike"})
#: Inline styles that hide an element.
HIDING_STYLE = re.compile(r"(display\s*:\s*none|visibility\s*:\s*hidden|content-visibility\s*:\s*hidden)", re.I)
#: Marks the parts of a print page (the whole guide, the emergency card) by the page they come from.
PRINT_SOURCE_ATTRIBUTE = "data-pg-print-source"
#: A block header that the Markdown extension did not recognise stays in the page as text.
STRAY_BLOCK_HEADER = re.compile(r"^/{3,}\s*([\w-]+)")
CALL_VERBS = r"call|calls|calling|dial|dials|dialing|dialling|phone|phoning|ring|ringing|text|contact"
APPROVE_HINT = "If the change is deliberate, run `make approve-emergency` and commit hooks/emergency-lock.yml."


@dataclass(frozen=True)
class Finding:
    """One broken rule in one emergency section (or one unguarded instruction)."""

    page: str  # source file, e.g. "anaphylaxis.md"
    line: int | None  # 1-based line of the section's block header in the source file
    section: str | None  # section id, e.g. "anaphylaxis-first-aid"
    rule: str  # stable id, e.g. "steps-count"
    message: str  # what is wrong; may span lines (expected / found)
    fix: str  # what the author must do

    def __str__(self) -> str:
        """Return the finding as an actionable message for a content editor."""
        where = f"{self.page}:{self.line}" if self.line else self.page
        what = f" section '{self.section}'" if self.section else ""
        return f"{where}{what} [{self.rule}] {self.message}\n    Fix: {self.fix}"


@dataclass
class PageResult:
    """What checking one page found: the sections it holds and the rules they break."""

    page: str
    lang: str
    sections: list[Section] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


# --------------------------------------------------------------------------- parsing


def text_of(element: lxml.html.HtmlElement) -> str:
    """Return an element's text with whitespace collapsed, as a reader would hear it."""
    return " ".join(element.text_content().split())


def digits(text: str) -> str:
    """Return only the digits of a phone number or ``tel:`` link."""
    return "".join(ch for ch in text if ch.isdigit())


def page_language(html: str, default: str) -> str:
    """Return the ``lang`` of the page's ``<html>`` element, or ``default``."""
    start = html.find("<html")
    if start < 0:
        return default
    tag = html[start : html.find(">", start) + 1]
    try:
        return lxml.html.document_fromstring(tag + "</html>").get("lang") or default
    except ParserError:
        return default


def _is_hidden(element: lxml.html.HtmlElement) -> str | None:
    """Return why an element hides its content from readers, or None."""
    if element.tag == "details" and element.get("open") is None:
        return "it is inside a collapsed <details> block"
    if element.tag in CODE_TAGS:
        return f"it is inside a <{element.tag}> element, shown as code or not at all"
    if element.get("hidden") is not None:
        return "it has the `hidden` attribute"
    if element.get("aria-hidden", "").lower() == "true":
        return 'it has aria-hidden="true", so screen readers skip it'
    if HIDING_STYLE.search(element.get("style", "")):
        return "an inline style hides it"
    if HIDDEN_CLASS in element.classes:
        return f"it has the class {HIDDEN_CLASS}, so only screen readers see it"
    if element.tag in STRUCK_TAGS:
        return f"it is struck through (<{element.tag}>), so it reads as withdrawn"
    return None


def _ancestors(element: lxml.html.HtmlElement, stop: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """Yield the ancestors of ``element`` up to, not including, ``stop``."""
    parent = element.getparent()
    while parent is not None and parent is not stop:
        yield parent
        parent = parent.getparent()


def extract_section(element: lxml.html.HtmlElement) -> Section:
    """Return the reader-visible content of one marked section in the lock's terms."""
    kind = element.get(KIND_ATTRIBUTE, "")
    title = next((child for child in element if child.tag in HEADING_TAGS and TITLE_CLASS in child.classes), None)
    prefix = heading = ""
    if title is not None:
        hidden = title.find(f".//span[@class='{HIDDEN_CLASS}']")
        prefix = text_of(hidden) if hidden is not None else ""
        full = text_of(title)
        heading = full[len(prefix) :].strip() if prefix and full.startswith(prefix) else full
    content: list[tuple[str, str | tuple[str, ...]]] = []
    _collect_blocks(element, title, content)
    tel = tuple(digits(a.get("href", "")[4:]) for a in element.iter("a") if a.get("href", "").startswith("tel:"))
    return Section(
        id=element.get("id", ""),
        kind=kind,
        heading=heading,
        prefix=prefix,
        content=tuple(content),
        tel=tel,
        card=element.get(CARD_ATTRIBUTE) != "false",
        card_reason=element.get(CARD_REASON_ATTRIBUTE, "") if element.get(CARD_ATTRIBUTE) == "false" else "",
    )


def _collect_blocks(
    element: lxml.html.HtmlElement,
    title: lxml.html.HtmlElement | None,
    out: list[tuple[str, str | tuple[str, ...]]],
) -> None:
    """Append the text, list and step blocks under ``element`` to ``out``, in reading order."""
    if element.text and element.text.strip() and element.tag not in ("section", "div", "details"):
        out.append(("text", " ".join(element.text.split())))
    for child in element:
        if child is title or not isinstance(child.tag, str):
            pass
        elif child.tag == "ol":
            out.append(("steps", tuple(text_of(li) for li in child if li.tag == "li")))
        elif child.tag == "ul":
            out.append(("list", tuple(text_of(li) for li in child if li.tag == "li")))
        elif child.tag in ("div", "section", "details", "blockquote", "aside", "figure"):
            _collect_blocks(child, None, out)
        elif text_of(child):
            out.append(("text", text_of(child)))
        if child.tail and child.tail.strip():
            out.append(("text", " ".join(child.tail.split())))


# --------------------------------------------------------------------------- source lines


def section_line(source: str | None, section_id: str) -> int | None:
    """Return the 1-based line of the block header that opens ``section_id`` in the Markdown source."""
    if not source:
        return None
    lines = source.splitlines()
    header_line = None
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        match = STRAY_BLOCK_HEADER.match(stripped)
        if match and match.group(1) in KINDS:
            header_line = number
        elif header_line is not None and re.fullmatch(rf"id\s*:\s*['\"]?{re.escape(section_id)}['\"]?", stripped):
            return header_line
    return None


def unguarded_lines(source: str) -> Iterator[tuple[int, str]]:
    """Yield (1-based number, text) of the source lines outside marked sections and fenced code."""
    inside = fence = ""
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        header = STRAY_BLOCK_HEADER.match(stripped)
        if fence:
            fence = "" if stripped.startswith(fence) else fence
        elif stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
        elif inside:
            inside = "" if stripped == inside else inside
        elif header and header.group(1) in KINDS:
            inside = stripped[: len(stripped) - len(stripped.lstrip("/"))]
        else:
            yield number, line


def text_line(source: str | None, needle: str, occurrence: int = 1) -> int | None:
    """Return the line of the ``occurrence``-th unguarded source line that contains ``needle``, ignoring case."""
    if not source or not needle:
        return None
    needle = " ".join(needle.lower().split())
    seen = 0
    for number, line in unguarded_lines(source):
        if needle in " ".join(line.lower().split()):
            seen += 1
            if seen == occurrence:
                return number
    return None


# --------------------------------------------------------------------------- rules


def check_structure(section: Section, element: lxml.html.HtmlElement, *, number: str) -> list[tuple[str, str, str]]:
    """Return (rule, message, fix) for each way one section fails the rules of its kind, lock aside."""
    problems: list[tuple[str, str, str]] = []
    kind = section.kind
    if kind not in KINDS:
        kinds = ", ".join(KINDS)
        return [("kind-unknown", f"Unknown kind '{kind}'.", f"Use one of: {kinds}.")]
    if not section.heading:
        problems.append(
            ("heading-missing", "The section has no action heading.", "Give the block a heading: `/// kind | Heading`.")
        )
    if not section.card and not section.card_reason:
        problems.append(
            (
                "card-reason-missing",
                "The section is left off the emergency card (`card: false`) without saying why.",
                "Add `card_reason:` to the block, in a sentence a reviewer can check, or remove `card: false`.",
            )
        )
    if section.prefix != KINDS[kind]:
        found = f"'{section.prefix}'" if section.prefix else "none"
        problems.append(
            (
                "prefix-missing",
                f"The heading's screen-reader prefix should be '{KINDS[kind]}', found {found}.",
                "Write the section with the `///` block syntax, which adds the prefix; do not write its HTML by hand.",
            )
        )
    problems.extend(_hidden_content(element))
    numbers_named = re.search(rf"(?<!\d){re.escape(number)}(?!\d)", section.all_text()) is not None
    wrong_tel = sorted({t for t in section.tel if t != number})
    if kind in ("emergency", "first-aid") and wrong_tel:
        problems.append(
            (
                "tel-mismatch",
                f"A tel: link dials {', '.join(wrong_tel)}, not the emergency number {number}.",
                f"Link the number as [{number}](tel:{number}); the number is set by extra.emergency_number.",
            )
        )
    if kind == "emergency":
        if not numbers_named:
            problems.append(
                (
                    "number-missing",
                    f"The callout does not name the emergency number {number}.",
                    f"Say what to call, e.g. 'Call [{number}](tel:{number}) now.'",
                )
            )
        if number not in section.tel:
            problems.append(
                (
                    "tel-missing",
                    f"The callout has no tel:{number} link, so a phone cannot dial it with one tap.",
                    f"Write the number as a link: [{number}](tel:{number}).",
                )
            )
    if kind == "urgent" and (numbers_named or number in section.tel):
        problems.append(
            (
                "number-in-urgent",
                f"An urgent callout names the emergency number {number}.",
                "Use an `emergency` block for anything that tells the reader to call the emergency number.",
            )
        )
    if kind == "first-aid":
        problems.extend(_step_list_problems(element))
    return problems


def _hidden_content(element: lxml.html.HtmlElement) -> list[tuple[str, str, str]]:
    """Return a problem for each part of a section that readers cannot see."""
    problems = []
    for child in element.iterdescendants():
        if not isinstance(child.tag, str) or HIDDEN_CLASS in child.classes:
            continue
        reason = _is_hidden(child)
        if reason:
            snippet = text_of(child)[:60] or f"<{child.tag}>"
            problems.append(
                (
                    "content-hidden",
                    f"Part of the section ('{snippet}') does not reach readers as written: {reason}.",
                    "Emergency content must always be visible; remove what hides it.",
                )
            )
    return problems


def _step_list_problems(element: lxml.html.HtmlElement) -> list[tuple[str, str, str]]:
    """Return the problems of a first-aid section's numbered steps."""
    lists = [ol for ol in element.iter("ol") if not any(a.tag in ("ol", "ul") for a in _ancestors(ol, element))]
    if not lists:
        bullets = " (the steps are bullet points)" if element.find(".//ul") is not None else ""
        return [
            (
                "steps-missing",
                f"First-aid steps must be a numbered list; none was found{bullets}.",
                "Write each step on its own line starting with `1.`, `2.`, `3.` …",
            )
        ]
    problems = []
    if len(lists) > 1:
        problems.append(
            (
                "steps-split",
                f"The steps are split into {len(lists)} numbered lists, so numbering restarts.",
                "Keep every step in one list: no blank text or other block between steps.",
            )
        )
    for ol in lists:
        start = ol.get("start")
        if start is not None and start.strip() != "1":
            problems.append(
                (
                    "steps-start",
                    f"The steps start at {start}, not 1.",
                    "Number the first step `1.`.",
                )
            )
        if ol.get("type", "1") != "1" or ol.get("reversed") is not None or any(li.get("value") for li in ol):
            problems.append(
                (
                    "steps-numbering",
                    "The steps are not numbered 1, 2, 3 … (type, reversed or value attributes change the numbers).",
                    "Remove the attributes that change the numbering.",
                )
            )
    return problems


def compare_with_lock(found: Section, approved: Section) -> list[tuple[str, str]]:
    """Return (rule, message) for each difference between a section and its approved wording."""
    if found.kind != approved.kind:
        return [("kind-changed", f"The section was approved as '{approved.kind}' and is now '{found.kind}'.")]
    problems: list[tuple[str, str]] = []
    if found.heading != approved.heading:
        problems.append(("heading-changed", "The heading changed.\n" + word_diff(approved.heading, found.heading)))
    if found.tel != approved.tel:
        problems.append(("tel-changed", f"The tel: links changed: approved {approved.tel}, found {found.tel}."))
    if (found.card, found.card_reason) != (approved.card, approved.card_reason):
        problems.append(
            (
                "card-changed",
                f"Whether the section is on the emergency card changed: approved {approved.card_text()}, "
                f"found {found.card_text()}.",
            )
        )
    expected_steps, found_steps = approved.blocks("steps"), found.blocks("steps")
    if len(expected_steps) == len(found_steps):
        for want, got in zip(expected_steps, found_steps, strict=True):
            problems.extend(_compare_steps(want, got))
    elif expected_steps and not found_steps:
        pass  # check_structure already reports that the numbered list is gone.
    else:
        problems.append(("steps-split", f"Approved {len(expected_steps)} step list(s), found {len(found_steps)}."))
    expected_lists, found_lists = approved.blocks("list"), found.blocks("list")
    if not found_steps and expected_steps:
        # The steps turned into bullets: compare the remaining lists only.
        found_lists = tuple(items for items in found_lists if items not in expected_steps)
    if len(expected_lists) != len(found_lists):
        problems.append(("list-changed", f"Approved {len(expected_lists)} bullet list(s), found {len(found_lists)}."))
    else:
        for want, got in zip(expected_lists, found_lists, strict=True):
            problems.extend(_compare_items(want, got))
    expected_text, found_text = approved.blocks("text"), found.blocks("text")
    if len(expected_text) == len(found_text):
        problems.extend(
            ("text-changed", f"Paragraph {n} changed.\n" + word_diff(want, got))
            for n, (want, got) in enumerate(zip(expected_text, found_text, strict=True), start=1)
            if want != got
        )
    else:
        joined = word_diff(" ¶ ".join(expected_text), " ¶ ".join(found_text))
        problems.append(
            ("text-changed", f"Approved {len(expected_text)} paragraphs, found {len(found_text)}.\n{joined}")
        )
    return problems


def _compare_steps(want: tuple[str, ...], got: tuple[str, ...]) -> list[tuple[str, str]]:
    """Return the differences between the approved steps and the steps found."""
    if want == got:
        return []
    if len(want) != len(got):
        lost = [f"'{step}'" for step in want if step not in got]
        added = [f"'{step}'" for step in got if step not in want]
        detail = "".join(
            [
                f"\n      missing: {', '.join(lost)}" if lost else "",
                f"\n      added: {', '.join(added)}" if added else "",
            ]
        )
        return [("steps-count", f"Approved {len(want)} steps, found {len(got)}.{detail}")]
    if sorted(want) == sorted(got):
        order = ", ".join(str(want.index(step) + 1) for step in got)
        return [("steps-order", f"The steps are in a different order: approved 1–{len(want)}, found {order}.")]
    return [
        ("step-wording", f"Step {n} changed.\n" + word_diff(a, b))
        for n, (a, b) in enumerate(zip(want, got, strict=True), start=1)
        if a != b
    ]


def _compare_items(want: tuple[str, ...], got: tuple[str, ...]) -> list[tuple[str, str]]:
    """Return the differences between an approved bullet list and the list found."""
    if want == got:
        return []
    lost = [f"'{item}'" for item in want if item not in got]
    added = [f"'{item}'" for item in got if item not in want]
    parts = [f"missing: {', '.join(lost)}" if lost else "", f"added or reworded: {', '.join(added)}" if added else ""]
    if not lost and not added:
        parts = ["the items are in a different order"]
    return [("list-changed", "A list changed: " + "; ".join(p for p in parts if p) + ".")]


def check_unguarded(article: lxml.html.HtmlElement, *, number: str) -> list[tuple[str, str]]:
    """Return (rule, snippet) for each tel: link or call instruction to ``number`` outside marked sections."""
    call = re.compile(rf"\b(?:{CALL_VERBS})\b\W+(?:\w+\W+){{0,3}}?(?<!\d){re.escape(number)}(?!\d)", re.I)
    found: list[tuple[str, str]] = []
    for element in article.iter():
        if not isinstance(element.tag, str) or _inside_guarded(element, article):
            continue
        if element.tag == "a" and element.get("href", "").startswith("tel:"):
            if digits(element.get("href", "")[4:]) == number:
                found.append(("unguarded-tel", f"tel:{number}"))
        elif element.tag in ("p", "li", "td", "th", "dd", "dt", "figcaption") or element.tag in HEADING_TAGS:
            text = " ".join(_own_text(element))
            match = call.search(text)
            if match:
                found.append(("unguarded-call", match.group(0)))
            stray = STRAY_BLOCK_HEADER.match(text)
            if stray:
                found.append(("block-not-recognised", stray.group(0)))
    return found


def _inside_guarded(element: lxml.html.HtmlElement, article: lxml.html.HtmlElement) -> bool:
    """Return True if the element is in a marked section or in code, where the rule does not apply."""
    for node in (element, *_ancestors(element, article)):
        if node.get(KIND_ATTRIBUTE) is not None or node.tag in CODE_TAGS:
            return True
    return False


def _own_text(element: lxml.html.HtmlElement) -> Iterator[str]:
    """Yield the text of an element and its inline children, skipping nested blocks and code."""
    if element.text:
        yield from element.text.split()
    for child in element:
        if isinstance(child.tag, str) and child.tag not in CODE_TAGS and child.tag not in ("ul", "ol", "p", "div"):
            yield from _own_text(child)
        if child.tail:
            yield from child.tail.split()


# --------------------------------------------------------------------------- pages and builds


def check_page(
    html: str,
    *,
    page: str,
    lock: Lock | None,
    number: str,
    lang: str,
    source: str | None = None,
) -> PageResult:
    """Check one built page: its marked sections, their approval, and any unguarded instruction.

    ``lock`` None checks structure only (used while approving new wording).
    """
    result = PageResult(page=page, lang=lang)
    article = parse_article(html)
    approved_here = lock.on_page(lang, page) if lock else []
    if article is None:
        article = lxml.html.fragment_fromstring("<article></article>")

    occurrences: dict[str, int] = {}

    def report(section: str | None, rule: str, message: str, fix: str, needle: str = "") -> None:
        line = section_line(source, section) if section else None
        if line is None and needle:
            key = needle.lower()
            occurrences[key] = occurrences.get(key, 0) + 1
            line = text_line(source, needle, occurrences[key]) or text_line(source, number, occurrences[key])
        result.findings.append(Finding(page, line, section, rule, message, fix))

    seen: set[str] = set()
    for element in article.iter("section"):
        if element.get(KIND_ATTRIBUTE) is None:
            continue
        section = extract_section(element)
        result.sections.append(section)
        if section.id in seen:
            report(
                section.id, "duplicate-id", "Two sections on this page share this id.", "Give each block its own `id:`."
            )
        seen.add(section.id)
        for ancestor in (element, *_ancestors(element, article)):
            reason = _is_hidden(ancestor)
            if reason:
                report(
                    section.id,
                    "section-hidden",
                    f"The section is not visible: {reason}.",
                    "Take it out of what hides it.",
                )
                break
        for rule, message, fix in check_structure(section, element, number=number):
            report(section.id, rule, message, fix)
        if lock is None:
            continue
        entry = lock.get(lang, section.id)
        if entry is None:
            report(
                section.id,
                "section-unapproved",
                f"This {section.kind} section is not in the approved lock.",
                "Check its wording with a clinician, then run `make approve-emergency`.",
            )
            continue
        if entry.page != page:
            report(
                section.id,
                "section-moved",
                f"The section was approved on {entry.page} and is now on {page}.",
                f"Move it back, or approve the move. {APPROVE_HINT}",
            )
        for rule, message in compare_with_lock(section, entry.section):
            report(section.id, rule, message, f"Restore the approved wording. {APPROVE_HINT}")

    for entry in approved_here:
        if entry.id not in seen:
            report(
                entry.id,
                "section-missing",
                f"The approved {entry.section.kind} section '{entry.section.heading}' is not on the built page "
                "(deleted, renamed, in a comment, or its `///` block is broken).",
                f"Restore the section with `id: {entry.id}`. {APPROVE_HINT}",
            )
    for rule, snippet in check_unguarded(article, number=number):
        messages = {
            "unguarded-tel": (
                f"A tel:{number} link outside a marked emergency section.",
                "Put it inside an `emergency` block, or link to the emergency page instead.",
            ),
            "unguarded-call": (
                f"An instruction to call {number} outside a marked emergency section: '{snippet}'.",
                "Put it inside an `emergency` or `first-aid` block, or link to the emergency page instead.",
            ),
            "block-not-recognised": (
                f"A `///` block was not recognised and shows as text: '{snippet}'.",
                f"Use one of the kinds {', '.join(KINDS)}, a heading after `|`, and an `id:` line indented 4 spaces.",
            ),
        }
        message, fix = messages[rule]
        needle = f"tel:{number}" if rule == "unguarded-tel" else snippet
        report(None, rule, message, fix, needle=needle)
    return result


def check_build(results: Iterable[PageResult], *, lock: Lock, lang: str, built_pages: set[str]) -> list[Finding]:
    """Return the findings that span pages: approved sections whose page was not built, ids used twice."""
    findings: list[Finding] = []
    where: dict[str, str] = {}
    for result in results:
        for section in result.sections:
            other = where.setdefault(section.id, result.page)
            if other != result.page:
                findings.append(
                    Finding(
                        result.page,
                        None,
                        section.id,
                        "duplicate-id",
                        f"The id is also used on {other}.",
                        "Give each section its own id.",
                    )
                )
    for entry in lock.in_language(lang):
        if entry.page not in built_pages:
            findings.append(missing_page_finding(entry))
    return findings


def missing_page_finding(entry: LockEntry) -> Finding:
    """Return the finding for an approved section whose page is not part of the build."""
    return Finding(
        entry.page,
        None,
        entry.id,
        "section-missing",
        f"The page holding the approved {entry.section.kind} section '{entry.section.heading}' was not built "
        "(deleted, renamed, excluded by exclude_docs or not_in_nav, or marked draft).",
        f"Restore {entry.page}, or remove the section deliberately. {APPROVE_HINT}",
    )


def format_findings(findings: Iterable[Finding]) -> str:
    """Return findings as one message for the terminal."""
    lines = [str(f) for f in findings]
    return (
        "Emergency content is not intact, so nothing was published:\n\n  "
        + "\n\n  ".join(line.replace("\n", "\n  ") for line in lines)
        + "\n"
    )


# --------------------------------------------------------------------------- built folders


def source_for(html_path: Path, site: Path, docs: Path | None, known: set[str]) -> str:
    """Return the Markdown source path that most likely produced a built HTML file."""
    rel = html_path.relative_to(site).as_posix()
    if rel.endswith("/index.html") or rel == "index.html":
        stem = rel[: -len("index.html")].rstrip("/")
        candidates = [f"{stem}.md", f"{stem}/index.md", f"{stem}/README.md"] if stem else ["index.md", "README.md"]
    else:
        candidates = [rel[: -len(".html")] + ".md"]
    for candidate in candidates:
        if candidate in known or (docs is not None and (docs / candidate).is_file()):
            return candidate
    return candidates[0]


def check_site(site: Path, *, lock: Lock | None, number: str, lang: str, docs: Path | None = None) -> list[PageResult]:
    """Check every page of a built folder; return one result per page that has an ``<article>``."""
    known = {entry.page for entry in lock.entries.values()} if lock else set()
    results = []
    for html_path in sorted(site.rglob("*.html")):
        html = html_path.read_text(encoding="utf-8", errors="replace")
        if "<article" not in html and KIND_ATTRIBUTE not in html:
            continue  # redirect stubs, search, 404 without content
        if PRINT_SOURCE_ATTRIBUTE in html:
            continue  # print pages hold several pages' sections: ivig_guide.print_pages checks them part by part
        if html_path.relative_to(site).parts[0] == "embed":
            continue  # copies of the pages for portals: ivig_guide.embed.check_embeds checks them against the pages
        page = source_for(html_path, site, docs, known)
        source = (docs / page).read_text(encoding="utf-8") if docs and (docs / page).is_file() else None
        page_lang = page_language(html, lang)
        results.append(check_page(html, page=page, lock=lock, number=number, lang=page_lang, source=source))
    return results


def check_site_against_lock(results: list[PageResult], lock: Lock) -> list[Finding]:
    """Return every finding of a checked folder: each page's, then what spans pages, per language."""
    findings = [finding for result in results for finding in result.findings]
    for lang in sorted({result.lang for result in results}):
        in_lang = [result for result in results if result.lang == lang]
        findings += check_build(in_lang, lock=lock, lang=lang, built_pages={result.page for result in in_lang})
    return findings


# --------------------------------------------------------------------------- approving


def approved_lock(
    results: Sequence[PageResult], old: Lock | None, *, number: str, by: str, today: str
) -> tuple[Lock, list[str]]:
    """Return the lock that approves what was found, and the lines that describe the changes."""
    entries: dict[str, LockEntry] = {}
    changes: list[str] = []
    if old is not None and old.emergency_number != number:
        changes.append(f"  ~ emergency number: {old.emergency_number} → {number}")
    for result in sorted(results, key=lambda r: (r.lang, r.page)):
        for section in result.sections:
            previous = old.get(result.lang, section.id) if old else None
            entry = LockEntry(
                result.lang, result.page, section, by, today, previous.translation_of if previous else None
            )
            if previous is not None and previous.section == section and previous.page == result.page:
                entry = previous
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
    source_language = old.source_language if old else "en"
    return Lock(number, source_language, entries), changes


def _approver(given: str | None) -> str:
    """Return who approves: the given name, else git's user.name, else the login name."""
    if given:
        return given
    try:
        name = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True, check=False).stdout
    except OSError:
        name = ""
    return name.strip() or os.environ.get("USER", "unknown")


# --------------------------------------------------------------------------- command line


class _ConfigLoader(yaml.SafeLoader):
    """A YAML loader for mkdocs.yml that ignores MkDocs' custom tags (!ENV, !!python/name)."""


_ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def read_config(path: Path) -> dict[str, Any]:
    """Return the settings the guard needs from mkdocs.yml: number, language and lock path."""
    try:
        config = yaml.load(path.read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}
    except (OSError, yaml.YAMLError) as error:
        raise LockError(f"{path}: cannot read it ({error}).") from None
    number = str((config.get("extra") or {}).get("emergency_number", "911"))
    if not number.isdigit():
        raise LockError(f'{path}: extra.emergency_number must be digits, like "911"; found {number!r}.')
    lang = str((config.get("theme") or {}).get("language", "en"))
    return {"number": number, "lang": lang, "lock": path.parent / "hooks" / LOCK_FILE}


LOCK_FILE = "emergency-lock.yml"


def read_lock(path: Path) -> Lock:
    """Return the lock at ``path``; raise LockError if it is missing or malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LockError(
            f"{path}: the approved lock is missing. Restore it from git, or create it with `make approve-emergency`."
        ) from None
    return load_lock(text, path=str(path))


def configured_lock(config: Path) -> tuple[dict[str, Any], Lock]:
    """Return the guard's settings from ``config`` (mkdocs.yml) and the lock they name, approved for their number.

    Raises LockError when the settings, the lock or its emergency number are wrong.
    """
    settings = read_config(config)
    lock = read_lock(settings["lock"])
    require_number(lock, settings["number"])
    return settings, lock


APPROVE_ENV = "EMERGENCY_GUARD"


def build_lock(path: Path) -> Lock | None:
    """Return the lock a build checks against, or None while ``make approve-emergency`` builds new wording.

    ``EMERGENCY_GUARD=approve`` (set only by that target) means: apply the structural rules, but do
    not compare with the lock, so the new wording can be built and shown for approval.
    """
    if os.environ.get(APPROVE_ENV) == "approve":
        return None
    return read_lock(path)


def require_number(lock: Lock, number: str) -> None:
    """Raise LockError unless the lock was approved for the configured emergency number."""
    if lock.emergency_number != number:
        raise LockError(
            f"{LOCK_FILE} was approved for emergency number {lock.emergency_number}, but extra.emergency_number "
            f"in mkdocs.yml is {number}. Change the text and the setting together, then run `make approve-emergency`."
        )


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
    args = parser.parse_args(argv)
    try:
        settings = read_config(args.config) if args.config.is_file() else {"number": "911", "lang": "en"}
        number = args.number or settings["number"]
        lock_path = args.lock or settings.get("lock") or Path("hooks") / LOCK_FILE
        if not args.site.is_dir():
            raise LockError(f"{args.site}: no such folder. Build the site first (`make build`).")
        if args.command == "check":
            return _check(args.site, read_lock(lock_path), number=number, lang=settings["lang"], docs=args.docs)
        old = read_lock(lock_path) if lock_path.exists() else None
        return _approve(args, old, lock_path, number=number, lang=settings["lang"])
    except LockError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2


def _check(site: Path, lock: Lock, *, number: str, lang: str, docs: Path | None) -> int:
    """Print the findings of a built folder and return the exit status."""
    require_number(lock, number)
    results = check_site(site, lock=lock, number=number, lang=lang, docs=docs)
    findings = check_site_against_lock(results, lock)
    if findings:
        print(format_findings(findings), file=sys.stderr)
        return 1
    sections = sum(len(result.sections) for result in results)
    print(f"Emergency guard: {sections} sections on {len(results)} pages of {site} match the approved lock.")
    return 0


def _approve(args: argparse.Namespace, old: Lock | None, lock_path: Path, *, number: str, lang: str) -> int:
    """Show what changes, ask, and rewrite the lock."""
    results = check_site(args.site, lock=None, number=number, lang=lang, docs=args.docs)
    broken = [finding for result in results for finding in result.findings]
    if broken:
        print(format_findings(broken).replace("so nothing was published", "so it cannot be approved"), file=sys.stderr)
        return 1
    by = _approver(args.by)
    new, changes = approved_lock(results, old, number=number, by=by, today=datetime.date.today().isoformat())
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
        if input(f"Approve these changes as {by}? Type 'yes': ").strip().lower() != "yes":
            print("Not approved; the lock is unchanged.")
            return 1
    lock_path.write_text(dump_lock(new), encoding="utf-8")
    print(f"Approved by {by}. Commit {lock_path} together with the page change.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
