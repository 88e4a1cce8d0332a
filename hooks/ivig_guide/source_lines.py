"""Find the Markdown source line a finding is about: a section's block header, or an unguarded instruction.

Line numbers come from the source, never from the rendered HTML: editors fix the Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ivig_guide.emergency_blocks import KINDS

STRAY_BLOCK_HEADER = re.compile(r"^/{3,}\s*([\w-]+)")


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
