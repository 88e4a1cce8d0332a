"""The search query set (tests/search_queries.yml): reading it with line numbers, and scoring results against it."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

QUERIES_FILE = Path(__file__).resolve().parent / "search_queries.yml"
KEYS = {"q", "lang", "pages", "emergency", "kind"}
REQUIRED = ("q", "lang", "pages")


class QuerySetError(ValueError):
    """A query set that cannot be used; the message names the file, the line and the fix."""


@dataclass(frozen=True)
class Query:
    """One query a reader types, in one edition, and the pages that answer it (none: out of scope)."""

    q: str
    lang: str
    pages: tuple[str, ...]
    emergency: bool = False
    kind: str = ""
    line: int = 0

    @property
    def in_scope(self) -> bool:
        """Whether the guide answers it (it names pages)."""
        return bool(self.pages)

    def __str__(self) -> str:
        """Return the query as the report shows it."""
        return f"{self.q!r} ({self.lang})"


def _scalar(node: yaml.Node, where: str, what: str) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise QuerySetError(f"{where}: {what} must be plain text, not a list or a mapping.")
    return str(node.value)


def _entry(node: yaml.Node, file: str) -> Query:
    where = f"{file}:{node.start_mark.line + 1}"
    if not isinstance(node, yaml.MappingNode):
        raise QuerySetError(f"{where}: each entry must be a mapping like {{q: ..., lang: en, pages: [page/]}}.")
    values: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = _scalar(key_node, where, "a key")
        if key not in KEYS:
            raise QuerySetError(f"{where}: unknown key {key!r}; use only {', '.join(sorted(KEYS))}.")
        if key in values:
            raise QuerySetError(f"{where}: {key!r} is given twice.")
        values[key] = value_node
    for key in REQUIRED:
        if key not in values:
            raise QuerySetError(f"{where}: {key!r} is missing (every entry needs q, lang and pages).")
    pages_node = values["pages"]
    if not isinstance(pages_node, yaml.SequenceNode):
        raise QuerySetError(f"{where}: 'pages' must be a list of page addresses, like [anaphylaxis/] or [].")
    pages = tuple(_scalar(page, where, "each page") for page in pages_node.value)
    emergency = _scalar(values["emergency"], where, "emergency") if "emergency" in values else "false"
    if emergency not in ("true", "false"):
        raise QuerySetError(f"{where}: 'emergency' must be true or false, not {emergency!r}.")
    query = _scalar(values["q"], where, "q").strip()
    if not query:
        raise QuerySetError(f"{where}: 'q' is empty; write the words a reader types.")
    return Query(
        q=query,
        lang=_scalar(values["lang"], where, "lang"),
        pages=pages,
        emergency=emergency == "true",
        kind=_scalar(values["kind"], where, "kind") if "kind" in values else "",
        line=node.start_mark.line + 1,
    )


def read_queries(path: Path = QUERIES_FILE) -> list[Query]:
    """Return the queries of the file, in order; raise :class:`QuerySetError` naming the line of a bad entry."""
    file = path.name
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise QuerySetError(f"{file}{line}: not valid YAML ({getattr(error, 'problem', error)}).") from None
    if not isinstance(root, yaml.SequenceNode):
        raise QuerySetError(f"{file}: must be a list of entries (lines starting with '- ').")
    return [_entry(node, file) for node in root.value]


def check_queries(
    queries: Iterable[Query], *, languages: Collection[str], default: str, addresses: Collection[str]
) -> list[str]:
    """Return one message per problem: unknown languages or pages, pages of another edition, duplicates."""
    problems: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for query in queries:
        where = f"{QUERIES_FILE.name}:{query.line}"
        if query.lang not in languages:
            problems.append(f"{where}: lang {query.lang!r} is not an edition of the guide ({', '.join(languages)}).")
            continue
        for page in query.pages:
            if page not in addresses:
                problems.append(f"{where}: {page!r} is not a page of the guide; write its address, like 'uses/'.")
            elif edition_of(page, languages, default) != query.lang:
                problems.append(f"{where}: {page!r} is not a page of the {query.lang!r} edition the query is typed in.")
        if query.emergency and not query.pages:
            problems.append(f"{where}: an emergency query must name its first-aid page first.")
        key = (query.q, query.lang)
        if key in seen:
            problems.append(f"{where}: {query} is already on line {seen[key]}.")
        seen.setdefault(key, query.line)
    return problems


def edition_of(address: str, languages: Collection[str], default: str) -> str:
    """Return the language of a page address ('es/uses/' → 'es'); the default edition's pages have no prefix."""
    first = address.split("/", 1)[0]
    if first in languages and address.startswith(f"{first}/"):
        return first
    return default


@dataclass
class Score:
    """How one engine did on one language's queries."""

    total: int = 0
    top1: int = 0
    top3: int = 0
    out_of_scope: int = 0
    silent: int = 0  # out-of-scope queries with no result, as they should be
    emergency: int = 0
    emergency_first: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, query: Query, found: list[str]) -> None:
        """Count one query's results (page addresses, best first)."""
        if not query.in_scope:
            self.out_of_scope += 1
            self.silent += not found
            if found:
                self.misses.append(f"{query}: expected no result, found {found[:3]}")
            return
        self.total += 1
        self.top1 += bool(found) and found[0] in query.pages
        hit = any(page in query.pages for page in found[:3])
        self.top3 += hit
        if query.emergency:
            self.emergency += 1
            self.emergency_first += bool(found) and found[0] == query.pages[0]
        if not hit:
            self.misses.append(f"{query}: expected {list(query.pages)}, found {found[:3]}")


def passes(query: Query, found: list[str]) -> bool:
    """Whether results meet the query's pass mark: emergency first, else a right page in the top 3, or nothing."""
    if not query.in_scope:
        return not found
    if query.emergency:
        return bool(found) and found[0] == query.pages[0]
    return any(page in query.pages for page in found[:3])
