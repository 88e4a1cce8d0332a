"""The guide's content: pages and nav, every fact of the source, emergency markup, and plain words."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
import yaml
from conftest import DOCS, LOCK, NUMBER, PAGES, SETTINGS, BuiltSite, article, page_html, url_of
from hypothesis import given
from hypothesis import strategies as st

from ivig_guide.readability import EMERGENCY_LIMIT, READER_LIMIT, article_text, smog

SAFETY = ".//section[@data-pg-safety]"


def _front_matter(page: str) -> dict:
    """Return the YAML front matter of a docs page."""
    text = (DOCS / f"{page}.md").read_text(encoding="utf-8")
    match = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    assert match, f"{page}.md has no front matter"
    return yaml.safe_load(match.group(1)) or {}


def _has_class(element: lxml.html.HtmlElement, name: str) -> bool:
    """Tell whether an element has a class."""
    return name in (element.get("class") or "").split()


def _plain(text: str) -> str:
    """Return text lower-cased with whitespace normalised, for matching facts."""
    return " ".join(text.split()).lower()


def _text(site: BuiltSite, url: str) -> str:
    """Return a page's article text, ready for matching facts."""
    return _plain(article_text(page_html(site, url)))


# --------------------------------------------------------------------------- pages and nav


def test_build_printed_no_warnings(built_site: BuiltSite) -> None:
    """Build strictly without a single warning."""
    warnings = [line for line in built_site.log.splitlines() if "WARNING" in line]
    assert warnings == []


def test_every_page_is_built_and_in_the_nav(built_site: BuiltSite) -> None:
    """Build every Markdown page of docs/ and link it from the site navigation."""
    base = "https://guide.invalid/"
    doc = lxml.html.document_fromstring(page_html(built_site, ""))
    nav = {
        urlsplit(urljoin(base, link.get("href", ""))).path.removeprefix("/")
        for link in doc.iter("a")
        if _has_class(link, "md-nav__link") and any(_has_class(n, "md-nav") for n in link.iterancestors("nav"))
    }
    for page in PAGES:
        assert (built_site.path / url_of(page) / "index.html").is_file(), f"{page}.md was not built"
        assert url_of(page) in nav, f"{page}.md is not in the nav"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_title_description_and_tags(page: str) -> None:
    """Give every page a title, a one-line description and search tags."""
    meta = _front_matter(page)
    assert isinstance(meta.get("title"), str) and meta["title"].strip()
    assert isinstance(meta.get("description"), str) and meta["description"].strip()
    assert isinstance(meta.get("tags"), list) and all(isinstance(tag, str) for tag in meta["tags"])


# --------------------------------------------------------------------------- facts of the source

# (page, words that must all appear in that page's article text); one row per fact of the source.
FACTS: list[tuple[str, list[str]]] = [
    # Home
    ("", ["antibodies", "proteins", "into a vein", "intravenous immunoglobulin"]),
    ("", ["safe", "mild"]),
    # What IVIg is
    ("what-is-ivig/", ["antibodies", "immunoglobulins", "infections"]),
    ("what-is-ivig/", ["immune system"]),
    ("what-is-ivig/", ["plasma", "liquid part of your blood", "amber"]),
    ("what-is-ivig/", ["thousands", "healthy donors"]),
    ("what-is-ivig/", ["pools", "concentrate"]),
    ("what-is-ivig/", ["into a vein", "intravenous"]),
    ("what-is-ivig/", ["classes"]),
    ("what-is-ivig/", ["igg", "immunoglobulin g", "most common kind in your blood", "most common kind in ivig"]),
    ("what-is-ivig/", ["more than 90%"]),
    ("what-is-ivig/", ["very close to the mix", "plasma of healthy people"]),
    # What IVIg treats
    ("uses/", ["replacement therapy", "low dose", "too few antibodies", "many kinds of germs"]),
    ("uses/", ["immune deficiency", "immunodeficiency"]),
    ("uses/", ["primary immunodeficiency"]),
    ("uses/", ["hyperimmune therapy", "one certain germ"]),
    ("uses/", ["donors", "vaccine", "got better from an illness"]),
    ("uses/", ["pathogen", "exposed"]),
    ("uses/", ["hepatitis b", "rabies", "tetanus", "chickenpox (varicella)", "shot into a muscle"]),
    ("uses/", ["autoimmune disease", "your own cells"]),
    ("uses/", ["inflammation", "inflammatory condition"]),
    ("uses/", ["high doses", "lower inflammation"]),
    ("uses/", ["itp", "immune thrombocytopenia", "platelets"]),
    ("uses/", ["cidp", "multifocal motor neuropathy", "kawasaki disease", "dermatomyositis"]),
    # Your infusion
    ("your-infusion/", ["hospital", "outpatient", "infusion center", "doctor"]),
    ("your-infusion/", ["finds a vein", "cleans the skin"]),
    ("your-infusion/", ["iv catheter", "arm", "may hurt", "short time"]),
    ("your-infusion/", ["stays in", "about 3 hours"]),
    ("your-infusion/", ["does not hurt"]),
    ("your-infusion/", ["take the tube out", "dressing"]),
    ("your-infusion/", ["something to do", "book"]),
    ("your-infusion/", ["ride home", "not to drive"]),
    ("your-infusion/", ["a few days", "a few weeks"]),
    ("your-infusion/", ["rest of their lives", "replacement therapy"]),
    # Side effects
    ("side-effects/", ["safe", "during or after any infusion"]),
    ("side-effects/", ["severe side effects of ivig are rare", "american academy of allergy, asthma & immunology"]),
    ("side-effects/", ["headache", "feel cold"]),
    ("side-effects/", ["for a day after", "muscles may ache", "tired", "fever"]),
    ("side-effects/", ["72 hours", "3 days", "immune deficiency foundation"]),
    ("side-effects/", ["aseptic meningitis", "inflammation", "membrane", "brain and spinal cord"]),
    ("side-effects/", ["acute kidney failure", "kidney disease", "older than 65"]),
    ("side-effects/", ["severe allergic reaction (anaphylaxis)", "deadly"]),
    ("side-effects/", ["hemolytic anemia", "destroys red blood cells faster than it can replace them"]),
    ("side-effects/", ["blood clots", "heart disease", "high blood pressure", "clotting disorder"]),
    ("side-effects/", ["high risk", "talk with your doctor", "benefits", "risks"]),
    # Results
    ("results/", ["person to person", "how long the good effects last"]),
    ("results/", ["replacement therapy", "getting sick from germs"]),
    ("results/", ["rest of your life", "most successful treatments", "immunodeficiency"]),
    ("results/", ["autoimmune", "inflammatory", "results vary"]),
    ("results/", ["small studies", "2022", "autoimmune encephalitis", "better by day 8"]),
    ("results/", ["38 people", "autoimmune dysautonomia", "1 year", "74%", "almost able to go back to work or school"]),
    ("results/", ["take longer"]),
    ("results/", ["still learning"]),
    # Other options
    ("alternatives/", ["do not want", "cannot have it"]),
    ("alternatives/", ["review from 2020", "new drugs", "take the place of ivig", "autoimmune", "inflammation"]),
    ("alternatives/", ["fcrn inhibitors", "lowers the amount of igg"]),
    ("alternatives/", ["complement inhibitors", "harming healthy cells"]),
    ("alternatives/", ["sialylated igg", "autoimmune problems before they start"]),
    ("alternatives/", ["immunodeficiency", "scig", "subcutaneous immunoglobulin", "under the skin"]),
    ("alternatives/", ["purified", "fat just under your skin", "buttocks", "thighs"]),
    ("alternatives/", ["fewer side effects", "whole body", "systemic"]),
    ("alternatives/", ["severe reaction to ivig", "react to scig"]),
    # When to get help
    ("when-to-get-help/", ["72 hours", "3 days"]),
    ("when-to-get-help/", ["severe allergic reaction", "anaphylaxis", "first-aid steps"]),
    ("when-to-get-help/", ["talk to a doctor straight away", "headache", "very bad or will not go away"]),
    ("when-to-get-help/", ["stiff neck", "neck stiffness", "nausea", "vomiting"]),
    ("when-to-get-help/", [f"call {NUMBER}", "any other side effect", "all of a sudden", "very bad"]),
    # Severe allergic reaction
    ("anaphylaxis/", ["severe allergic reaction", "anaphylaxis", "deadly", "comes on fast"]),
    ("anaphylaxis/", ["hives"]),
    ("anaphylaxis/", ["swelling of the face or mouth"]),
    ("anaphylaxis/", ["wheezing"]),
    ("anaphylaxis/", ["fast, shallow breathing"]),
    ("anaphylaxis/", ["fast heart rate"]),
    ("anaphylaxis/", ["clammy skin"]),
    ("anaphylaxis/", ["anxiety", "confusion"]),
    ("anaphylaxis/", ["dizzy"]),
    ("anaphylaxis/", ["throwing up (vomiting)"]),
    ("anaphylaxis/", ["blue or white lips"]),
    ("anaphylaxis/", ["fainting", "loss of consciousness"]),
    ("anaphylaxis/", ["epinephrine pen", "epipen", "side of the pen"]),
    ("anaphylaxis/", [f"call {NUMBER}", "nearest emergency room"]),
    ("anaphylaxis/", ["if they are standing, lay them down", "turn them onto their side"]),
    ("anaphylaxis/", ["stay with them until help arrives"]),
    ("anaphylaxis/", ["more than one shot of epinephrine", "5 to 15 minutes", "come back", "second pen"]),
    ("anaphylaxis/", ["rare side effect", "72 hours"]),
]


@pytest.mark.parametrize(("url", "words"), FACTS, ids=[f"{url or 'home'}:{words[0]}" for url, words in FACTS])
def test_fact_is_on_its_page(built_site: BuiltSite, url: str, words: list[str]) -> None:
    """Keep every fact of the source article on the page that tells it."""
    text = _text(built_site, url)
    missing = [word for word in words if word.lower() not in text]
    assert missing == [], f"{url or 'home'} lacks {missing}"


def _all_text(site: BuiltSite) -> dict[Path, str]:
    """Return the text of every built HTML page (the words the search index is made from, tags included), by file."""
    texts = {
        path: lxml.html.document_fromstring(path.read_text(encoding="utf-8")).text_content()
        for path in site.path.rglob("*.html")
    }
    search = site.path / "search" / "search_index.json"  # Material's index, in a copy that uses its search
    if search.is_file():
        texts[search] = search.read_text(encoding="utf-8")
    return texts


def test_no_typo_or_page_furniture(built_site: BuiltSite) -> None:
    """Leave out the source's typo for IgG and its page furniture, in the pages and in docs/."""
    sources = {path: path.read_text(encoding="utf-8") for path in DOCS.rglob("*.md")}
    for path, text in {**_all_text(built_site), **sources}.items():
        assert "IVG" not in text, f"{path} says IVG (the abbreviation is IgG)"
        for furniture in ("pinterest", "stocksy", "santi nuñez", "was this helpful"):
            assert furniture not in text.lower(), f"{path} contains page furniture: {furniture!r}"


ATTRIBUTIONS = [
    ["american academy of allergy, asthma & immunology", "rare"],
    ["immune deficiency foundation", "72 hours"],
    ["2022", "autoimmune encephalitis", "day 8"],
    ["38 people", "autoimmune dysautonomia", "74%", "1 year"],
    ["2020", "review", "fcrn", "complement inhibitors", "sialylated igg"],
    ["us food and drug administration (fda)", "prescribing information", "immune globulin products"],
    ["hyperimmune globulin products", "hepatitis b", "rabies", "tetanus", "chickenpox"],
    ["itp", "cidp", "multifocal motor neuropathy", "kawasaki disease", "dermatomyositis", "primary"],
]


@pytest.mark.parametrize("words", ATTRIBUTIONS, ids=[words[0] for words in ATTRIBUTIONS])
def test_attribution_is_on_the_sources_page(built_site: BuiltSite, words: list[str]) -> None:
    """Name on the sources page every source the guide relies on, with what it supports."""
    text = _text(built_site, "sources/")
    assert [word for word in words if word not in text] == []


# --------------------------------------------------------------------------- emergency markup

EXPECTED_SECTIONS = {
    "when-to-get-help/": {"sudden-severe-side-effects": "emergency", "headache-warning-signs": "urgent"},
    "anaphylaxis/": {"anaphylaxis-call-911": "emergency", "anaphylaxis-first-aid": "first-aid"},
}


@pytest.mark.parametrize("url", sorted(EXPECTED_SECTIONS))
def test_emergency_pages_have_their_sections(built_site: BuiltSite, url: str) -> None:
    """Mark each emergency page's callouts with the agreed ids and kinds."""
    sections = article(page_html(built_site, url)).findall(SAFETY)
    assert {s.get("id"): s.get("data-pg-safety") for s in sections} == EXPECTED_SECTIONS[url]


def test_first_aid_steps_are_one_list_of_four(built_site: BuiltSite) -> None:
    """Give the anaphylaxis first aid as exactly one numbered list of 4 steps, after its symptoms."""
    sections = article(page_html(built_site, "anaphylaxis/")).findall(".//section[@data-pg-safety='first-aid']")
    assert len(sections) == 1
    lists = sections[0].findall(".//ol")
    assert len(lists) == 1
    steps = lists[0].findall("li")
    approved = LOCK.get(SETTINGS.lang, "anaphylaxis-first-aid").section
    assert len(steps) == len(approved.blocks("steps")[0])
    assert [a.get("href") for a in steps[1].iter("a")] == [f"tel:{NUMBER}"]
    symptoms = sections[0].findall(".//ul/li")
    assert len(symptoms) == sum(len(items) for items in approved.blocks("list"))
    advice = _plain(steps[-1].getparent().getnext().text_content())
    assert "5 to 15 minutes" in advice and "second pen" in advice


@pytest.mark.parametrize("url", [url_of(page) for page in PAGES])
def test_emergency_callouts_have_a_heading_and_a_tel_link(built_site: BuiltSite, url: str) -> None:
    """Start each emergency callout with a heading that has a hidden prefix, and give it a tel: link to 911."""
    for section in article(page_html(built_site, url)).findall(".//section[@data-pg-safety='emergency']"):
        heading = section[0]
        assert heading.tag == "h2", f"{section.get('id')} does not start with an h2"
        assert not (heading.text or "").strip() and len(heading) and heading[0].tag == "span"
        assert _has_class(heading[0], "pg-visually-hidden")
        assert NUMBER in heading.text_content()
        assert section.findall(f".//a[@href='tel:{NUMBER}']"), f"{section.get('id')} has no tel:{NUMBER} link"


# --------------------------------------------------------------------------- plain words

READER_PAGES = [page for page in PAGES if not _front_matter(page).get("reference")]


def test_reference_pages_are_the_agreed_ones() -> None:
    """Exempt from the readability limit only the reference pages."""
    assert sorted(set(PAGES) - set(READER_PAGES)) == [
        "about",
        "glossary",
        "maintainers/editing-emergency-content",
        "sources",
    ]


@pytest.mark.parametrize("page", READER_PAGES)
def test_page_is_easy_to_read(built_site: BuiltSite, page: str) -> None:
    """Keep each reader page at SMOG 8 or less, and pages with emergency content at 7 or less."""
    html = page_html(built_site, url_of(page))
    limit = EMERGENCY_LIMIT if article(html).findall(SAFETY) else READER_LIMIT
    grade = smog(html)
    assert grade <= limit, f"{page}: SMOG {grade} is above {limit}"


def test_emergency_pages_use_the_emergency_limit(built_site: BuiltSite) -> None:
    """Hold the pages with emergency callouts to the stricter limit."""
    with_safety = {p for p in READER_PAGES if article(page_html(built_site, url_of(p))).findall(SAFETY)}
    assert with_safety == {"when-to-get-help", "anaphylaxis"}


GLOSSARY_TERMS = [
    "acute kidney failure",
    "allergic reaction",
    "anaphylaxis",
    "antibodies",
    "anxiety",
    "aseptic meningitis",
    "autoimmune",
    "autoimmune dysautonomia",
    "autoimmune encephalitis",
    "bacteria",
    "blood clot",
    "blood vessel",
    "chickenpox",
    "cidp",
    "clammy",
    "clotting disorder",
    "complement",
    "complement inhibitor",
    "concentrate",
    "confusion",
    "consciousness",
    "dermatomyositis",
    "dizziness",
    "donor",
    "dose",
    "dressing",
    "dysautonomia",
    "emergency department",
    "encephalitis",
    "epinephrine",
    "epinephrine pen",
    "fcrn inhibitor",
    "germ",
    "hemolytic anemia",
    "hepatitis b",
    "hives",
    "hyperimmune therapy",
    "igg",
    "immune deficiency",
    "immune system",
    "immunoglobulin",
    "inflammation",
    "inflammatory condition",
    "infusion",
    "infusion center",
    "intravenous",
    "itp",
    "iv catheter",
    "ivig",
    "kawasaki disease",
    "membrane",
    "mmn",
    "nausea",
    "neck stiffness",
    "outpatient",
    "pathogen",
    "plasma",
    "platelets",
    "primary immunodeficiency",
    "purified",
    "rabies",
    "red blood cells",
    "replacement therapy",
    "scig",
    "sialylated igg",
    "subcutaneous",
    "systemic",
    "tetanus",
    "vaccine",
    "vein",
    "vomiting",
    "wheezing",
]


def test_glossary_defines_every_term(built_site: BuiltSite) -> None:
    """Define in one place every health word the guide uses, each with a meaning."""
    content = article(page_html(built_site, "glossary/"))
    terms = {_plain(dt.text_content()).split(" (")[0]: dt for dt in content.iter("dt")}
    missing = [term for term in GLOSSARY_TERMS if term not in terms]
    assert missing == []
    for term, dt in terms.items():
        meaning = dt.getnext()
        assert meaning is not None and meaning.tag == "dd" and meaning.text_content().strip(), term
    epipen = _plain(terms["epinephrine pen"].getnext().text_content())
    assert "epipen" in epipen


# --------------------------------------------------------------------------- readability module

SAMPLE = """<html><body><nav><p>Menu text</p></nav><article>
<h1 id="t">Your infusion<a class="headerlink" href="#t">¶</a></h1>
<p>You get   IVIg <strong>through</strong> a vein<br>in your arm</p>
<ul><li>bring a book<ul><li>or some music:</li></ul></li><li><p>plan a ride</p></li></ul>
<pre><code>print("code")</code></pre><p>Use <code>x</code> here?</p>
<aside class="pg-page-meta"><p class="pg-review">Last reviewed</p></aside>
<script>var a = 1;</script><dl><dt>Dose</dt><dd>How much you get</dd></dl>
<table><tr><th>When</th><td>Now!</td></tr></table>
</article></body></html>"""


def test_article_text_takes_one_sentence_per_block() -> None:
    """Count each block as a sentence, leave out furniture and code, and end each with a stop."""
    assert article_text(SAMPLE).splitlines() == [
        "Your infusion.",
        "You get IVIg through a vein in your arm.",
        "bring a book.",
        "or some music.",
        "plan a ride.",
        "Use here?",
        "Dose.",
        "How much you get.",
        "When.",
        "Now!",
    ]


def test_article_text_reads_a_fragment_and_nothing() -> None:
    """Read a fragment without an article, and return nothing for an empty page."""
    assert article_text("<p>One</p><p>Two words</p>") == "One.\nTwo words."
    assert article_text("") == ""
    assert smog("") == 0.0


@given(st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=8))
def test_article_text_gives_one_ended_sentence_per_paragraph(texts: list[str]) -> None:
    """Turn each paragraph with words into exactly one line that ends a sentence."""
    body = "".join(f"<p>{html.escape(text)}</p>" for text in texts)
    lines = article_text(f"<article>{body}</article>").splitlines()
    assert len(lines) == sum(1 for text in texts if text.split())
    assert all(line.strip() == line and line.endswith((".", "!", "?")) for line in lines)


def test_limits() -> None:
    """Keep the agreed limits."""
    assert (READER_LIMIT, EMERGENCY_LIMIT) == (8.0, 7.0)
