"""A page's Markdown source as the build reads it: decoded as UTF-8 and with valid front matter, or a clear error.

MkDocs reads a page that is not UTF-8 with a traceback, and treats front matter it cannot parse as page
text (the raw YAML shows above the page's first callout; title, description, search tags and review
dates are lost). :func:`read_page_source` refuses both, naming the file and the line.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any

import yaml

from ivig_guide.errors import ContentError

#: The front matter keys the guide reads, and the type each must have.
FRONT_MATTER_TYPES: dict[str, tuple[type, ...]] = {
    "title": (str,),
    "description": (str,),
    "tags": (list,),
    "reviewed": (datetime.date,),
    "review_due": (datetime.date,),
    "reference": (bool,),
    "print": (bool,),
    "hide": (list,),
    "search": (dict,),
}
_FENCE = re.compile(r"^-{3}[ \t]*$")
#: A private marker pages may write for the configured emergency number (extra.emergency_number), so that
#: text about the guide, such as the maintainers' examples, follows a clinic's number. The guard checks the
#: page after it is filled in.
NUMBER_MARKER = "{emergency_number}"


def decode_source(data: bytes, *, page: str) -> str:
    """Return a page's bytes as text; raise ContentError naming the line of the first byte that is not UTF-8."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ContentError(
            f"docs/{page}:{line}: the page is not saved as UTF-8 (byte 0x{data[error.start]:02x} on this line). "
            "Open it in your editor and save it as UTF-8."
        ) from None
    return text


def check_front_matter(text: str, *, page: str) -> Mapping[str, Any]:
    """Return a page's front matter; raise ContentError naming the line of any YAML or type mistake."""
    lines = text.splitlines()
    if not lines or not _FENCE.match(lines[0]):
        return {}
    end = next((n for n in range(1, len(lines)) if _FENCE.match(lines[n]) or lines[n].strip() == "..."), None)
    if end is None:
        raise ContentError(
            f"docs/{page}:1: the front matter that starts with '---' is never closed. Add a line with '---' after it."
        )
    block = "\n".join(lines[1:end])
    try:
        meta = yaml.safe_load(block) or {}
    except (yaml.YAMLError, ValueError) as error:
        raise ContentError(_yaml_message(error, page=page, lines=lines)) from None
    if not isinstance(meta, dict):
        raise ContentError(f"docs/{page}:2: the front matter must be 'key: value' lines, found {type(meta).__name__}.")
    for key, types in FRONT_MATTER_TYPES.items():
        if key in meta and not isinstance(meta[key], types):
            line = next((n + 1 for n in range(1, end) if lines[n].startswith(f"{key}:")), 2)
            raise ContentError(
                f"docs/{page}:{line}: front matter '{key}' {_expected(key, types)}, found {meta[key]!r}."
            )
    return meta


def _expected(key: str, types: tuple[type, ...]) -> str:
    """Return how a front matter value must be written."""
    if datetime.date in types:
        return "must be a date written YYYY-MM-DD, like 2026-11-25"
    if bool in types:
        return "must be true or false"
    if list in types:
        return f"must be a list, one '- item' line each under '{key}:'"
    return "must be text (put it in quotes if it holds a colon, a bracket or a #)"


def _yaml_message(error: Exception, *, page: str, lines: list[str]) -> str:
    """Return a YAML error of a page's front matter as 'docs/page:line: what, how to fix'."""
    mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
    if mark is not None:
        line = mark.line + 2  # the block starts after the opening '---'
        problem = getattr(error, "problem", None) or "it is not valid YAML"
        return (
            f"docs/{page}:{line}: the front matter is not valid YAML ({problem}): {lines[line - 1].strip()!r}. "
            "Put text with a colon, a bracket or a # in quotes."
        )
    # A value YAML reads as a date but is none (2026-13-45).
    bad = next((n + 1 for n, text in enumerate(lines) if re.search(r":\s*\d{4}-\d{1,2}-\d{1,2}\s*$", text)), 2)
    return f"docs/{page}:{bad}: {lines[bad - 1].strip()!r} is not a real date ({error}). Write it as YYYY-MM-DD."


def read_page_source(data: bytes, *, page: str, number: str) -> str:
    """Return a page's source, checked (UTF-8, front matter that parses and has the right types), markers filled."""
    text = decode_source(data, page=page)
    check_front_matter(text, page=page)
    return text.replace(NUMBER_MARKER, number)
