"""The guard's rules: one registry of rule ids, what each means, and the finding that reports one.

Every check reports a :class:`Finding` whose ``rule`` is a :class:`Rule`; the ids are stable (tests,
messages and the maintainers' page use them), so a rule is renamed only with a migration note. The page
"Editing emergency content" lists exactly this registry (``tests/test_rules.py`` holds it to that).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Rule(StrEnum):
    """A rule of the emergency guard: its stable id (the value) and what breaking it means."""

    meaning: str

    def __new__(cls, value: str, meaning: str) -> Rule:
        """Make a member whose value is the id and which carries its meaning."""
        member = str.__new__(cls, value)
        member._value_ = value
        member.meaning = meaning
        return member

    # A section's structure, whatever its wording.
    KIND_UNKNOWN = ("kind-unknown", "A block's kind is not emergency, urgent or first-aid.")
    HEADING_MISSING = ("heading-missing", "A section has no action heading.")
    CARD_REASON_MISSING = ("card-reason-missing", "A section is left off the emergency card without a reason.")
    PREFIX_MISSING = ("prefix-missing", "A heading lost its screen-reader prefix (Emergency:, Urgent:, First aid:).")
    CONTENT_HIDDEN = ("content-hidden", "Part of a section is hidden, collapsed, struck through or shown as code.")
    SECTION_HIDDEN = ("section-hidden", "A whole section is inside something that hides it.")
    NUMBER_MISSING = ("number-missing", "An emergency callout does not name the emergency number.")
    TEL_MISSING = ("tel-missing", "An emergency callout has no tel: link to the emergency number.")
    TEL_MISMATCH = ("tel-mismatch", "A tel: link in an emergency or first-aid section dials another number.")
    NUMBER_IN_URGENT = ("number-in-urgent", "An urgent callout names the emergency number.")
    STEPS_MISSING = ("steps-missing", "First-aid steps are not a numbered list.")
    STEPS_SPLIT = ("steps-split", "The steps are split over several lists, so their numbering restarts.")
    STEPS_START = ("steps-start", "The steps do not start at 1.")
    STEPS_NUMBERING = ("steps-numbering", "Attributes change the steps' numbers (type, reversed, value).")
    DUPLICATE_ID = ("duplicate-id", "Two sections share an id.")
    # A section against its approved wording in the lock.
    SECTION_UNAPPROVED = ("section-unapproved", "A section is not in the approved lock.")
    SECTION_MOVED = ("section-moved", "A section is on another page than the one it was approved on.")
    SECTION_MISSING = ("section-missing", "An approved section is not in the build.")
    KIND_CHANGED = ("kind-changed", "A section's kind differs from the approved one.")
    HEADING_CHANGED = ("heading-changed", "A heading's wording differs from the approved one.")
    TEL_CHANGED = ("tel-changed", "A section's tel: links differ from the approved ones.")
    CARD_CHANGED = ("card-changed", "Whether a section is on the emergency card differs from what was approved.")
    STEPS_COUNT = ("steps-count", "A step was added or removed.")
    STEPS_ORDER = ("steps-order", "The steps are in another order.")
    STEP_WORDING = ("step-wording", "A step's wording changed.")
    LIST_CHANGED = ("list-changed", "A list of signs lost, gained, reworded or reordered an item.")
    TEXT_CHANGED = ("text-changed", "A paragraph of a section changed.")
    # A translation against its original (es/<id> against en/<id>).
    TRANSLATION_ORPHAN = ("translation-orphan", "A translated section has no approved original with its id.")
    TRANSLATION_SHAPE = (
        "translation-shape",
        "A translated section's kind, number of steps or listed signs, or tel: links differ from its original.",
    )
    TRANSLATION_MISSING = ("translation-missing", "A translated page lacks a section of its original page.")
    TRANSLATION_DRIFT = (
        "translation-drift",
        "A translation was approved against older wording of its original and is not marked pending review.",
    )
    DRIFT_NOTICE_MISSING = (
        "drift-notice-missing",
        "A translation pending review does not show the notice that the original has newer wording.",
    )
    # Outside the marked sections.
    UNGUARDED_TEL = ("unguarded-tel", "A tel: link to the emergency number outside a marked section.")
    UNGUARDED_CALL = ("unguarded-call", "An instruction to call the emergency number outside a marked section.")
    BLOCK_NOT_RECOGNISED = ("block-not-recognised", "A `///` block was not recognised and shows as text.")
    BLOCK_ID_MISSING = ("block-id-missing", "An emergency block has no `id:` line under its header.")
    BLOCK_NOT_CLOSED = ("block-not-closed", "An emergency block is not closed with `///` before the next one.")
    # Other copies: embeds, fragments, printed PDFs.
    EMBED_DIFFERS = ("embed-differs", "An embed page or fragment does not hold exactly its page's sections.")
    EMBED_MISSING = ("embed-missing", "A page with approved sections has no embed page or fragment.")
    PDF_STEP_MISSING = ("pdf-step-missing", "An approved step is not in a PDF's text.")
    PDF_STEPS_ORDER = ("pdf-steps-order", "The steps are out of order in a PDF's text.")
    PDF_NUMBER_MISSING = ("pdf-number-missing", "A PDF with emergency content does not name the emergency number.")
    PDF_FONT = ("pdf-font", "A PDF uses a font of the printing machine instead of the guide's print font.")
    # What the reader sees: the guarded sections as Chromium renders every copy (ivig_guide.rendered).
    HIDDEN = ("hidden", "A guarded element is not displayed, not visible, or too small or scaled away to see.")
    TRANSPARENT = ("transparent", "A guarded element is nearly transparent (its effective opacity).")
    CLIPPED = ("clipped", "A guarded element is cut off by overflow, clip or clip-path.")
    OFF_SCREEN = ("off-screen", "A guarded element, or its text, is moved out of the page.")
    COVERED = ("covered", "Another element is drawn over a guarded element.")
    LOW_CONTRAST = ("low-contrast", "Guarded text contrasts less than 4.5:1 with what is painted behind it.")
    NOT_PAINTED = ("not-painted", "Guarded text is not drawn where a reader could see it.")
    TEXT_TOO_SMALL = ("text-too-small", "Guarded text is smaller than the page's body text.")
    TEL_TOO_SMALL = ("tel-too-small", "A tel: link is smaller than the text around it.")
    NOT_NUMBERED = ("not-numbered", "The steps are not shown with decimal numbers.")
    MARKER_NOT_PAINTED = ("marker-not-painted", "A step's number is not drawn.")
    MARKER_LOW_CONTRAST = ("marker-low-contrast", "A step's number contrasts less than 4.5:1 with its background.")
    MARKER_TOO_SMALL = ("marker-too-small", "A step's number is smaller than the page's body text.")
    PDF_STEP_NUMBER = ("pdf-step-number", "A handout PDF does not show a step's number before it.")
    PAGE_ERROR = ("page-error", "A copy that holds guarded sections does not load in the browser.")
    # The Content-Security-Policy: inline code no hash can allow.
    INLINE_EVENT_HANDLER = ("inline-event-handler", "An inline event handler (onclick=…), which the policy blocks.")
    JAVASCRIPT_URL = ("javascript-url", "A javascript: link, which the policy blocks.")


@dataclass(frozen=True)
class Finding:
    """One broken rule in one emergency section (or one unguarded instruction)."""

    page: str  # source file, e.g. "anaphylaxis.md"
    line: int | None  # 1-based line of the section's block header in the source file
    section: str | None  # section id, e.g. "anaphylaxis-first-aid"
    rule: Rule
    message: str  # what is wrong; may span lines (expected / found)
    fix: str  # what the author must do

    def __str__(self) -> str:
        """Return the finding as an actionable message for a content editor."""
        where = f"{self.page}:{self.line}" if self.line else self.page
        what = f" section '{self.section}'" if self.section else ""
        return f"{where}{what} [{self.rule}] {self.message}\n    Fix: {self.fix}"


def format_findings(findings: Iterable[Finding]) -> str:
    """Return findings as one message for the terminal."""
    lines = [str(f) for f in findings]
    return (
        "Emergency content is not intact, so this build must not be published:\n\n  "
        + "\n\n  ".join(line.replace("\n", "\n  ") for line in lines)
        + "\n"
    )
