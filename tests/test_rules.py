"""The registry of the guard's rules: every rule is documented for editors and caught by a harmful-edit test."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator

import pytest
from conftest import ROOT

from ivig_guide.rules import Rule

MAINTAINERS_PAGE = ROOT / "docs" / "maintainers" / "editing-emergency-content.md"
#: The test modules whose tables of harmful edits name the rule each edit must break.
EDIT_TABLES = (
    "test_emergency_rules",
    "test_emergency_guard",
    "test_embed",
    "test_handouts",
    "test_security",
    "test_rendered",
    "test_translations",
)


def _rule_ids(value: object) -> Iterator[str]:
    """Yield the rule ids a test parameter names (a rule id, or a list or tuple holding them)."""
    if isinstance(value, str) and value in Rule.__members__.values():
        yield value
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _rule_ids(item)


def _tables() -> Iterator[object]:
    """Yield the values of every parametrised case of the edit tables, module-level tables included."""
    for name in EDIT_TABLES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, list) and value and all(hasattr(p, "values") for p in value):
                for param in value:
                    yield param.values
            for mark in getattr(value, "pytestmark", []):
                if mark.name == "parametrize" and len(mark.args) > 1:
                    for param in mark.args[1]:
                        yield getattr(param, "values", param)


def test_every_rule_has_a_harmful_edit_case() -> None:
    """Give every rule of the registry at least one edit, in a test table, that must be reported as it."""
    covered = {rule for values in _tables() for rule in _rule_ids(values)}
    assert sorted(set(Rule) - covered) == []


def test_the_maintainers_page_lists_exactly_the_registry() -> None:
    """List every rule id once on the page for editors, with its meaning, and no rule that does not exist."""
    page = MAINTAINERS_PAGE.read_text(encoding="utf-8")
    section = page[page.index("## What each message means") :]
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| (.+?) \|$", section, re.M)
    assert [rule for rule, _ in rows] == [rule.value for rule in Rule]
    assert [meaning for _, meaning in rows] == [rule.meaning for rule in Rule]


def test_the_rendered_check_uses_the_registry() -> None:
    """Give every rule of the rendered check an id of the registry."""
    from ivig_guide.rendered import FIXES

    assert sorted(set(FIXES) - set(Rule)) == []


@pytest.mark.parametrize("rule", list(Rule))
def test_rule_ids_are_stable_kebab_case(rule: Rule) -> None:
    """Keep every id a kebab-case string with a one-sentence meaning."""
    assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", rule.value)
    assert rule.meaning.endswith(".") and rule == rule.value
