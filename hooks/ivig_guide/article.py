"""The content area of a built page: what both the emergency guard and the readability check read."""

from __future__ import annotations

import lxml.html
from lxml.etree import ParserError


def parse_article(html: str) -> lxml.html.HtmlElement | None:
    """Return the page's ``<article>`` (the content area), parsed on its own; None if the page is empty."""
    # Search backwards from the end: the article follows the whole navigation, which in a large
    # site is most of the page. A nested <article> in the content falls back to a forward search.
    end = html.rfind("</article>")
    start = html.rfind("<article", 0, end) if end >= 0 else -1
    if start >= 0 and html.count("</article", start, end) > 0:
        start = html.find("<article")
    fragment = html[start : end + len("</article>")] if 0 <= start < end else html
    if not fragment.strip():
        return None
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except ParserError:
        return None
    found = root.find(".//article")
    return found if found is not None else root
