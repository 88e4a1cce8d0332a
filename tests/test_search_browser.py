"""What patients type finds the right page, through the guide's real search box (Pagefind), in every edition.

Every query of tests/search_queries.yml is typed into the search box of a page of its edition, once; the tests
then hold the results to the pass marks: every emergency query puts the first-aid page of the reader's
edition first; at least 90 % of each edition's queries have a right page among the first 3; a query the guide
does not cover shows no result and the line that points to the care team and the emergency page; an edition
answers with its own pages only, and never with a copy (embed, fragment, print, 404). The searching happens
within the page's Content-Security-Policy (no violation), in Pagefind's web worker (never its main-thread
fallback), with no request to another host; the box works by keyboard alone at 320 px, and axe finds nothing
with results open.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from browser_support import describe_violations, open_search, run_axe
from conftest import SETTINGS
from search_support import Query, Score, read_queries
from test_privacy import Recorder

from ivig_guide.search_index import is_copy
from ivig_guide.serve import Served

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

QUERIES = read_queries()
LANGUAGES = list(SETTINGS.languages)
#: Pagefind's console warning when its worker fails and it searches on the page itself, which would need
#: 'wasm-unsafe-eval' in the policy.
FALLBACK = "falling back to main thread"
TOP3_RATE = 0.9


def edition(lang: str) -> str:
    """Return the address of an edition's home page ('' or 'es/')."""
    return SETTINGS.edition_prefix(lang)


def first_aid(lang: str) -> str:
    """Return the address of the first-aid page of an edition."""
    return f"{edition(lang)}anaphylaxis/"


@dataclass(frozen=True)
class Answer:
    """What the search box showed for one query."""

    pages: list[str]  # site-relative page addresses of the results, best first
    marks: list[str]  # the marked words of the first result's excerpt
    none_shown: bool  # the no-results line is shown
    none_links: list[str]  # the site-relative addresses of the no-results line's links


@dataclass
class Searched:
    """Every query's answer, and what the searching did besides."""

    answers: dict[tuple[str, str], Answer]
    problems: list[str]  # requests to other hosts, policy violations, errors
    warnings: list[str]  # console warnings
    workers: list[str]  # the URLs of the web workers the pages started
    emergency: dict[str, str]  # the emergency page each edition's banner links to, by language


def _address(url: str, served: Served) -> str:
    """Return the site-relative address of a page link, without its anchor."""
    assert url.startswith(served.url), f"{url} is not a page of the site"
    return urlsplit(url).path.lstrip("/")


def _answer(page: Page, served: Served, query: Query) -> Answer:
    links = open_search(page, query.q)
    marks = page.eval_on_selector_all(
        "#pg-search .pg-search__result:first-child .pg-search__excerpt mark",
        "(marks) => marks.map((mark) => mark.textContent)",
    )
    none = page.locator("#pg-search .pg-search__none")
    none_links = none.locator("a").evaluate_all("(links) => links.map((a) => a.href)")
    return Answer(
        pages=[_address(link, served) for link in links],
        marks=marks,
        none_shown=none.is_visible(),
        none_links=[link for link in none_links if link.startswith(served.url)],
    )


@pytest.fixture(scope="module")
def searched(browser: Browser, served_site: Served) -> Iterator[Searched]:
    """Type every query into the search box of its edition's home page on a phone, once, and keep the answers."""
    recorder = Recorder(browser, served_site.url.rstrip("/"), viewport={"width": 390, "height": 844})
    warnings: list[str] = []
    recorder.page.on("console", lambda message: message.type == "warning" and warnings.append(message.text))
    recorder.page.set_default_timeout(15_000)
    answers: dict[tuple[str, str], Answer] = {}
    problems: list[str] = []
    workers: list[str] = []
    emergency: dict[str, str] = {}
    try:
        for lang in LANGUAGES:
            problems += recorder.open(served_site.url + edition(lang)).problems()
            banner = recorder.page.evaluate("document.querySelector('.pg-announce a').href")
            emergency[lang] = _address(banner, served_site)
            for query in (query for query in QUERIES if query.lang == lang):
                answers[(query.lang, query.q)] = _answer(recorder.page, served_site, query)
            workers += [worker.url for worker in recorder.page.workers]
            problems += recorder.collect().problems()
        yield Searched(answers, problems, warnings, workers, emergency)
    finally:
        recorder.close()


def test_searching_stays_within_the_policy_and_the_site(searched: Searched) -> None:
    """Search every query with no policy violation, error or request elsewhere, in Pagefind's worker."""
    assert searched.problems == [], "\n".join(searched.problems)
    assert [text for text in searched.warnings if FALLBACK in text] == []
    assert any(url.endswith("/pagefind/pagefind-worker.js") for url in searched.workers), searched.workers


EMERGENCY = [pytest.param(query, id=f"{query.lang}-{query.q}") for query in QUERIES if query.emergency]


@pytest.mark.parametrize("query", EMERGENCY)
def test_emergency_query_puts_first_aid_first(searched: Searched, query: Query) -> None:
    """Put the first-aid page of the reader's edition first for every emergency query."""
    pages = searched.answers[(query.lang, query.q)].pages
    assert pages[:1] == [first_aid(query.lang)], f"searching {query.q!r} found {pages[:3]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_most_queries_find_a_right_page_in_the_top_3(searched: Searched, lang: str) -> None:
    """Find a right page among the first 3 results for at least 90 % of an edition's queries."""
    score = Score()
    for query in QUERIES:
        if query.lang == lang:
            score.add(query, searched.answers[(query.lang, query.q)].pages)
    rate = score.top3 / score.total
    assert rate >= TOP3_RATE, f"{lang}: {rate:.0%} in the top 3; missed:\n  " + "\n  ".join(score.misses)


OUT_OF_SCOPE = [pytest.param(query, id=f"{query.lang}-{query.q}") for query in QUERIES if not query.in_scope]


@pytest.mark.parametrize("query", OUT_OF_SCOPE)
def test_out_of_scope_query_points_to_the_care_team_and_the_emergency_page(searched: Searched, query: Query) -> None:
    """Show no result for what the guide does not cover, and a line to the care team and the emergency page."""
    answer = searched.answers[(query.lang, query.q)]
    assert answer.pages == [], f"searching {query.q!r} found {answer.pages[:3]}"
    assert answer.none_shown
    # The same emergency page as the banner of the edition's pages.
    assert [urlsplit(link).path.lstrip("/") for link in answer.none_links] == [searched.emergency[query.lang]]


def test_in_scope_queries_show_no_no_results_line(searched: Searched) -> None:
    """Never show the no-results line beside results."""
    shown = [f"{lang}: {q!r}" for (lang, q), answer in searched.answers.items() if answer.pages and answer.none_shown]
    assert shown == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_edition_answers_with_its_own_reader_pages(searched: Searched, lang: str) -> None:
    """Answer from a page of an edition with pages of that edition only, and never with a copy of a page."""
    prefix = edition(lang)
    others = [other for other in (edition(other) for other in LANGUAGES if other != lang) if other]
    wrong = []
    for (query_lang, q), answer in searched.answers.items():
        if query_lang != lang:
            continue
        for page in answer.pages:
            foreign = not page.startswith(prefix) or any(page.startswith(other) for other in others)
            if foreign or is_copy(page) or is_copy(page + "index.html") or page.endswith("404.html"):
                wrong.append(f"{q!r} → {page}")
    assert wrong == []


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(char for char in decomposed if char.isalnum() and not unicodedata.combining(char))


def test_excerpts_show_the_matching_words(searched: Searched) -> None:
    """Mark, in the first result's excerpt, a word that begins like a word the reader typed."""
    unmarked = []
    for query in QUERIES:
        answer = searched.answers[(query.lang, query.q)]
        if not answer.pages:
            continue
        typed = [_fold(word) for word in query.q.split() if _fold(word)]
        marked = [_fold(mark) for mark in answer.marks]
        if not any(mark[:3] == word[:3] for mark in marked for word in typed):
            unmarked.append(f"{query}: marks {answer.marks}")
    assert unmarked == [], "\n".join(unmarked)


# --------------------------------------------------------------------------- the box itself


@pytest.fixture
def narrow_page(browser: Browser, served_site: Served) -> Iterator[Page]:
    """A 320 px wide tab, as on the smallest phones."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_by_keyboard_alone_at_320_px(narrow_page: Page, served_site: Served, lang: str) -> None:
    """Reach the search button with Tab, search, move to a result and open it, all by keyboard, at 320 px."""
    page = narrow_page
    page.goto(served_site.url + edition(lang), wait_until="load")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('pg-search-open')"):
            break
    else:
        pytest.fail("Tab never reached the search button")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "pg-search-input"
    query = next(q for q in QUERIES if q.lang == lang and q.emergency)
    page.keyboard.type(query.q)
    page.wait_for_function(
        "(q) => document.getElementById('pg-search').getAttribute('data-pg-search-query') === q", arg=query.q
    )
    overflow = page.eval_on_selector("#pg-search", "(box) => box.scrollWidth - box.clientWidth")
    assert overflow <= 0, f"the search box is {overflow} px too wide for 320 px"
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('pg-search__link')"):
            break
    else:
        pytest.fail("Tab never reached a result")
    target = page.evaluate("document.activeElement.href")
    assert urlsplit(target).path.lstrip("/") == first_aid(lang)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == target
    # "/" opens the box too; Escape closes it and gives focus back to where it was.
    page.locator(".pg-search-open").focus()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "pg-search-input"
    page.keyboard.press("Escape")
    assert not page.locator("#pg-search").is_visible()
    assert page.evaluate("document.activeElement.classList.contains('pg-search-open')")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_finds_nothing_with_results_open(browser: Browser, served_site: Served, lang: str, scheme: str) -> None:
    """Pass axe's WCAG 2.2 A/AA and best-practice rules with results open, and with the no-results line."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(served_site.url + edition(lang), wait_until="load")
        query = next(q for q in QUERIES if q.lang == lang and q.emergency)
        assert open_search(page, query.q)
        violations = run_axe(page)
        assert violations == [], describe_violations(violations)
        nothing = next(q for q in QUERIES if q.lang == lang and not q.in_scope)
        assert open_search(page, nothing.q) == []
        violations = run_axe(page)
        assert violations == [], describe_violations(violations)
    finally:
        context.close()


def test_no_javascript_no_search_button(browser: Browser, served_site: Served) -> None:
    """Show no search button that cannot work when scripts do not run."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(served_site.url, wait_until="load")
        assert page.locator(".pg-search-open").count() == 1
        assert not page.locator(".pg-search-open").is_visible()
    finally:
        context.close()
