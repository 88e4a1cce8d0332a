"""Read the marked emergency sections of rendered HTML as readers get them, in the lock's terms.

:func:`extract_section` turns one ``<section data-pg-safety=…>`` (made by :mod:`ivig_guide.emergency_blocks`)
into a :class:`~ivig_guide.lock.Section`: heading, screen-reader prefix, text, lists, steps and ``tel:`` numbers.
:func:`hidden_reason` tells why an element would not reach a reader.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import lxml.html
from lxml.etree import ParserError

from ivig_guide.emergency_blocks import CARD_ATTRIBUTE, CARD_REASON_ATTRIBUTE, HIDDEN_CLASS, KIND_ATTRIBUTE, TITLE_CLASS
from ivig_guide.lock import Section

CODE_TAGS = frozenset({"pre", "code", "kbd", "samp", "script", "style", "template", "textarea", "noscript"})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: Elements that show their text as deleted.
STRUCK_TAGS = frozenset({"del", "s", "strike"})
#: Inline styles that hide an element.
HIDING_STYLE = re.compile(r"(display\s*:\s*none|visibility\s*:\s*hidden|content-visibility\s*:\s*hidden)", re.I)


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


def hidden_reason(element: lxml.html.HtmlElement) -> str | None:
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


def ancestors(element: lxml.html.HtmlElement, stop: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
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
