"""Markdown blocks that mark the guide's emergency content.

Authors write, in any page::

    /// emergency | Call 911 if:
        id: sudden-side-effects

    - you have a side effect that comes on suddenly or is severe

    Call [911](tel:911) now.
    ///

The three kinds are ``emergency`` (call the emergency number), ``urgent``
(see a doctor straight away; no emergency number) and ``first-aid`` (numbered
steps, with the symptoms and advice that belong to them). Each renders as a
``<section>`` whose first child is a real heading that starts with a visually
hidden prefix for screen readers, in the manner of the NHS care cards and the
GOV.UK warning text::

    <section class="pg-safety pg-safety--emergency" id="sudden-side-effects"
             data-pg-safety="emergency" aria-labelledby="sudden-side-effects-title">
      <h2 class="pg-safety__title" id="sudden-side-effects-title">
        <span class="pg-visually-hidden">Emergency: </span>Call 911 if:</h2>
      ...
    </section>

This module only renders. Whether a section is intact is decided on the final
HTML by :mod:`ivig_guide.emergency`, which reads the markup described here.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from typing import Any

from markdown import Markdown
from pymdownx.blocks import BlocksExtension
from pymdownx.blocks.block import Block, type_boolean, type_html_identifier, type_ranged_integer, type_string

#: kind -> the prefix a screen reader announces before the heading.
KINDS: dict[str, str] = {
    "emergency": "Emergency:",
    "urgent": "Urgent:",
    "first-aid": "First aid:",
}

#: The prefixes in each edition's language; a language without its own uses English's.
PREFIXES: dict[str, dict[str, str]] = {
    "en": KINDS,
    "es": {"emergency": "Emergencia:", "urgent": "Urgente:", "first-aid": "Primeros auxilios:"},
}


def prefixes(lang: str) -> dict[str, str]:
    """Return the screen-reader prefix of each kind in a language."""
    return PREFIXES.get(lang, KINDS)


SECTION_CLASS = "pg-safety"
TITLE_CLASS = "pg-safety__title"
HIDDEN_CLASS = "pg-visually-hidden"
KIND_ATTRIBUTE = "data-pg-safety"
#: A section left off the emergency card says so, and why (``card: false`` and ``card_reason:`` in the block).
CARD_ATTRIBUTE = "data-pg-card"
CARD_REASON_ATTRIBUTE = "data-pg-card-reason"


class SafetyBlock(Block):
    """One marked emergency section: a heading that states the action, then its content."""

    NAME = ""
    ARGUMENT = True  # the action heading, e.g. "Call 911 if:"
    OPTIONS = {
        "id": ("", type_html_identifier),
        "level": (2, type_ranged_integer(2, 4)),
        "card": (True, type_boolean),
        "card_reason": ("", type_string),
    }

    def on_validate(self, parent: etree.Element) -> bool:
        """Accept the block only with a heading and an id, so a broken header stays visible as text."""
        return bool(self.options["id"]) and bool(str(self.argument).strip())

    def on_create(self, parent: etree.Element) -> etree.Element:
        """Create the section with its heading and hidden prefix."""
        section_id = self.options["id"]
        heading = " ".join(str(self.argument).split())
        attributes = {
            "class": f"{SECTION_CLASS} {SECTION_CLASS}--{self.NAME}",
            "id": section_id,
            KIND_ATTRIBUTE: self.NAME,
            "aria-labelledby": f"{section_id}-title",
        }
        if not self.options["card"]:
            attributes[CARD_ATTRIBUTE] = "false"
            attributes[CARD_REASON_ATTRIBUTE] = " ".join(self.options["card_reason"].split())
        section = etree.SubElement(parent, "section", attributes)
        title = etree.SubElement(
            section,
            f"h{self.options['level']}",
            {"class": TITLE_CLASS, "id": f"{section_id}-title", "data-toc-label": heading},
        )
        prefix = etree.SubElement(title, "span", {"class": HIDDEN_CLASS})
        prefix.text = f"{prefixes(self.config['lang'])[self.NAME]} "
        prefix.tail = heading
        return section


class SafetyBlocksExtension(BlocksExtension):
    """Register one block per kind of emergency section."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Initialise with one option, the page's language (``lang``, set per edition by hooks/languages.py).

        The kinds are fixed, since the guard depends on them.
        """
        self.config: dict[str, list[Any]] = {"lang": ["en", "Language of the prefixes ('en', 'es')"]}
        super().__init__(*args, **kwargs)

    def extendMarkdownBlocks(self, md: Markdown, block_mgr: Any) -> None:
        """Register the ``emergency``, ``urgent`` and ``first-aid`` blocks."""
        for kind in KINDS:
            name = "".join(part.title() for part in kind.split("-")) + "Block"
            block_mgr.register(type(name, (SafetyBlock,), {"NAME": kind}), {"lang": self.getConfig("lang")})


def makeExtension(*args: Any, **kwargs: Any) -> SafetyBlocksExtension:
    """Return the extension, as Markdown expects of an extension module."""
    return SafetyBlocksExtension(*args, **kwargs)
