"""The first paint in one round trip: each page carries the CSS its own elements use, and loads the rest later.

A phone on a weak signal gets the first TCP window (about 14 KB) of a page one round trip after it asked.
To make that window enough to read the page (the emergency banner, the header, the first-aid steps), a
page's ``<head>`` holds, instead of links to the stylesheets, one ``<style>`` with the rules of those
stylesheets that match an element of the page, chosen with a real CSS parser (tinycss2) and selector
matcher (cssselect2):

- every style rule is kept with the selectors of its list that match an element (a pseudo-element counts
  as its element), inside its ``@media`` and ``@supports`` rules; selectors of states a first paint does
  not show (``:hover``, ``:focus``) never match, and a selector the matcher cannot read is kept;
- of the custom properties, only those a kept declaration uses (through any chain of ``var()``) stay:
  Material defines some hundred icons as custom properties;
- print-only ``@media`` rules, ``@page``, ``@font-face`` and ``@keyframes`` are left to the stylesheets.

Every kept rule is also in the stylesheets, which come later in the document, so when they arrive each
element's style is the one the stylesheets alone would give: nothing moves.

The stylesheets themselves are linked after the content, inside a ``<noscript>`` (which readers without
JavaScript get as links), and a small inline script (allowed by its hash) inserts those links once the
page has painted, so the phone spends its first round trips on the page itself and the stylesheets never
hold back its first paint. Scripts in the body are deferred. No ``onload=`` handler and no ``style=``
attribute is used: the Content-Security-Policy allows the ``<style>`` and the script by their hashes
(:mod:`ivig_guide.csp`).

Works on strings; knows nothing of MkDocs.
"""

from __future__ import annotations

import gzip
import html
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import cssselect2
import lxml.html
import tinycss2
from tinycss2 import ast

from ivig_guide.errors import GuideError
from ivig_guide.fragment_css import split_selectors

#: The first TCP window a server sends without waiting (10 segments of about 1,400 bytes): what a page's
#: HTML, gzip-compressed at level 9, must fit in for its first paint to need one round trip.
FIRST_WINDOW = 14_000
#: The id of the ``<noscript>`` that holds the page's stylesheet links, inserted after the first paint.
LATE_ID = "pg-late-styles"
#: Marks each stylesheet link loaded after the first paint; ``data-pg-settled`` is added once it loaded or failed.
LATE_ATTRIBUTE = "data-pg-late"
#: Inserts the links of the ``<noscript>`` once the page has painted (at once in a hidden tab, which paints
#: nothing, and in print media, so a printed page waits for them). Each link is inserted for print media
#: only and gets its own media back when every one of them has loaded or failed, all in one go, so the page
#: is laid out once with all of them (one sheet applied before the next would move it); each link is then
#: marked ``data-pg-settled``, and the ``<noscript>`` marked when it inserted them.
LOADER_JS = (
    "(function(){var n=document.getElementById('pg-late-styles');if(!n)return;"
    "function load(){if(n.hasAttribute('data-pg-loaded'))return;n.setAttribute('data-pg-loaded','');"
    "var t=document.createElement('template');t.innerHTML=n.textContent;"
    "var ls=[].slice.call(t.content.querySelectorAll('link[data-pg-late]')),left=ls.length;"
    "ls.forEach(function(l){var m=l.media||'all';l.media='print';"
    "function done(){l.removeEventListener('load',done);l.removeEventListener('error',done);l.pgMedia=m;"
    "if(--left===0)ls.forEach(function(k){k.media=k.pgMedia;k.setAttribute('data-pg-settled','')})}"
    "l.addEventListener('load',done);l.addEventListener('error',done)});"
    "n.parentNode.insertBefore(t.content,n.nextSibling)}"
    "addEventListener('beforeprint',load);"
    "if(document.visibilityState==='hidden'||matchMedia('print').matches)load();"
    "else requestAnimationFrame(function(){setTimeout(load,0)})})()"
)
#: At-rules whose nested rules are kept or left like the top level's.
NESTING_AT_RULES = frozenset({"media", "supports"})
#: Marks the ``<style>`` element that holds a page's first-paint CSS.
STYLE_ATTRIBUTE = "data-pg-first-paint"
#: A tinycss2 node; its type stubs cannot narrow nodes by their ``type``.
Token = Any


class FirstPaintError(GuideError):
    """A page or stylesheet the first-paint CSS cannot be made from; the message names it and the fix."""


@dataclass(frozen=True)
class Declaration:
    """One declaration of a style rule, as written, and the custom properties its value uses."""

    name: str
    text: str  # "color:var(--md-typeset-a-color)"
    uses: frozenset[str]


@dataclass(frozen=True)
class StyleRule:
    """One style rule of a stylesheet, inside its at-rules (outermost first)."""

    conditions: tuple[str, ...]  # ("@media screen and (min-width:60em)",)
    selectors: tuple[str, ...]
    declarations: tuple[Declaration, ...]


@dataclass
class Stylesheets:
    """Stylesheets in cascade order, parsed once, with a selector matcher over all their rules."""

    rules: list[StyleRule]
    matcher: cssselect2.Matcher
    kept_unread: set[tuple[int, int]]  # (rule, selector) the matcher cannot read: always kept


def _uses(tokens: Iterable[Token]) -> set[str]:
    """Return the custom properties that ``var()`` functions among ``tokens`` name, nested ones included."""
    found: set[str] = set()
    for token in tokens:
        if token.type == "function":
            if token.lower_name == "var":
                names = [t for t in token.arguments if t.type == "ident"]
                if names and str(names[0].value).startswith("--"):
                    found.add(str(names[0].value))
            found |= _uses(token.arguments)
        elif token.type in ("() block", "[] block", "{} block"):
            found |= _uses(token.content)
    return found


def _without_pseudo(tokens: Sequence[Token]) -> list[Token]:
    """Return a selector without its pseudo-classes and pseudo-elements (it then matches more, never less)."""
    out: list[Token] = []
    skipping = False
    for token in tokens:
        if token.type == "literal" and token.value == ":":
            skipping = True
            continue
        if skipping and token.type in ("ident", "function"):
            skipping = False
            continue
        skipping = False
        out.append(token)
    return out


def _is_print_only(prelude: str) -> bool:
    """Return whether a ``@media`` prelude applies to print only (every query of its list names print)."""
    queries = [query.strip().lower() for query in prelude.split(",")]
    return all(re.match(r"(only\s+)?print\b", query) for query in queries if query)


def _style_rules(rules: Iterable[Token], conditions: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Token]]:
    """Yield each style rule that can apply on a screen with the at-rules around it."""
    for rule in rules:
        if isinstance(rule, ast.QualifiedRule):
            yield conditions, rule
        elif isinstance(rule, ast.AtRule) and rule.lower_at_keyword in NESTING_AT_RULES and rule.content is not None:
            prelude = tinycss2.serialize(rule.prelude).strip()
            if rule.lower_at_keyword == "media" and _is_print_only(prelude):
                continue
            inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
            yield from _style_rules(inner, (*conditions, f"@{rule.lower_at_keyword} {prelude}"))
        # @font-face, @page, @keyframes, @import and the like are left to the stylesheets.


def parse_stylesheets(sources: Sequence[tuple[str, str]]) -> Stylesheets:
    """Parse stylesheets given as (name, text) in cascade order; return their rules and a matcher over them."""
    rules: list[StyleRule] = []
    matcher = cssselect2.Matcher()
    unread: set[tuple[int, int]] = set()
    for _name, text in sources:
        sheet = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
        for conditions, rule in _style_rules(sheet, ()):
            declarations = tuple(
                Declaration(
                    item.name,
                    f"{item.name}:{tinycss2.serialize(item.value).strip()}" + ("!important" if item.important else ""),
                    frozenset(_uses(item.value)),
                )
                for item in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
                if isinstance(item, ast.Declaration)
            )
            selectors = split_selectors(rule.prelude)
            index = len(rules)
            rules.append(StyleRule(conditions, tuple(tinycss2.serialize(s) for s in selectors), declarations))
            for position, selector in enumerate(selectors):
                try:
                    compiled = cssselect2.compile_selector_list(selector)
                except cssselect2.SelectorError:
                    try:  # a vendor pseudo-element (::-webkit-scrollbar) or a pseudo-class it does not know
                        compiled = cssselect2.compile_selector_list(_without_pseudo(selector))
                    except cssselect2.SelectorError:
                        unread.add((index, position))
                        continue
                for one in compiled:
                    matcher.add_selector(one, (index, position))
    return Stylesheets(rules, matcher, unread)


def used_rules(document: str, sheets: Stylesheets) -> dict[int, set[int]]:
    """Return, for each rule that matches an element of ``document``, the positions of its matching selectors."""
    root = lxml.html.document_fromstring(document)
    used: dict[int, set[int]] = {}
    for index, position in sheets.kept_unread:
        used.setdefault(index, set()).add(position)
    for element in cssselect2.ElementWrapper.from_html_root(root).iter_subtree():
        for _specificity, _order, _pseudo, (index, position) in sheets.matcher.match(element):
            used.setdefault(index, set()).add(position)
    return used


def critical_css(document: str, sheets: Stylesheets) -> str:
    """Return the CSS that the elements of ``document`` use (see the module), in cascade order."""
    used = used_rules(document, sheets)
    kept = [(sheets.rules[index], sorted(positions)) for index, positions in sorted(used.items())]
    needed: set[str] = set()
    defines: dict[str, set[str]] = {}
    for rule, _positions in kept:
        for declaration in rule.declarations:
            if declaration.name.startswith("--"):
                defines.setdefault(declaration.name, set()).update(declaration.uses)
            else:
                needed |= declaration.uses
    pending = list(needed)
    while pending:
        for name in defines.get(pending.pop(), ()):
            if name not in needed:
                needed.add(name)
                pending.append(name)
    out: list[str] = []
    open_conditions: tuple[str, ...] = ()
    for rule, positions in kept:
        body = ";".join(d.text for d in rule.declarations if not d.name.startswith("--") or d.name in needed)
        if not body:
            continue
        shared = 0
        while (
            shared < min(len(open_conditions), len(rule.conditions))
            and open_conditions[shared] == rule.conditions[shared]
        ):
            shared += 1
        out.append("}" * (len(open_conditions) - shared))
        out.extend(f"{condition}{{" for condition in rule.conditions[shared:])
        open_conditions = rule.conditions
        out.append(",".join(rule.selectors[p] for p in positions) + "{" + body + "}")
    out.append("}" * len(open_conditions))
    css = "".join(out)
    if "</style" in css.lower():
        raise FirstPaintError("a stylesheet holds the text '</style', which would end the inline <style>: remove it.")
    return css


# --------------------------------------------------------------------------- the page


@dataclass
class _Found:
    """Where a page's stylesheet links, body scripts and end of body are, as source offsets."""

    links: list[tuple[int, int, dict[str, str]]]  # (start, end, attributes) of each stylesheet link in the head
    scripts: list[tuple[int, int, str]]  # (start, end, tag text) of each external script in the body to defer
    body_end: int | None = None


class _Scanner(HTMLParser):
    """Find the offsets :func:`defer_stylesheets` edits, in the page's source text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found = _Found([], [])
        self._lines = [0, *(match.end() for match in re.finditer("\n", text))]
        self._in_body = False

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        start = self._offset()
        end = start + len(self.get_starttag_text() or "")
        if tag == "body":
            self._in_body = True
        elif tag == "link" and not self._in_body and "stylesheet" in values.get("rel", "").lower().split():
            self.found.links.append((start, end, values))
        elif tag == "script" and self._in_body and values.get("src"):
            if not ({"defer", "async"} & set(values)) and values.get("type", "") != "module":
                self.found.scripts.append((start, end, self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "body":
            self.found.body_end = self._offset()


def stylesheet_links(document: str) -> list[str]:
    """Return the hrefs of the stylesheets the page's head links, in order."""
    scanner = _Scanner(document)
    scanner.feed(document)
    scanner.close()
    return [values["href"] for _start, _end, values in scanner.found.links if values.get("href")]


def _link(href: str, media: str | None) -> str:
    media_attribute = f' media="{html.escape(media)}"' if media else ""
    return f'<link rel="stylesheet" href="{html.escape(href)}"{media_attribute} {LATE_ATTRIBUTE}>'


def defer_stylesheets(document: str, *, css: str) -> str:
    """Return the page with ``css`` inlined in its head and its stylesheets and scripts loaded after its content.

    Raises :class:`FirstPaintError` when the page has no ``</body>``.
    """
    scanner = _Scanner(document)
    scanner.feed(document)
    scanner.close()
    found = scanner.found
    if not found.links:
        return document
    if found.body_end is None:
        raise FirstPaintError("the page has no </body>, so its stylesheets cannot be moved after its content.")
    links = "".join(_link(values.get("href", ""), values.get("media")) for _start, _end, values in found.links)
    tail = f'<noscript id="{LATE_ID}">{links}</noscript><script>{LOADER_JS}</script>'
    edits = [(start, end, "") for start, end, _values in found.links]
    first = found.links[0][0]
    edits.append((first, first, f"<style {STYLE_ATTRIBUTE}>{css}</style>"))
    edits += [(start, end, text.replace("<script", "<script defer", 1)) for start, end, text in found.scripts]
    edits.append((found.body_end, found.body_end, tail))
    for start, end, replacement in sorted(edits, key=lambda edit: (edit[0], edit[1]), reverse=True):
        document = document[:start] + replacement + document[end:]
    return document


def gzip_size(document: str) -> int:
    """Return the size of ``document`` compressed as the first window is measured: gzip, level 9."""
    return len(gzip.compress(document.encode("utf-8"), compresslevel=9, mtime=0))
