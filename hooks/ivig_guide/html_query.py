"""Typed XPath queries over lxml trees: elements, and attribute values with the element that holds them."""

from __future__ import annotations

from dataclasses import dataclass

import lxml.html
from lxml import etree


@dataclass(frozen=True)
class Attribute:
    """One attribute an XPath query found: its name, its value and the element that holds it."""

    name: str
    value: str
    element: lxml.html.HtmlElement


def elements(root: etree._Element, path: str) -> list[lxml.html.HtmlElement]:
    """Return the elements an XPath query selects (anything else it selects is left out)."""
    found = root.xpath(path)
    return [item for item in found if isinstance(item, lxml.html.HtmlElement)] if isinstance(found, list) else []


def attributes(root: etree._Element, path: str) -> list[Attribute]:
    """Return the attributes an XPath query (``…/@name``) selects, with their elements."""
    found = root.xpath(path)
    results = []
    for item in found if isinstance(found, list) else []:
        if isinstance(item, etree._ElementUnicodeResult) and item.is_attribute:
            parent = item.getparent()
            if isinstance(parent, lxml.html.HtmlElement) and item.attrname is not None:
                results.append(Attribute(str(item.attrname), str(item), parent))
    return results
