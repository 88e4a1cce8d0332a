"""Unit tests of the emergency guard's rules, on tiny fixtures in placeholder wording."""

from __future__ import annotations

import pytest
from guard_support import lock_for, render, rules

from ivig_guide.article import parse_article
from ivig_guide.lock import LOCK_VERSION, LockError, Section, dump_lock, load_lock
from ivig_guide.page_check import check_page
from ivig_guide.sections import extract_section
from ivig_guide.source_lines import section_line

SAFE = """\
# Page

Some text with a [link to help](help.md).

/// emergency | Call 911 if:
    id: call

- alpha happens

Call [911](tel:911) now.
///

/// urgent | See a doctor now if:
    id: soon

- beta
- gamma
///

/// first-aid | Do this:
    id: steps

- sign one
- sign two

If you see these signs:

1. Step one
2. Step two
3. Step three
4. Step four

Repeat after five minutes.
///
"""

LOCK = lock_for(render(SAFE))
FIRST_AID = SAFE[SAFE.index("/// first-aid") :]

MUTATIONS = [
    pytest.param("4. Step four\n", "", ["steps-count"], id="step-deleted"),
    pytest.param("2. Step two\n3. Step three", "2. Step three\n3. Step two", ["steps-order"], id="steps-swapped"),
    pytest.param("3. Step three", "3. Step 3", ["step-wording"], id="step-reworded-one-word"),
    pytest.param(
        "1. Step one\n2. Step two\n3. Step three\n4. Step four",
        "- Step one\n- Step two\n- Step three\n- Step four",
        ["steps-missing"],
        id="steps-become-bullets",
    ),
    pytest.param("2. Step two\n", "2. Step two\n\nThen:\n\n", ["steps-split", "text-changed"], id="steps-split"),
    pytest.param("- sign two\n", "", ["list-changed"], id="symptom-dropped"),
    pytest.param(
        "    id: soon\n", "", ["block-id-missing", "block-not-recognised", "section-missing"], id="id-line-deleted"
    ),
    pytest.param(
        "- gamma\n///",
        "- gamma\n",
        ["block-not-closed", "list-changed", "steps-split", "text-changed"],
        id="block-left-open",
    ),
    pytest.param(
        "Call 911 if:\n    id: call\n\n- alpha happens\n\nCall [911](tel:911) now.",
        "Get help if:\n    id: call\n\n- alpha happens\n\nCall [for help](tel:911) now.",
        ["heading-changed", "number-missing", "text-changed"],
        id="number-dropped-from-callout",
    ),
    pytest.param("- gamma\n", "", ["list-changed"], id="warning-sign-dropped"),
    pytest.param("- sign one\n- sign two", "- sign two\n- sign one", ["list-changed"], id="symptoms-reordered"),
    pytest.param("See a doctor now if:", "See a doctor if:", ["heading-changed"], id="heading-reworded"),
    pytest.param("five minutes", "ten minutes", ["text-changed"], id="advice-changed"),
    pytest.param("(tel:911)", "(tel:999)", ["tel-changed", "tel-mismatch", "tel-missing"], id="tel-link-changed"),
    pytest.param(
        "Call [911](tel:911) now.",
        "Call [999](tel:999) now.",
        ["tel-changed", "tel-mismatch", "tel-missing", "text-changed"],
        id="number-changed",
    ),
    pytest.param(
        "Call 911 if:\n    id: call", "Get help if:\n    id: call", ["heading-changed"], id="action-heading-changed"
    ),
    pytest.param("- beta\n", "- beta, then call 911\n", ["list-changed", "number-in-urgent"], id="urgent-names-911"),
    pytest.param(
        "/// emergency | Call 911 if:",
        "/// urgent | Call 911 if:",
        ["kind-changed", "number-in-urgent"],
        id="emergency-turned-urgent",
    ),
    pytest.param(
        "/// emergency | Call 911 if:\n    id: call\n\n- alpha happens\n\nCall [911](tel:911) now.\n///\n",
        "",
        ["section-missing"],
        id="callout-removed",
    ),
    pytest.param(
        "/// emergency | Call 911 if:",
        "/// note | Call 911 if:",
        ["block-not-recognised", "section-missing", "unguarded-call", "unguarded-tel"],
        id="callout-turned-into-note",
    ),
    pytest.param(
        "/// emergency | Call 911 if:\n    id: call\n",
        "/// emergency | Call 911 if:\n",
        ["block-id-missing", "block-not-recognised", "section-missing", "unguarded-call", "unguarded-tel"],
        id="callout-id-lost",
    ),
    pytest.param("id: steps", "id: stepz", ["section-missing", "section-unapproved"], id="section-renamed"),
    pytest.param(
        "/// first-aid | Do this:",
        '<details markdown="1">\n<summary>More</summary>\n\n/// first-aid | Do this:',
        ["section-hidden"],
        id="steps-in-collapsed-details",
    ),
    pytest.param(
        "/// first-aid | Do this:\n",
        "/// first-aid | Do this:\n    attrs: {hidden: hidden}\n",
        ["section-hidden"],
        id="section-hidden-attribute",
    ),
    pytest.param("five minutes.\n", "five minutes.\n{: hidden }\n", ["content-hidden"], id="advice-hidden"),
    pytest.param(FIRST_AID, f"<!--\n{FIRST_AID}-->\n", ["section-missing"], id="steps-commented-out"),
    pytest.param(FIRST_AID, f"```text\n{FIRST_AID}```\n", ["section-missing"], id="steps-turned-into-code"),
    pytest.param("Some text with", "Call 911 for help. Some text with", ["unguarded-call"], id="unguarded-instruction"),
    pytest.param("[link to help](help.md)", "[link to help](tel:911)", ["unguarded-tel"], id="unguarded-tel-link"),
    pytest.param("Some text with", "Please call 9-1-1. Some text with", ["unguarded-call"], id="unguarded-dashes"),
    pytest.param("Some text with", "Dial 9 1 1 for help. Some text with", ["unguarded-call"], id="unguarded-spaces"),
    pytest.param("Some text with", "Call 9\u00a01\u00a01. Some text with", ["unguarded-call"], id="unguarded-nbsp"),
    pytest.param("Some text with", "Dial 9.1.1 now. Some text with", ["unguarded-call"], id="unguarded-dots"),
    pytest.param("Some text with", "Call nine-one-one. Some text with", ["unguarded-call"], id="unguarded-words"),
    pytest.param("[link to help](help.md)", "[call for help](tel:+1911)", ["unguarded-tel"], id="unguarded-tel-plus1"),
    pytest.param("[link to help](help.md)", "[help](tel:+1-911)", ["unguarded-tel"], id="unguarded-tel-dashed"),
    pytest.param("id: soon", "id: call", ["duplicate-id", "kind-changed", "section-missing"], id="duplicate-id"),
]

BENIGN = [
    pytest.param("Some text with", "Other words with", id="edit-outside-sections"),
    pytest.param("Repeat after five minutes.", "Repeat after\nfive   minutes.", id="rewrapped-advice"),
    pytest.param(
        "2. Step two\n3. Step three\n4. Step four", "1. Step two\n1. Step three\n1. Step four", id="one-dot-numbering"
    ),
    pytest.param("- sign one", "-   sign one", id="list-marker-spacing"),
    pytest.param("1. Step one", "3. Step one", id="markdown-ignores-start-number"),
    pytest.param(
        "# Page\n", "# Page\n\nA new paragraph that mentions the number 911 in passing.\n", id="911-mentioned"
    ),
    pytest.param("[link to help](help.md)", "[what to do in an emergency](help.md#call)", id="link-to-emergency-page"),
    pytest.param("Some text with", "`call 911` is written in code. Some text with", id="instruction-in-code"),
    pytest.param("Some text with", "Call the clinic on 020 7946 0911. Some text with", id="phone-ending-in-0911"),
    pytest.param("[link to help](help.md)", "[the clinic](tel:+44-20-7946-0911)", id="tel-ending-in-0911"),
    pytest.param("Some text with", "Call 9111 for the pharmacy. Some text with", id="longer-number"),
]


def test_safe_fixture_passes() -> None:
    """Report nothing on the approved fixture."""
    assert rules(SAFE, LOCK) == []


@pytest.mark.parametrize(("old", "new", "expected"), MUTATIONS)
def test_harmful_edit_is_caught(old: str, new: str, expected: list[str]) -> None:
    """Report each harmful edit of a safe page as exactly the expected rules."""
    assert old in SAFE, "the edit must change the fixture"
    assert rules(SAFE.replace(old, new, 1), LOCK) == expected


@pytest.mark.parametrize(("old", "new"), BENIGN)
def test_benign_edit_passes(old: str, new: str) -> None:
    """Report nothing for edits that leave every emergency section as approved."""
    assert old in SAFE, "the edit must change the fixture"
    assert rules(SAFE.replace(old, new, 1), LOCK) == []


def test_structure_without_lock() -> None:
    """Check structure only when no lock is given (used while approving)."""
    assert rules(SAFE, None) == []
    assert rules(SAFE.replace("(tel:911)", "(tel:999)"), None) == ["tel-mismatch", "tel-missing"]


def test_unapproved_section() -> None:
    """Report a new section that is not in the lock."""
    extra = SAFE + "\n/// urgent | Ring the clinic if:\n    id: new-one\n\n- delta\n///\n"
    assert rules(extra, LOCK) == ["section-unapproved"]


@pytest.mark.parametrize(("page", "expected"), [pytest.param("other.md", ["section-moved"], id="moved")])
def test_section_on_another_page(page: str, expected: list[str]) -> None:
    """Report a section found on a page other than the one it was approved on."""
    assert rules(SAFE, LOCK, page=page) == expected


@pytest.mark.parametrize(
    ("html", "rule"),
    [
        pytest.param(
            '<section data-pg-safety="emergency" id="x"><h2 class="pg-safety__title">Call 911 if:</h2>'
            '<p>Call <a href="tel:911">911</a>.</p></section>',
            "prefix-missing",
            id="hand-written-html-without-prefix",
        ),
        pytest.param(
            '<section data-pg-safety="danger" id="x"><h2 class="pg-safety__title">Call 911</h2></section>',
            "kind-unknown",
            id="unknown-kind",
        ),
        pytest.param(
            '<section data-pg-safety="first-aid" id="x"><h2 class="pg-safety__title">'
            '<span class="pg-visually-hidden">First aid: </span>Do</h2><ol reversed><li>a</li></ol></section>',
            "steps-numbering",
            id="reversed-list",
        ),
        pytest.param(
            '<section data-pg-safety="first-aid" id="x"><h2 class="pg-safety__title">'
            '<span class="pg-visually-hidden">First aid: </span>Do</h2><ol type="a"><li>a</li></ol></section>',
            "steps-numbering",
            id="lettered-list",
        ),
        pytest.param(
            '<section data-pg-safety="first-aid" id="x"><h2 class="pg-safety__title">'
            '<span class="pg-visually-hidden">First aid: </span>Do</h2><ol start="3"><li>a</li></ol></section>',
            "steps-start",
            id="list-starts-at-3",
        ),
        pytest.param(
            '<section data-pg-safety="first-aid" id="x"><h2 class="pg-safety__title">'
            '<span class="pg-visually-hidden">First aid: </span>Do</h2>'
            "<ol><li>a</li></ol><ol><li>b</li></ol></section>",
            "steps-split",
            id="two-lists",
        ),
        pytest.param(
            '<section data-pg-safety="urgent" id="x"><h2 class="pg-safety__title">'
            '<span class="pg-visually-hidden">Urgent: </span></h2><ul><li>a</li></ul></section>',
            "heading-missing",
            id="empty-heading",
        ),
        pytest.param(
            '<section data-pg-safety="urgent" id="x"><h2 class="pg-safety__title">'
            '<span class="pg-visually-hidden">Urgent: </span>See</h2><ul><li><del>a</del></li></ul></section>',
            "content-hidden",
            id="struck-through-item",
        ),
        pytest.param(
            '<div style="display: none"><section data-pg-safety="urgent" id="x"><h2 class="pg-safety__title">'
            '<span class="pg-visually-hidden">Urgent: </span>See</h2><ul><li>a</li></ul></section></div>',
            "section-hidden",
            id="hidden-by-style",
        ),
    ],
)
def test_structural_rule_on_raw_html(html: str, rule: str) -> None:
    """Report structural problems that Markdown alone cannot make, in hand-written HTML."""
    result = check_page(f"<article>{html}</article>", page="t.md", lock=None, number="911", lang="en")
    assert rule in {finding.rule for finding in result.findings}


def test_configured_number_is_demanded() -> None:
    """Demand the configured number: a page written for 911 fails a site configured for 112."""
    result = check_page(render(SAFE), page="t.md", lock=None, number="112", lang="en")
    found = {finding.rule for finding in result.findings}
    assert {"number-missing", "tel-missing", "tel-mismatch"} <= found


def test_finding_names_file_line_section_and_fix() -> None:
    """Name the Markdown file, the line of the block header, the section and the fix."""
    edited = SAFE.replace("3. Step three", "3. Step 3")
    result = check_page(render(edited), page="t.md", lock=LOCK, number="911", lang="en", source=edited)
    (finding,) = result.findings
    assert finding.line == edited.splitlines().index("/// first-aid | Do this:") + 1
    text = str(finding)
    assert text.startswith(f"t.md:{finding.line} section 'steps' [step-wording]")
    assert "expected: Step three" in text and "found:    Step 3" in text and "'three' → '3'" in text
    assert "make approve-emergency" in text


def test_section_line_finds_header_of_id() -> None:
    """Return the header line of the block whose id matches, not of an earlier block."""
    assert section_line(SAFE, "soon") == SAFE.splitlines().index("/// urgent | See a doctor now if:") + 1
    assert section_line(SAFE, "absent") is None


def test_extracted_section_content() -> None:
    """Extract heading, hidden prefix, blocks and tel links as the reader gets them."""
    article = parse_article(render(SAFE))
    sections = [extract_section(el) for el in article.iter("section")]
    assert [s.id for s in sections] == ["call", "soon", "steps"]
    steps = sections[2]
    assert (steps.kind, steps.heading, steps.prefix) == ("first-aid", "Do this:", "First aid:")
    assert steps.content == (
        ("list", ("sign one", "sign two")),
        ("text", "If you see these signs:"),
        ("steps", ("Step one", "Step two", "Step three", "Step four")),
        ("text", "Repeat after five minutes."),
    )
    assert sections[0].tel == ("911",)


def test_lock_round_trips() -> None:
    """Write a lock and read the same lock back."""
    assert load_lock(dump_lock(LOCK)) == LOCK


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("sections: [", "not valid YAML", id="bad-yaml"),
        pytest.param("version: 1\nemergency_number: '911'\nsections: {}", "'sections' must be a list", id="not-a-list"),
        pytest.param(
            f"version: {LOCK_VERSION + 1}\nemergency_number: '911'\nsections: []",
            f"'version' must be {LOCK_VERSION}",
            id="wrong-version",
        ),
        pytest.param("version: 1\nemergency_number: 'nine'\nsections: []", "must be digits", id="bad-number"),
        pytest.param(
            "version: 1\nemergency_number: '911'\nsections:\n- {lang: en, id: x}", "missing 'page'", id="missing-key"
        ),
    ],
)
def test_malformed_lock_is_a_clear_error(text: str, message: str) -> None:
    """Reject a malformed lock with a message that names the file and the problem."""
    with pytest.raises(LockError, match=message) as raised:
        load_lock(text, path="hooks/emergency-lock.yml")
    assert str(raised.value).startswith("hooks/emergency-lock.yml")


def test_unknown_kind_in_lock() -> None:
    """Reject a lock entry of an unknown kind."""
    text = dump_lock(LOCK).replace("kind: urgent", "kind: warning")
    with pytest.raises(LockError, match="unknown kind 'warning'"):
        load_lock(text)


def _translated(lock_text: str, steps_kept: int) -> str:
    """Return the lock text with a Spanish copy of the first-aid section keeping some of its steps."""
    data_lock = load_lock(lock_text)
    original = data_lock.get("en", "steps")
    assert original is not None
    spanish = [
        ("steps", tuple(f"Paso {n}" for n in range(1, steps_kept + 1)))
        if kind == "steps"
        else (kind, value if isinstance(value, str) else tuple(f"es {v}" for v in value))
        for kind, value in original.section.content
    ]
    from dataclasses import replace

    from ivig_guide.lock import Lock, LockEntry

    entry = LockEntry(
        "es",
        "t.es.md",
        replace(original.section, content=tuple(spanish), heading="Haga esto:"),
        "T",
        "x",
        checked_against=original.section.all_text(),
    )
    return dump_lock(Lock("911", "en", {**data_lock.entries, entry.key: entry}))


def test_translation_matches_its_original() -> None:
    """Accept a translation with the same kind, step count and list lengths; reject one that lost a step."""
    assert load_lock(_translated(dump_lock(LOCK), 4)).get("es", "steps") is not None
    with pytest.raises(LockError, match="es/steps: kind, steps or list items differ from en/steps"):
        load_lock(_translated(dump_lock(LOCK), 3))


def test_section_shape_ignores_wording() -> None:
    """Compare translations by shape, not words."""
    a = Section("x", "first-aid", "Do", "First aid:", (("steps", ("a", "b")),))
    b = Section("x", "first-aid", "Haga", "Primeros auxilios:", (("steps", ("c", "d")),))
    assert a.shape() == b.shape()


def test_unguarded_findings_point_at_their_lines() -> None:
    """Give each unguarded instruction the line it is written on, in order."""
    text = SAFE + "\nCall 911 for help.\n\nSome more words.\n\nOr dial 911 too.\n\nAnd call 911 again.\n"
    result = check_page(render(text), page="t.md", lock=LOCK, number="911", lang="en", source=text)
    lines = text.splitlines()
    expected = [lines.index(line) + 1 for line in ("Call 911 for help.", "Or dial 911 too.", "And call 911 again.")]
    assert [(f.rule, f.line) for f in result.findings] == [("unguarded-call", n) for n in expected]


def test_nested_article_in_content_is_still_checked() -> None:
    """Check the whole content area even when the content holds an <article> of its own."""
    inner = "<article><p>A quoted article.</p></article>"
    html = render(SAFE).replace('<article class="md-content__inner">', f'<article class="md-content__inner">{inner}')
    result = check_page(html, page="t.md", lock=LOCK, number="911", lang="en")
    assert [s.id for s in result.sections] == ["call", "soon", "steps"]
    assert result.findings == []
