"""The emergency guard over printed handouts: check that a PDF still says every approved step, in order.

The text of a PDF comes out with its own line breaks, hyphenation and running headers, so the check
compares the text and the approved wording with every space and hyphen taken out. A step is found
when its whole wording is in the PDF after the previous step; the emergency number must be there as
a number of its own. The findings are the guard's own :class:`~ivig_guide.rules.Finding`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from ivig_guide.lock import LockEntry
from ivig_guide.rules import Finding, Rule

#: Characters a PDF's text may add or drop where lines break: spaces, hyphens and dashes.
_BREAKS = re.compile(r"[\s\u00ad\u2010\u2011\u2012\u2013\u2014-]+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
#: The fonts a handout may embed: the guide's print font and its monospace companion (print-fonts.css).
#: PDF font names carry a subset tag ("ABCDEF+") and a style ("-Bold", or "ExtraLight-Regular" for an instance
#: of the variable monospace font); a name is the guide's when it starts with the family.
PRINT_FONTS = ("AtkinsonHyperlegible",)
FIX = "Print the handouts again from a build that passed (`make handouts`); if this persists, check print.css."


def normalise(text: str) -> str:
    """Return text as compared: NFKC, straight quotes, lower case, without spaces, hyphens or dashes."""
    return _BREAKS.sub("", unicodedata.normalize("NFKC", text).translate(_QUOTES)).lower()


def pdf_text(path: Path) -> str:
    """Return the text of every page of a PDF, page after page (pypdf)."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def pdf_fonts(path: Path) -> set[str]:
    """Return the names of the fonts a PDF's pages use (``/BaseFont``, without the subset tag)."""
    from pypdf import PdfReader

    names: set[str] = set()
    for page in PdfReader(path).pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        for font in (fonts.get_object() if fonts is not None else {}).values():
            base = str(font.get_object().get("/BaseFont", ""))
            names.add(base.lstrip("/").split("+", 1)[-1])
    return names


def check_pdf_fonts(fonts: Iterable[str], *, pdf: str) -> list[Finding]:
    """Return a finding for each font in a PDF that is not one of the guide's print fonts."""
    strangers = sorted(name for name in fonts if not name.startswith(PRINT_FONTS))
    if not strangers:
        return []
    return [
        Finding(
            pdf,
            None,
            None,
            Rule.PDF_FONT,
            f"The PDF uses fonts of the machine that printed it ({', '.join(strangers)}), "
            "not only the guide's print font (Atkinson Hyperlegible and its Mono), "
            "so its layout depends on that machine.",
            "Keep print-fonts.css and overrides/assets/fonts/ in the build, and print only characters the print "
            "font has (see the unicode-range of print-fonts.css); then print the handouts again.",
        )
    ]


def check_pdf_text(text: str, *, pdf: str, entries: Iterable[LockEntry], number: str) -> list[Finding]:
    """Return a finding for each approved step missing from a PDF's text or out of order, and a missing number.

    ``entries`` are the approved sections the PDF must hold (all of them for the whole guide, those of
    one page for a page's PDF, the card's for the card).
    """
    flat = normalise(text)
    findings: list[Finding] = []
    needs_number = False
    for entry in entries:
        section = entry.section
        needs_number = needs_number or section.kind in ("emergency", "first-aid")
        for steps in section.blocks("steps"):
            position = 0
            for n, step in enumerate(steps, start=1):
                wanted = normalise(step)
                found = flat.find(wanted, position)
                if found >= 0:
                    position = found + len(wanted)
                    continue
                earlier = wanted in flat
                findings.append(
                    Finding(
                        pdf,
                        None,
                        entry.id,
                        Rule.PDF_STEPS_ORDER if earlier else Rule.PDF_STEP_MISSING,
                        f"Step {n} of '{section.heading}' ({entry.page}) "
                        + ("comes before the step it follows" if earlier else "is not in the PDF's text")
                        + f": '{step}'.",
                        FIX,
                    )
                )
    if needs_number and not re.search(rf"(?<!\d){re.escape(number)}(?!\d)", text):
        findings.append(
            Finding(pdf, None, None, Rule.PDF_NUMBER_MISSING, f"The emergency number {number} is not in the PDF.", FIX)
        )
    return findings
