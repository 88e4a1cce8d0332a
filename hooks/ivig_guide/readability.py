"""Readability of the guide's pages: the text a reader reads, and its SMOG grade.

A page's text is taken from its ``<article>`` only, without page furniture
(review dates, the care-team line, permalinks) and without code. Every block
of text -- a paragraph, a list item, a heading, a table cell, a definition --
counts as one sentence, because that is how a reader takes it in, and because
lists and headings seldom end with a full stop.
"""

from __future__ import annotations

from collections.abc import Iterator

import lxml.html
import textstat

from ivig_guide.article import parse_article

#: Highest SMOG grade allowed on a page for patients.
READER_LIMIT = 8.0
#: Highest SMOG grade allowed on a page with emergency content.
EMERGENCY_LIMIT = 7.0

#: Elements whose own text is one sentence.
SENTENCE_TAGS = frozenset(
    {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "figcaption", "summary"}
)
#: Elements dropped with all they contain.
DROPPED_TAGS = frozenset({"script", "style", "pre", "code", "template", "noscript"})
#: Classes of page furniture dropped with all they contain.
DROPPED_CLASSES = frozenset({"pg-review", "pg-page-meta", "headerlink"})
#: Marks that end a sentence.
SENTENCE_ENDS = (".", "!", "?")


def _is_dropped(element: lxml.html.HtmlElement) -> bool:
    """Tell whether an element is code or page furniture."""
    if element.tag in DROPPED_TAGS:
        return True
    classes = set((element.get("class") or "").split())
    return bool(classes & DROPPED_CLASSES)


def _own_text(element: lxml.html.HtmlElement) -> str:
    """Return an element's text, leaving out the sentence elements nested in it."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in SENTENCE_TAGS:
            parts.append(" " if child.tag == "br" else _own_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _sentence(text: str) -> str:
    """Normalise whitespace and end the text with a full stop unless it already ends a sentence."""
    text = " ".join(text.split())
    if not text or text.endswith(SENTENCE_ENDS):
        return text
    if text.endswith(":"):
        return text[:-1].rstrip() + "."
    return text + "."


def _sentences(article: lxml.html.HtmlElement) -> Iterator[str]:
    """Yield the article's sentences in reading order."""
    if _is_dropped(article):
        return
    for element in list(article.iter()):
        if element is not article and isinstance(element.tag, str) and _is_dropped(element):
            element.drop_tree()
    for element in article.iter(*SENTENCE_TAGS):
        sentence = _sentence(_own_text(element))
        if sentence:
            yield sentence


def article_text(html: str) -> str:
    """Return the article's text, one sentence per line."""
    article = parse_article(html)
    if article is None:
        return ""
    return "\n".join(_sentences(article))


def smog(html: str) -> float:
    """Return the SMOG grade of the article's text."""
    return float(textstat.smog_index(article_text(html)))
