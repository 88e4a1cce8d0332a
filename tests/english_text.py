"""Find English text left in a Spanish copy of the guide, with the words and names of tests/english_words.yml."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import lxml.html
import yaml
from conftest import SETTINGS

DATA = Path(__file__).with_name("english_words.yml")
#: Attributes whose text a reader sees or hears: tooltips, accessible names, text alternatives, placeholders.
READ_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder", "data-pg-print-title", "data-pg-print-reviewed")
#: <meta> whose content is shown for a page (search results, link previews); not "generator" or the policy.
READ_META = ("description", "og:title", "og:description", "twitter:title", "twitter:description")
#: Web addresses, file paths and e-mail addresses: their words are an address, not text to read.
_ADDRESSES = re.compile(r"(?:https?://|mailto:|tel:)\S+|\S+@\S+\.\S+|\S*/\S*")
_WORDS = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@cache
def english_words() -> frozenset[str]:
    """Return the English words that are not Spanish words."""
    return frozenset(yaml.safe_load(DATA.read_text(encoding="utf-8"))["words"].split())


@cache
def names() -> tuple[str, ...]:
    """Return the names that stay as written (organisations, brands, licences), the clinic's included."""
    listed = list(yaml.safe_load(DATA.read_text(encoding="utf-8"))["names"])
    if SETTINGS.clinic.name:
        listed.append(SETTINGS.clinic.name)
    return tuple(sorted(listed, key=len, reverse=True))


def english_in(text: str) -> list[str]:
    """Return the English words of a text, once each, after taking out names and addresses."""
    text = " ".join(text.split())  # a name broken over two lines of a PDF is still the name
    for name in names():
        text = text.replace(name, " ")
    text = _ADDRESSES.sub(" ", text)
    return sorted({word.lower() for word in _WORDS.findall(text)} & english_words())


def read_text(html: str, *, lang: str) -> list[str]:
    """Return what a reader of a document gets in ``lang``: its text and the attributes read out, without code.

    Parts marked with another language (``lang="en"`` on the language switcher's "English", the English parts
    of the 404 page) are left out: they say which language they are in. Code (``<pre>``, ``<code>``) is code.
    A document whose ``<html>`` is in another language gives only its parts marked ``lang``.
    """
    root = lxml.html.document_fromstring(html)
    for element in root.xpath(
        "//script | //style | //pre | //code | //*[local-name()='svg']/*[not(self::*[local-name()='title'])]"
    ):
        element.drop_tree()
    own = (root.get("lang") or "").split("-")[0] == lang
    parts: list[lxml.html.HtmlElement] = [root] if own else []
    if not own:
        parts += [el for el in root.iter() if isinstance(el.tag, str) and el.get("lang", "").split("-")[0] == lang]
    texts: list[str] = []
    for part in parts:
        for other in part.xpath(".//*[@lang]"):
            if other.get("lang", "").split("-")[0] != lang:
                other.drop_tree()
        texts.append(part.text_content())
        for element in part.iter():
            if not isinstance(element.tag, str):
                continue
            texts += [element.get(name, "") for name in READ_ATTRIBUTES]
            if element.tag == "meta" and (element.get("name") or element.get("property")) in READ_META:
                texts.append(element.get("content", ""))
    return [text for text in texts if text.strip()]


def english_on_page(html: str, *, lang: str) -> list[str]:
    """Return the English words a reader of a ``lang`` document meets in it."""
    return english_in(" ".join(read_text(html, lang=lang)))


def documents(site: Path, folder: str) -> Iterable[Path]:
    """Return every HTML document under a folder of the built site (pages, embeds, fragments, print pages)."""
    return sorted((site / folder).rglob("*.html"))
