"""The built site as readers get it: emergency banner, review dates, care team, stable addresses.

Search is tested through the real search box in test_search_browser.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import PAGES, ROOT, BuiltSite, article, page_html, url_of
from guard_support import build_project, copy_project, replace_in, run_make, set_clinic
from lxml import html as lhtml


def _resolve(site: Path, url: str) -> Path:
    """Return the file a site-relative URL serves, following a redirect stub once."""
    target = site / url.split("#")[0] / "index.html" if not url.endswith(".html") else site / url
    if target.is_file():
        refresh = lhtml.document_fromstring(target.read_text(encoding="utf-8")).find(".//meta[@http-equiv='refresh']")
        if refresh is not None:
            dest = refresh.get("content", "").split("url=", 1)[-1]
            return _resolve(site, urljoin(url, dest).lstrip("/"))
    return target


@pytest.mark.parametrize("page", PAGES)
def test_every_page_links_to_emergency_help(built_site: BuiltSite, page: str) -> None:
    """Offer, on every page, a banner link (never a tel: link) that leads to the emergency page."""
    doc = lhtml.document_fromstring(page_html(built_site, url_of(page)))
    banner = doc.find(".//*[@class='pg-announce']")
    assert banner is not None, "the emergency banner is missing"
    links = banner.findall(".//a")
    assert links and all(not a.get("href", "").startswith("tel:") for a in links)
    target = _resolve(built_site.path, urljoin(url_of(page), links[0].get("href")).lstrip("/"))
    assert target == built_site.path / "when-to-get-help" / "index.html"
    assert target.read_text(encoding="utf-8").count('data-pg-safety="emergency"') >= 1


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_review_dates_and_care_team(built_site: BuiltSite, page: str) -> None:
    """Show last reviewed, next review due and the care-team line inside the page's content."""
    meta = article(page_html(built_site, url_of(page))).find(".//aside[@class='pg-page-meta']")
    assert meta is not None
    times = meta.findall(".//p[@class='pg-review']/time")
    assert [t.getparent().text.strip() for t in times[:1]] == ["Last reviewed:"]
    assert len(times) == 2 and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", t.get("datetime")) for t in times)
    assert "Next review due:" in meta.text_content()
    assert "care team" in meta.find(".//p[@class='pg-care-team']").text_content()


def test_published_addresses_still_lead_to_a_page(built_site: BuiltSite) -> None:
    """Keep every published address working, directly or through a redirect stub."""
    lines = (ROOT / "tests" / "published_urls.txt").read_text(encoding="utf-8").splitlines()
    urls = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    urls = [url for url in urls if "handouts/" not in url]  # printed by a release only: see test_handouts.py
    broken = [url for url in urls if not _resolve(built_site.path, "" if url == "./" else url).is_file()]
    assert broken == [], f"published addresses that no longer work: {broken}; add them to redirect_maps"
    assert _resolve(built_site.path, "emergency/") == built_site.path / "when-to-get-help" / "index.html"


def test_no_request_leaves_the_site(built_site: BuiltSite) -> None:
    """Load no font, script, style or image from another host (theme.font is off)."""
    for path in built_site.path.rglob("*.html"):
        doc = lhtml.document_fromstring(path.read_text(encoding="utf-8"))
        for element, attribute in (("script", "src"), ("link", "href"), ("img", "src")):
            for node in doc.iter(element):
                value = node.get(attribute, "")
                if element == "link" and node.get("rel") not in ("stylesheet", "preload", "icon", "modulepreload"):
                    continue
                assert not re.match(r"(https?:)?//", value), f"{path}: {element} loads {value}"


# --------------------------------------------------------------------------- builds of edited copies


@pytest.mark.slow
def test_overdue_page_says_so_and_build_lists_it(tmp_path: Path) -> None:
    """Tell the reader when a review is overdue and list the page, without failing the build."""
    project = copy_project(tmp_path / "project")
    replace_in("docs/results.md", "---\n", "---\nreviewed: 2020-01-01\nreview_due: 2021-01-01\n")(project)
    replace_in("docs/uses.md", "---\n", "---\nreviewed: 2026-01-01\nreview_due: 2999-01-01\n")(project)
    outcome = build_project(project)
    assert outcome.ok, outcome.log
    assert "Review overdue on 1 page(s): results.md (due 2021-01-01)" in outcome.log
    notice = article((outcome.site / "results" / "index.html").read_text()).find(".//div[@data-pg-review-due]")
    assert notice is not None and notice.get("hidden") is None
    assert "January 1, 2021" in notice.text_content()
    fresh = article((outcome.site / "uses" / "index.html").read_text()).find(".//div[@data-pg-review-due]")
    assert fresh is not None and fresh.get("hidden") is not None


@pytest.mark.slow
def test_bad_review_date_is_a_clear_error(tmp_path: Path) -> None:
    """Stop the build with the file, the key and the expected form, and no stack trace."""
    project = copy_project(tmp_path / "project")
    replace_in("docs/results.md", "---\n", "---\nreview_due: soon\n")(project)
    outcome = build_project(project)
    assert not outcome.ok
    assert "docs/results.md:2: front matter 'review_due' must be a date written YYYY-MM-DD" in outcome.log
    assert "Traceback" not in outcome.log


@pytest.mark.slow
def test_clinic_settings_fill_the_care_team_line(tmp_path: Path) -> None:
    """Show the clinic's name and a tel: link for its care-team phone when they are configured."""
    project = copy_project(tmp_path / "project")
    set_clinic("Lakeside Clinic", "202.555.0123 extension 45")(project)
    outcome = build_project(project)
    assert outcome.ok, outcome.log
    line = article((outcome.site / "index.html").read_text()).find(".//p[@class='pg-care-team']")
    assert "Lakeside Clinic" in line.text_content()
    assert [a.get("href") for a in line.iter("a")] == ["tel:+1-202-555-0123;ext=45"]
    assert "(202)\u00a0555\u20110123\u00a0ext.\u00a045" in line.text_content(), "shown in US format, unbroken"


@pytest.mark.slow
def test_failed_make_build_leaves_no_site(tmp_path: Path) -> None:
    """Replace site/ only after a build that passed; remove it when a build fails."""
    project = copy_project(tmp_path / "project")
    assert run_make(project, "build").returncode == 0
    assert (project / "site" / "anaphylaxis" / "index.html").is_file()
    replace_in("docs/anaphylaxis.md", "5 to 15 minutes", "5 to 20 minutes")(project)
    failed = run_make(project, "build")
    assert failed.returncode != 0
    assert "[text-changed]" in failed.stderr and "nothing to publish" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert not (project / "site").exists() and not (project / "site.tmp").exists()


def test_site_name_is_in_every_title_once(built_site: BuiltSite) -> None:
    """Name the site once in the <title> of every page and embed page, and say so on the 404 page."""
    from mkdocs.config import load_config

    site_name = load_config(str(ROOT / "mkdocs.yml")).site_name
    titles = {}
    for page in PAGES:
        for prefix in ("", "embed/"):
            doc = lhtml.document_fromstring(page_html(built_site, prefix + url_of(page)))
            titles[prefix + url_of(page)] = doc.findtext(".//title").strip()
    assert len(titles) == 2 * len(PAGES)
    repeated = {url: title for url, title in titles.items() if title.count(site_name) != 1}
    assert repeated == {}
    assert titles[""] == site_name
    not_found = lhtml.document_fromstring((built_site.path / "404.html").read_text(encoding="utf-8"))
    assert not_found.findtext(".//title").strip() == f"Page not found - {site_name}"
