"""The guard's rules over one rendered page, and over what spans the pages of one build.

:func:`check_page` reads a page's marked sections (:mod:`ivig_guide.sections`), applies the rules of their
kind, compares them with the approved lock, and looks for unguarded instructions outside them;
:func:`check_build` decides what spans pages. Both return :class:`~ivig_guide.rules.Finding` lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import lxml.html

from ivig_guide.addresses import split_source
from ivig_guide.article import parse_article
from ivig_guide.emergency_blocks import HIDDEN_CLASS, KIND_ATTRIBUTE, KINDS, prefixes
from ivig_guide.lock import Lock, LockEntry, Section, word_diff
from ivig_guide.rules import Finding, Rule
from ivig_guide.sections import (
    CODE_TAGS,
    HEADING_TAGS,
    ancestors,
    extract_section,
    hidden_reason,
    text_of,
)
from ivig_guide.source_lines import STRAY_BLOCK_HEADER, emergency_blocks_in, section_line, text_line

CALL_VERBS = r"call|calls|calling|dial|dials|dialing|dialling|phone|phoning|ring|ringing|text|contact"
#: Words that tell a reader to call, per language; a language without its own list uses English's.
CALL_VERBS_BY_LANGUAGE = {
    "en": CALL_VERBS,
    "es": (
        r"llame|llamen|llama|llamar|llámenos|llámele|marque|marquen|marca|marcar|telefonee|telefonear|"
        r"comuníquese|contacte|contactar|"
    )
    + CALL_VERBS,
}
#: Digit names per language, to catch a number written out ("nine one one", "nueve uno uno").
DIGIT_WORDS = {
    "en": ("zero|oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    "es": ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"),
}
APPROVE_HINT = "If the change is deliberate, run `make approve-emergency` and commit hooks/emergency-lock.yml."


@dataclass
class PageResult:
    """What checking one page found: the sections it holds and the rules they break."""

    page: str
    lang: str
    sections: list[Section] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def check_structure(
    section: Section, element: lxml.html.HtmlElement, *, number: str, lang: str = "en"
) -> list[tuple[Rule, str, str]]:
    """Return (rule, message, fix) for each way one section fails the rules of its kind, lock aside."""
    problems: list[tuple[Rule, str, str]] = []
    kind = section.kind
    if kind not in KINDS:
        kinds = ", ".join(KINDS)
        return [(Rule.KIND_UNKNOWN, f"Unknown kind '{kind}'.", f"Use one of: {kinds}.")]
    if not section.heading:
        problems.append(
            (
                Rule.HEADING_MISSING,
                "The section has no action heading.",
                "Give the block a heading: `/// kind | Heading`.",
            )
        )
    if not section.card and not section.card_reason:
        problems.append(
            (
                Rule.CARD_REASON_MISSING,
                "The section is left off the emergency card (`card: false`) without saying why.",
                "Add `card_reason:` to the block, in a sentence a reviewer can check, or remove `card: false`.",
            )
        )
    expected_prefix = prefixes(lang)[kind]
    if section.prefix != expected_prefix:
        found = f"'{section.prefix}'" if section.prefix else "none"
        problems.append(
            (
                Rule.PREFIX_MISSING,
                f"The heading's screen-reader prefix should be '{expected_prefix}', found {found}.",
                "Write the section with the `///` block syntax, which adds the prefix; do not write its HTML by hand.",
            )
        )
    problems.extend(_hidden_content(element))
    numbers_named = re.search(rf"(?<!\d){re.escape(number)}(?!\d)", section.all_text()) is not None
    wrong_tel = sorted({t for t in section.tel if t != number})
    if kind in ("emergency", "first-aid") and wrong_tel:
        problems.append(
            (
                Rule.TEL_MISMATCH,
                f"A tel: link dials {', '.join(wrong_tel)}, not the emergency number {number}.",
                f"Link the number as [{number}](tel:{number}); the number is set by extra.emergency_number.",
            )
        )
    if kind == "emergency":
        if not numbers_named:
            problems.append(
                (
                    Rule.NUMBER_MISSING,
                    f"The callout does not name the emergency number {number}.",
                    f"Say what to call, e.g. 'Call [{number}](tel:{number}) now.'",
                )
            )
        if number not in section.tel:
            problems.append(
                (
                    Rule.TEL_MISSING,
                    f"The callout has no tel:{number} link, so a phone cannot dial it with one tap.",
                    f"Write the number as a link: [{number}](tel:{number}).",
                )
            )
    if kind == "urgent" and (numbers_named or number in section.tel):
        problems.append(
            (
                Rule.NUMBER_IN_URGENT,
                f"An urgent callout names the emergency number {number}.",
                "Use an `emergency` block for anything that tells the reader to call the emergency number.",
            )
        )
    if kind == "first-aid":
        problems.extend(_step_list_problems(element))
    return problems


def _hidden_content(element: lxml.html.HtmlElement) -> list[tuple[Rule, str, str]]:
    """Return a problem for each part of a section that readers cannot see."""
    problems = []
    for child in element.iterdescendants():
        if not isinstance(child.tag, str) or HIDDEN_CLASS in child.classes:
            continue
        reason = hidden_reason(child)
        if reason:
            snippet = text_of(child)[:60] or f"<{child.tag}>"
            problems.append(
                (
                    Rule.CONTENT_HIDDEN,
                    f"Part of the section ('{snippet}') does not reach readers as written: {reason}.",
                    "Emergency content must always be visible; remove what hides it.",
                )
            )
    return problems


def _step_list_problems(element: lxml.html.HtmlElement) -> list[tuple[Rule, str, str]]:
    """Return the problems of a first-aid section's numbered steps."""
    lists = [ol for ol in element.iter("ol") if not any(a.tag in ("ol", "ul") for a in ancestors(ol, element))]
    if not lists:
        return [
            (
                Rule.STEPS_MISSING,
                "First-aid steps must be a numbered list; the section has none (bullet points and paragraphs are "
                "not numbered).",
                "Write each step on its own line starting with `1.`, `2.`, `3.` …",
            )
        ]
    problems = []
    if len(lists) > 1:
        problems.append(
            (
                Rule.STEPS_SPLIT,
                f"The steps are split into {len(lists)} numbered lists, so numbering restarts.",
                "Keep every step in one list: no blank text or other block between steps.",
            )
        )
    for ol in lists:
        start = ol.get("start")
        if start is not None and start.strip() != "1":
            problems.append(
                (
                    Rule.STEPS_START,
                    f"The steps start at {start}, not 1.",
                    "Number the first step `1.`.",
                )
            )
        if ol.get("type", "1") != "1" or ol.get("reversed") is not None or any(li.get("value") for li in ol):
            problems.append(
                (
                    Rule.STEPS_NUMBERING,
                    "The steps are not numbered 1, 2, 3 … (type, reversed or value attributes change the numbers).",
                    "Remove the attributes that change the numbering.",
                )
            )
    return problems


def compare_with_lock(found: Section, approved: Section) -> list[tuple[Rule, str]]:
    """Return (rule, message) for each difference between a section and its approved wording."""
    if found.kind != approved.kind:
        return [(Rule.KIND_CHANGED, f"The section was approved as '{approved.kind}' and is now '{found.kind}'.")]
    problems: list[tuple[Rule, str]] = []
    if found.heading != approved.heading:
        problems.append((Rule.HEADING_CHANGED, "The heading changed.\n" + word_diff(approved.heading, found.heading)))
    if found.tel != approved.tel:
        problems.append((Rule.TEL_CHANGED, f"The tel: links changed: approved {approved.tel}, found {found.tel}."))
    if (found.card, found.card_reason) != (approved.card, approved.card_reason):
        problems.append(
            (
                Rule.CARD_CHANGED,
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
        problems.append((Rule.STEPS_SPLIT, f"Approved {len(expected_steps)} step list(s), found {len(found_steps)}."))
    expected_lists, found_lists = approved.blocks("list"), found.blocks("list")
    if not found_steps and expected_steps:
        # The steps turned into bullets: compare the remaining lists only.
        found_lists = tuple(items for items in found_lists if items not in expected_steps)
    if len(expected_lists) != len(found_lists):
        problems.append(
            (Rule.LIST_CHANGED, f"Approved {len(expected_lists)} bullet list(s), found {len(found_lists)}.")
        )
    else:
        for want, got in zip(expected_lists, found_lists, strict=True):
            problems.extend(_compare_items(want, got))
    expected_text, found_text = approved.blocks("text"), found.blocks("text")
    if len(expected_text) == len(found_text):
        problems.extend(
            (Rule.TEXT_CHANGED, f"Paragraph {n} changed.\n" + word_diff(want, got))
            for n, (want, got) in enumerate(zip(expected_text, found_text, strict=True), start=1)
            if want != got
        )
    else:
        joined = word_diff(" ¶ ".join(expected_text), " ¶ ".join(found_text))
        problems.append(
            (Rule.TEXT_CHANGED, f"Approved {len(expected_text)} paragraphs, found {len(found_text)}.\n{joined}")
        )
    return problems


def _compare_steps(want: tuple[str, ...], got: tuple[str, ...]) -> list[tuple[Rule, str]]:
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
        return [(Rule.STEPS_COUNT, f"Approved {len(want)} steps, found {len(got)}.{detail}")]
    if sorted(want) == sorted(got):
        order = ", ".join(str(want.index(step) + 1) for step in got)
        return [(Rule.STEPS_ORDER, f"The steps are in a different order: approved 1–{len(want)}, found {order}.")]
    return [
        (Rule.STEP_WORDING, f"Step {n} changed.\n" + word_diff(a, b))
        for n, (a, b) in enumerate(zip(want, got, strict=True), start=1)
        if a != b
    ]


def _compare_items(want: tuple[str, ...], got: tuple[str, ...]) -> list[tuple[Rule, str]]:
    """Return the differences between an approved bullet list and the list found."""
    if want == got:
        return []
    lost = [f"'{item}'" for item in want if item not in got]
    added = [f"'{item}'" for item in got if item not in want]
    parts = [f"missing: {', '.join(lost)}" if lost else "", f"added or reworded: {', '.join(added)}" if added else ""]
    if not lost and not added:
        parts = ["the items are in a different order"]
    return [(Rule.LIST_CHANGED, "A list changed: " + "; ".join(p for p in parts if p) + ".")]


#: Separators people write between the digits of an emergency number: 9-1-1, 9 1 1, 9.1.1.
NUMBER_SEPARATORS = "[\\s\u00a0.\u2011\u2010-]"


def number_pattern(number: str, lang: str = "en") -> str:
    """Return a regular expression for ``number`` as people write it: 911, 9-1-1, 9 1 1, nine-one-one.

    Digits in words are English's and the page language's ("nueve uno uno"). It never matches inside a
    longer number ("020 7946 0911" is a phone number, not 911).
    """
    sep = NUMBER_SEPARATORS
    names = [DIGIT_WORDS["en"], *([DIGIT_WORDS[lang]] if lang in DIGIT_WORDS and lang != "en" else [])]
    as_digits = f"{sep}?".join(re.escape(digit) for digit in number)
    as_words = f"{sep}+".join("(?:" + "|".join(words[int(digit)] for words in names) + ")" for digit in number)
    return rf"(?<!\d)(?<!\d{sep})(?:{as_digits}|\b{as_words}\b)(?!{sep}?\d)"


def dials(href: str, number: str) -> bool:
    """Tell whether a ``tel:`` link dials ``number``: alone, or after ``+`` and a 1–3 digit country code."""
    target = re.sub(r"[\s().\-]", "", href.removeprefix("tel:").split(";", 1)[0])
    return re.fullmatch(rf"(?:\+\d{{1,3}})?{re.escape(number)}", target) is not None


def check_unguarded(article: lxml.html.HtmlElement, *, number: str, lang: str = "en") -> list[tuple[Rule, str]]:
    """Return (rule, snippet) for each tel: link or call instruction to ``number`` outside marked sections."""
    verbs = CALL_VERBS_BY_LANGUAGE.get(lang, CALL_VERBS)
    call = re.compile(rf"\b(?:{verbs})\b\W+(?:\w+\W+){{0,3}}?{number_pattern(number, lang)}", re.I)
    found: list[tuple[Rule, str]] = []
    for element in article.iter():
        if not isinstance(element.tag, str) or _inside_guarded(element, article):
            continue
        if element.tag == "a" and element.get("href", "").startswith("tel:"):
            if dials(element.get("href", ""), number):
                found.append((Rule.UNGUARDED_TEL, element.get("href", "")))
        elif element.tag in ("p", "li", "td", "th", "dd", "dt", "figcaption") or element.tag in HEADING_TAGS:
            text = " ".join(_own_text(element))
            match = call.search(text)
            if match:
                found.append((Rule.UNGUARDED_CALL, match.group(0)))
            stray = STRAY_BLOCK_HEADER.match(text)
            if stray:
                found.append((Rule.BLOCK_NOT_RECOGNISED, stray.group(0)))
    return found


def _inside_guarded(element: lxml.html.HtmlElement, article: lxml.html.HtmlElement) -> bool:
    """Return True if the element is in a marked section or in code, where the rule does not apply."""
    for node in (element, *ancestors(element, article)):
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

    def report(section: str | None, rule: Rule, message: str, fix: str, needle: str = "") -> None:
        line = section_line(source, section) if section else None
        if line is None and needle:
            key = needle.lower()
            occurrences[key] = occurrences.get(key, 0) + 1
            line = text_line(source, needle, occurrences[key]) or text_line(source, number, occurrences[key])
        result.findings.append(Finding(page, line, section, rule, message, fix))

    for block in emergency_blocks_in(source or ""):
        where = f"The `/// {block.kind}` block on line {block.line}"
        if not block.has_id:
            result.findings.append(
                Finding(
                    page,
                    block.line,
                    None,
                    Rule.BLOCK_ID_MISSING,
                    f"{where} has no `id:` line, so it is not built as an emergency section.",
                    "Put its id on the next line, indented by 4 spaces: `    id: the-section-id` (the id it "
                    "was approved with; ids never change).",
                )
            )
        if not block.closed:
            until = f"the next block starts on line {block.next_header}" if block.next_header else "the page ends"
            result.findings.append(
                Finding(
                    page,
                    block.line,
                    None,
                    Rule.BLOCK_NOT_CLOSED,
                    f"{where} is not closed before {until}, so what follows becomes part of it.",
                    "End the block with a line holding only `///`.",
                )
            )

    seen: set[str] = set()
    for element in article.iter("section"):
        if element.get(KIND_ATTRIBUTE) is None:
            continue
        section = extract_section(element)
        result.sections.append(section)
        if section.id in seen:
            report(
                section.id,
                Rule.DUPLICATE_ID,
                "Two sections on this page share this id.",
                "Give each block its own `id:`.",
            )
        seen.add(section.id)
        for ancestor in (element, *ancestors(element, article)):
            reason = hidden_reason(ancestor)
            if reason:
                report(
                    section.id,
                    Rule.SECTION_HIDDEN,
                    f"The section is not visible: {reason}.",
                    "Take it out of what hides it.",
                )
                break
        for rule, message, fix in check_structure(section, element, number=number, lang=lang):
            report(section.id, rule, message, fix)
        if lock is None:
            continue
        entry = lock.get(lang, section.id)
        if entry is None:
            report(
                section.id,
                Rule.SECTION_UNAPPROVED,
                f"This {section.kind} section is not in the approved lock.",
                "Check its wording with a clinician, then run `make approve-emergency`.",
            )
            continue
        if entry.page != page:
            report(
                section.id,
                Rule.SECTION_MOVED,
                f"The section was approved on {entry.page} and is now on {page}.",
                f"Move it back, or approve the move. {APPROVE_HINT}",
            )
        for rule, message in compare_with_lock(section, entry.section):
            report(section.id, rule, message, f"Restore the approved wording. {APPROVE_HINT}")

    for entry in approved_here:
        if entry.id not in seen:
            report(
                entry.id,
                Rule.SECTION_MISSING,
                f"The approved {entry.section.kind} section '{entry.section.heading}' is not on the built page "
                "(deleted, renamed, in a comment, or its `///` block is broken).",
                f"Restore the section with `id: {entry.id}`. {APPROVE_HINT}",
            )
    if lock is not None and lang != lock.source_language:
        for section_id, rule, message, fix in check_parity(result.sections, page=page, lang=lang, lock=lock):
            report(section_id, rule, message, fix)
    for rule, snippet in check_unguarded(article, number=number, lang=lang):
        messages = {
            Rule.UNGUARDED_TEL: (
                f"A link that dials the emergency number ({snippet}) outside a marked emergency section.",
                "Put it inside an `emergency` block, or link to the emergency page instead.",
            ),
            Rule.UNGUARDED_CALL: (
                f"An instruction to call {number} outside a marked emergency section: '{snippet}'.",
                "Put it inside an `emergency` or `first-aid` block, or link to the emergency page instead.",
            ),
            Rule.BLOCK_NOT_RECOGNISED: (
                f"A `///` block was not recognised and shows as text: '{snippet}'.",
                f"Use one of the kinds {', '.join(KINDS)}, a heading after `|`, and an `id:` line indented 4 spaces.",
            ),
        }
        message, fix = messages[rule]
        needle = snippet
        report(None, rule, message, fix, needle=needle)
    return result


def check_parity(sections: list[Section], *, page: str, lang: str, lock: Lock) -> list[tuple[str, Rule, str, str]]:
    """Return (section id, rule, message, fix) for each way a translated page differs from its original.

    A translated section keeps its original's id (``es/<id>`` ↔ ``en/<id>``), kind, number of steps and of
    listed signs, and ``tel:`` links; every section of the original page is on the translated page.
    """
    source = lock.source_language
    _lang, original_page = split_source(page)
    found = []
    seen = set()
    for section in sections:
        seen.add(section.id)
        original = lock.get(source, section.id)
        if original is None:
            found.append(
                (
                    section.id,
                    Rule.TRANSLATION_ORPHAN,
                    f"This {lang} section has no approved {source} original with the id '{section.id}'.",
                    f"Give it the id of the {source} section it translates, or add that section to the {source} page.",
                )
            )
            continue
        if section.shape() != original.section.shape() or sorted(set(section.tel)) != sorted(set(original.section.tel)):
            found.append(
                (
                    section.id,
                    Rule.TRANSLATION_SHAPE,
                    f"It must match {original.key} on {original.page}: {_describe(original.section)}; "
                    f"found {_describe(section)}.",
                    "Translate every step, sign and paragraph of the original, as the same kind of block, "
                    "with the same tel: links.",
                )
            )
    for entry in lock.on_page(source, original_page):
        if entry.id not in seen:
            found.append(
                (
                    entry.id,
                    Rule.TRANSLATION_MISSING,
                    f"The {source} page {original_page} has the {entry.section.kind} section '{entry.id}' "
                    f"('{entry.section.heading}'), which this translation lacks.",
                    f"Translate it onto this page with `id: {entry.id}`.",
                )
            )
    return found


def _describe(section: Section) -> str:
    """Return a section's shape in words: kind, steps, listed items, paragraphs and tel: links."""
    steps = sum(len(value) for kind, value in section.content if kind == "steps")
    items = [len(value) for kind, value in section.content if kind == "list"]
    texts = sum(1 for kind, _value in section.content if kind == "text")
    tel = ", ".join(sorted(set(section.tel))) or "none"
    return f"{section.kind}, {steps} steps, lists of {items or 'no'} items, {texts} paragraphs, tel: {tel}"


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
                        Rule.DUPLICATE_ID,
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
        Rule.SECTION_MISSING,
        f"The page holding the approved {entry.section.kind} section '{entry.section.heading}' was not built "
        "(deleted, renamed, excluded by exclude_docs or not_in_nav, or marked draft).",
        f"Restore {entry.page}, or remove the section deliberately. {APPROVE_HINT}",
    )
