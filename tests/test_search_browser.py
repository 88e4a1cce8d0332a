"""Lay-word search through the site's real search box: what patients type finds the right page in the top 3.

Material's search matches whole words and prefixes, with a little fuzziness; it does not stem words or know
synonyms. A page is found by a word it does not use through its front-matter `tags:` (see README.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from browser_support import Tab, open_search, open_tab

from ivig_guide.serve import Served

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

#: (what a patient types, the page that must be among the first 3 results)
LAY_QUERIES = [
    # A severe allergic reaction, in the words of someone frightened.
    ("epipen", "anaphylaxis/"),
    ("epi pen", "anaphylaxis/"),
    ("EpiPen", "anaphylaxis/"),
    ("allergic reaction", "anaphylaxis/"),
    ("throat swelling", "anaphylaxis/"),
    ("swollen tongue", "anaphylaxis/"),
    ("trouble breathing", "anaphylaxis/"),
    ("hives", "anaphylaxis/"),
    ("adrenaline", "anaphylaxis/"),
    ("Auvi-Q", "anaphylaxis/"),
    ("anaphalaxis", "anaphylaxis/"),
    ("anaphylactic shock", "anaphylaxis/"),
    # Warning signs and where to go.
    ("stiff neck", "when-to-get-help/"),
    ("stiff neck and headache", "when-to-get-help/"),
    ("severe headache", "when-to-get-help/"),
    ("A&E", "when-to-get-help/"),
    ("ER", "when-to-get-help/"),
    ("emergency", "when-to-get-help/"),
    # The day of the infusion.
    ("can I drive home", "your-infusion/"),
    ("how long does it take", "your-infusion/"),
    ("does it hurt", "your-infusion/"),
    ("drip", "your-infusion/"),
    ("infusion centre", "your-infusion/"),
    ("infusion center", "your-infusion/"),
    # Other ways to get immunoglobulin.
    ("under the skin", "alternatives/"),
    ("injection under the skin", "alternatives/"),
    ("subcutaneous", "alternatives/"),
    ("Hizentra", "alternatives/"),
    ("HyQvia", "alternatives/"),
    # Side effects, British and American spellings.
    ("fever after infusion", "side-effects/"),
    ("headache after infusion", "side-effects/"),
    ("blood clot", "side-effects/"),
    ("kidney damage", "side-effects/"),
    ("haemolytic anaemia", "side-effects/"),
    ("hemolytic anemia", "side-effects/"),
    ("is it safe", "side-effects/"),
    # What it is, brand names and misspellings.
    ("how is it made", "what-is-ivig/"),
    ("immunoglobin", "what-is-ivig/"),
    ("imunoglobulin", "what-is-ivig/"),
    ("gamma globulin", "what-is-ivig/"),
    ("Privigen", "what-is-ivig/"),
    ("Gammagard", "what-is-ivig/"),
    ("plasma donation", "what-is-ivig/"),
    # What it treats, and whether it works.
    ("what is it used for", "uses/"),
    ("low platelets", "uses/"),
    ("CIDP", "uses/"),
    ("Kawasaki", "uses/"),
    ("does it work", "results/"),
    ("how long does it last", "results/"),
]


@pytest.fixture(scope="module")
def search_tab(browser: Browser) -> Iterator[Tab]:
    """A phone-sized tab for searching, as most patients search."""
    tab = open_tab(browser, viewport={"width": 390, "height": 844})
    tab.page.set_default_timeout(10_000)
    yield tab
    tab.context.close()


def _pages(links: list[str]) -> list[str]:
    """Return the site-relative page of each result link, without its section anchor."""
    return [urlsplit(link).path.lstrip("/") for link in links]


@pytest.mark.parametrize(("query", "page"), LAY_QUERIES)
def test_lay_words_find_the_right_page(search_tab: Tab, served_site: Served, query: str, page: str) -> None:
    """Find the right page among the top 3 results of the real search box."""
    if search_tab.page.url != served_site.url:
        search_tab.open(served_site.url)
    found = _pages(open_search(search_tab.page, query))
    search_tab.page.keyboard.press("Escape")
    assert page in found[:3], f"searching {query!r} found {found[:3]}"


def test_search_finds_nothing_for_nonsense(search_tab: Tab, served_site: Served) -> None:
    """Say there is nothing, rather than offer a random page, for a word the guide does not know."""
    if search_tab.page.url != served_site.url:
        search_tab.open(served_site.url)
    assert open_search(search_tab.page, "xylophonezz") == []
    assert "No matching documents" in search_tab.page.locator(".md-search-result__meta").text_content()
    search_tab.page.keyboard.press("Escape")
