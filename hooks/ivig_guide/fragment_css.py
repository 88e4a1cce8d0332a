"""The CSS of a portal fragment: the guide's stylesheets scoped under one wrapper, read with a CSS parser.

A fragment lives inside someone else's page, so its CSS must touch nothing outside the wrapper
(``.ivig-guide``) and must not depend on that page's root font size:

- every selector is put under the wrapper (``:root``, ``html`` and ``body`` become the wrapper itself);
- every ``rem`` length, negative ones and those inside ``calc()`` included, becomes
  ``calc(<n> * var(--pg-rem))``, which the wrapper sets to the guide's root size;
- ``@keyframes`` are kept only when a kept rule uses them, renamed with the guide's ``pg-`` prefix (and
  the rules that use them follow); ``@property --pg-*`` stays global (custom property names are the guide's);
- ``@charset``, ``@import``, ``@namespace``, ``@page``, ``@font-face`` and other ``@property`` rules, which would
  change the portal's own page, are left out.

Rules whose selectors cannot match anything in a fragment (by their classes and attributes) are left
out too; the test errs towards keeping a rule. Everything is done on tinycss2's tokens.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import lxml.html
import tinycss2
from tinycss2 import ast

#: At-rules whose nested rules are scoped like the top level.
NESTING_AT_RULES = frozenset({"media", "supports", "layer", "container"})
#: The prefix of the guide's own names (classes, custom properties, keyframes).
PREFIX = "pg-"
#: Properties whose values name keyframes.
ANIMATION_PROPERTIES = frozenset({"animation", "animation-name"})
ROOT_NAMES = frozenset({"html", "body"})
#: A tinycss2 node. Nodes are told apart by their ``type``, which its type stubs cannot narrow on.
Token = Any
BRACKETS = {"() block": ("(", ")"), "[] block": ("[", "]"), "{} block": ("{", "}")}


@dataclass(frozen=True)
class Rule:
    """One scoped CSS rule: a style rule, an at-rule with nested rules, or ``@keyframes``/``@property``."""

    selectors: tuple[str, ...]  # scoped selectors; empty for an at-rule
    body: str  # declarations, or the text of an at-rule kept as it is
    at: str = ""  # the at-rule's prelude, e.g. "@media screen and (min-width:60em)"
    rules: tuple[Rule, ...] = ()  # nested rules of @media, @supports, @layer, @container
    needs: frozenset[str] = field(default_factory=frozenset)  # the (renamed) keyframes its declarations use
    keyframes: str = ""  # for @keyframes: its (renamed) name
    #: for a style rule: per selector, the classes and attributes it requires, read from its tokens
    requires: tuple[tuple[frozenset[str], frozenset[tuple[str, str]]], ...] = ()


# --------------------------------------------------------------------------- scoping


def scope_css(css: str, wrapper: str = ".ivig-guide") -> tuple[Rule, ...]:
    """Return a stylesheet's rules scoped under ``wrapper``, with every ``rem`` made local (see the module)."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    names = {_keyframes_name(rule) for rule in _all_rules(rules) if _keyframes_name(rule)}
    renamed = {name: name if name.startswith(PREFIX) else PREFIX + name for name in names}
    reset = Rule((wrapper,), "all: revert; display: block")
    sizes = Rule((wrapper,), "font-size: medium; --pg-rem: 1.25em")
    registered = Rule((), "syntax: '<length>'; inherits: true; initial-value: 20px", at="@property --pg-rem")
    return (registered, reset, *_scope(rules, wrapper, renamed), sizes)


def _all_rules(rules: Iterable[Token]) -> Iterator[Token]:
    """Yield every rule, nested ones of @media and the like included."""
    for rule in rules:
        yield rule
        if isinstance(rule, ast.AtRule) and rule.lower_at_keyword in NESTING_AT_RULES and rule.content is not None:
            yield from _all_rules(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))


def _keyframes_name(rule: Token) -> str:
    """Return the name of a ``@keyframes`` rule, or ''."""
    if isinstance(rule, ast.AtRule) and rule.lower_at_keyword.endswith("keyframes"):
        idents: list[Token] = [token for token in rule.prelude if token.type in ("ident", "string")]
        return str(idents[0].value) if idents else ""
    return ""


def _scope(rules: Iterable[Token], wrapper: str, renamed: dict[str, str]) -> Iterator[Rule]:
    """Yield the scoped form of each rule that may stay in a fragment."""
    for rule in rules:
        if isinstance(rule, ast.QualifiedRule):
            body, needs = _declarations(rule.content, renamed)
            selectors = tuple(_scope_selector(selector, wrapper) for selector in split_selectors(rule.prelude))
            requires = tuple(_required(selector) for selector in split_selectors(rule.prelude))
            yield Rule(selectors, body, needs=needs, requires=requires)
        elif isinstance(rule, ast.AtRule):
            keyword = rule.lower_at_keyword
            prelude = tinycss2.serialize(rule.prelude).strip()
            if keyword in NESTING_AT_RULES and rule.content is not None:
                inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
                yield Rule((), "", at=f"@{keyword} {prelude}", rules=tuple(_scope(inner, wrapper, renamed)))
            elif keyword.endswith("keyframes") and rule.content is not None:
                name = renamed[_keyframes_name(rule)]
                yield Rule((), _convert_rem(rule.content), at=f"@{keyword} {name}", keyframes=name)
            elif keyword == "property" and prelude.startswith("--" + PREFIX) and rule.content is not None:
                yield Rule((), tinycss2.serialize(rule.content).strip(), at=f"@property {prelude}")
            # Everything else (@charset, @import, @namespace, @page, @font-face, other @property) is dropped.


def split_selectors(prelude: Sequence[Token]) -> list[list[Token]]:
    """Return the selectors of a comma-separated selector list, as token lists without outer spaces."""
    selectors: list[list[Token]] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append([])
        elif token.type != "comment":
            selectors[-1].append(token)
    return [_strip(selector) for selector in selectors if _strip(selector)]


def _strip(tokens: list[Token]) -> list[Token]:
    """Return tokens without leading and trailing whitespace."""
    start, end = 0, len(tokens)
    while start < end and tokens[start].type == "whitespace":
        start += 1
    while end > start and tokens[end - 1].type == "whitespace":
        end -= 1
    return tokens[start:end]


def _scope_selector(tokens: list[Token], wrapper: str) -> str:
    """Return one selector under ``wrapper``; a leading ``:root``, ``html`` or ``body`` becomes the wrapper."""
    first = tokens[0]
    if first.type == "ident" and str(first.value).lower() in ROOT_NAMES:
        return wrapper + tinycss2.serialize(tokens[1:])
    if (
        first.type == "literal"
        and first.value == ":"
        and len(tokens) > 1
        and tokens[1].type == "ident"
        and str(tokens[1].value).lower() == "root"
    ):
        return wrapper + tinycss2.serialize(tokens[2:])
    return f"{wrapper} {tinycss2.serialize(tokens)}"


def _required(tokens: list[Token]) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """Return the classes and (attribute, value) pairs a selector requires, outside functional pseudo-classes.

    A class is a ``.`` followed by a name; an attribute is a ``[…]`` block (its value is '' unless it must be
    equal to one). What is inside ``:is(…)``, ``:not(…)`` and the like is not required, so the answer errs
    towards keeping a rule.
    """
    classes: set[str] = set()
    attributes: set[tuple[str, str]] = set()
    for before, token in zip([None, *tokens], tokens, strict=False):
        if token.type == "ident" and before is not None and before.type == "literal" and before.value == ".":
            classes.add(str(token.value))
        elif token.type == "[] block":
            inner = [t for t in token.content if t.type != "whitespace"]
            if inner and inner[0].type == "ident":
                exact = len(inner) == 3 and inner[1].type == "literal" and inner[1].value == "="
                value = str(inner[2].value) if exact and inner[2].type in ("ident", "string") else ""
                attributes.add((str(inner[0].value), value))
    return frozenset(classes), frozenset(attributes)


def _declarations(content: Sequence[Token] | None, renamed: dict[str, str]) -> tuple[str, frozenset[str]]:
    """Return a rule's declarations with ``rem`` converted and keyframes renamed, and the keyframes it uses."""
    needs: set[str] = set()
    parts: list[str] = []
    for item in tinycss2.parse_blocks_contents(content or [], skip_comments=True, skip_whitespace=True):
        if not isinstance(item, ast.Declaration):
            continue
        value: list[Token] = list(item.value)
        if item.lower_name in ANIMATION_PROPERTIES:
            value = [_rename(token, renamed, needs) for token in value]
        important = " !important" if item.important else ""
        parts.append(f"{item.name}: {_convert_rem(value).strip()}{important}")
    return "; ".join(parts), frozenset(needs)


def _rename(token: Token, renamed: dict[str, str], needs: set[str]) -> Token:
    """Return an animation value token with a keyframes name replaced by its prefixed name."""
    if token.type == "ident" and str(token.value) in renamed:
        needs.add(renamed[str(token.value)])
        return ast.IdentToken(token.source_line, token.source_column, renamed[str(token.value)])
    return token


def _convert_rem(tokens: Iterable[Token]) -> str:
    """Serialise tokens with every ``rem`` dimension as ``calc(<n> * var(--pg-rem))``, in blocks and functions too."""
    out: list[str] = []
    for token in tokens:
        if token.type == "dimension" and str(token.lower_unit) == "rem":
            out.append(f"calc({token.representation} * var(--pg-rem))")
        elif token.type == "function":
            out.append(f"{tinycss2.serialize_identifier(token.name)}({_convert_rem(token.arguments)})")
        elif token.type in BRACKETS:
            opening, closing = BRACKETS[token.type]
            out.append(f"{opening}{_convert_rem(token.content)}{closing}")
        else:
            out.append(tinycss2.serialize([token]))
    return "".join(out)


# --------------------------------------------------------------------------- pruning


def prune_css(rules: Sequence[Rule], html: str) -> str:
    """Return the CSS text of the rules that could match something in ``html``, and the keyframes they use."""
    doc = lxml.html.fragment_fromstring(html, create_parent="div")
    classes: set[str] = set()
    attributes: set[tuple[str, str]] = set()
    names: set[str] = set()
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        classes.update(str(element.get("class", "")).split())
        for name, value in element.attrib.items():
            names.add(str(name))
            attributes.add((str(name), str(value)))

    def can_match(required: tuple[frozenset[str], frozenset[tuple[str, str]]]) -> bool:
        needed_classes, needed_attributes = required
        if not needed_classes <= classes:
            return False
        for name, value in needed_attributes:
            if name not in names:
                return False
            if value and name.startswith("data-md") and (name, value) not in attributes:
                return False
        return True

    used: set[str] = set()

    def text(rules: Iterable[Rule], indent: str = "") -> Iterator[str]:
        for rule in rules:
            if rule.rules:
                inner = "".join(text(rule.rules, indent + "  "))
                if inner:
                    yield f"{indent}{rule.at} {{\n{inner}{indent}}}\n"
            elif rule.keyframes:
                continue  # written after the rules, if one of them uses it
            elif rule.at:
                yield f"{indent}{rule.at} {{ {rule.body} }}\n"
            else:
                checks = rule.requires or tuple((frozenset(), frozenset()) for _ in rule.selectors)
                keep = [s for s, required in zip(rule.selectors, checks, strict=True) if can_match(required)]
                if keep and rule.body:
                    used.update(rule.needs)
                    yield f"{indent}{', '.join(keep)} {{ {rule.body} }}\n"

    styles = "".join(text(rules))
    frames = "".join(f"{rule.at} {{{rule.body}}}\n" for rule in _keyframes(rules) if rule.keyframes in used)
    return styles + frames


def _keyframes(rules: Iterable[Rule]) -> Iterator[Rule]:
    """Yield every ``@keyframes`` rule, nested ones included."""
    for rule in rules:
        if rule.keyframes:
            yield rule
        yield from _keyframes(rule.rules)
