"""Find the Markdown source line a finding is about: a section's block header, or an unguarded instruction.

Line numbers come from the source, never from the rendered HTML: editors fix the Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

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


@dataclass(frozen=True)
class BlockSource:
    """Where an emergency block is written in the Markdown, and what its source lacks."""

    line: int  # 1-based line of its header, "/// kind | Heading"
    kind: str
    has_id: bool  # an indented "id:" line follows the header
    closed: bool  # a "///" line closes it before another block starts or the page ends
    next_header: int | None  # the line of the block header that came before it was closed


def emergency_blocks_in(source: str) -> list[BlockSource]:
    """Return every emergency block header of the source (outside fenced code), with what it lacks."""
    blocks: list[BlockSource] = []
    lines = source.splitlines()
    fence = ""
    open_block: tuple[int, str, bool] | None = None
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if fence:
            fence = "" if stripped.startswith(fence) else fence
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            continue
        header = STRAY_BLOCK_HEADER.match(stripped)
        if header and header.group(1) in KINDS:
            if open_block is not None:
                blocks.append(BlockSource(*open_block, closed=False, next_header=number))
            options = []  # the indented "key: value" lines right under the header
            for following in lines[number:]:
                if not re.match(r"^\s{4}[\w-]+\s*:", following):
                    break
                options.append(following)
            open_block = (number, header.group(1), any(re.match(r"^\s{4}id\s*:\s*\S", o) for o in options))
        elif open_block is not None and re.fullmatch(r"/{3,}", stripped):
            blocks.append(BlockSource(*open_block, closed=True, next_header=None))
            open_block = None
    if open_block is not None:
        blocks.append(BlockSource(*open_block, closed=False, next_header=None))
    return blocks
