"""The search query set is usable: known editions, pages the guide builds, and errors that name the line."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import EDITION_PAGES, SETTINGS, url_of
from search_support import QuerySetError, check_queries, read_queries

ADDRESSES = {url_of(page) for page in EDITION_PAGES}
QUERIES = read_queries()


def test_the_query_set_names_known_editions_and_pages() -> None:
    """Name only editions of the guide and pages it builds, of the query's own edition; no query twice."""
    problems = check_queries(
        QUERIES, languages=SETTINGS.languages, default=SETTINGS.default_language, addresses=ADDRESSES
    )
    assert not problems, "\n".join(problems)


def test_the_query_set_is_large_enough_in_every_edition() -> None:
    """Hold at least 150 queries, 50 in each other edition, with emergency and out-of-scope queries in each."""
    assert len(QUERIES) >= 150
    by_lang = Counter(query.lang for query in QUERIES)
    for lang in SETTINGS.languages:
        assert by_lang[lang] >= 50, f"{lang}: only {by_lang[lang]} queries"
        assert any(query.emergency for query in QUERIES if query.lang == lang), f"{lang}: no emergency query"
        assert any(not query.in_scope for query in QUERIES if query.lang == lang), f"{lang}: no out-of-scope query"


def test_every_emergency_query_names_the_first_aid_page_of_its_edition() -> None:
    """Lead every emergency query with the first-aid page of its own edition (anaphylaxis/, es/anaphylaxis/)."""
    first_aid = {lang: f"{SETTINGS.edition_prefix(lang)}anaphylaxis/" for lang in SETTINGS.languages}
    wrong = [f"line {q.line}: {q}" for q in QUERIES if q.emergency and q.pages[0] != first_aid[q.lang]]
    assert not wrong, wrong


BAD_ENTRIES = [
    pytest.param("- {q: hives, lang: fr, pages: [anaphylaxis/]}\n", "lang 'fr' is not an edition", id="lang"),
    pytest.param("- {q: hives, lang: en, pages: [anaphylaxsis/]}\n", "'anaphylaxsis/' is not a page", id="page"),
    pytest.param("- {q: hives, lang: es, pages: [anaphylaxis/]}\n", "not a page of the 'es' edition", id="edition"),
    pytest.param("- {q: hives, lang: en, pages: anaphylaxis/}\n", "'pages' must be a list", id="not-a-list"),
    pytest.param("- {q: hives, lang: en}\n", "'pages' is missing", id="missing"),
    pytest.param("- {q: hives, lang: en, pages: [], page: [x/]}\n", "unknown key 'page'", id="unknown-key"),
    pytest.param(
        "- {q: hives, lang: en, pages: [], emergency: true}\n", "must name its first-aid page", id="emergency"
    ),
    pytest.param("- {q: hives, lang: en, pages: [], emergency: yes please}\n", "true or false", id="flag"),
    pytest.param(
        "- {q: hives, lang: en, pages: []}\n- {q: hives, lang: en, pages: []}\n", "already on line 2", id="dup"
    ),
    pytest.param("- {q: hives, lang: en, pages: [\n", "not valid YAML", id="yaml"),
]


@pytest.mark.parametrize(("entry", "message"), BAD_ENTRIES)
def test_a_bad_entry_is_reported_with_its_line(tmp_path: Path, entry: str, message: str) -> None:
    """Report each bad entry once, naming the file and the line of the entry and what to fix."""
    path = tmp_path / "search_queries.yml"
    path.write_text("# a comment line\n" + entry, encoding="utf-8")
    try:
        queries = read_queries(path)
    except QuerySetError as error:
        problems = [str(error)]
    else:
        problems = check_queries(
            queries, languages=SETTINGS.languages, default=SETTINGS.default_language, addresses=ADDRESSES
        )
    assert len(problems) == 1, problems
    assert message in problems[0]
    assert problems[0].startswith("search_queries.yml:"), problems[0]
    line = problems[0].split(":")[1]
    assert line.isdigit() and int(line) >= 2, problems[0]
