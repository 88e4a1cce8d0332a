"""The first paint in one round trip: each page's own CSS inlined (chosen by parsing), the rest after its content."""

from __future__ import annotations

import functools
import posixpath

import lxml.html
import pytest
from conftest import BuiltSite, page_html
from first_paint_support import FIRST_PAINT_PAGES

from ivig_guide import csp
from ivig_guide.first_paint import (
    FIRST_WINDOW,
    LATE_ATTRIBUTE,
    LATE_ID,
    LOADER_JS,
    STYLE_ATTRIBUTE,
    FirstPaintError,
    Stylesheets,
    critical_css,
    defer_stylesheets,
    gzip_size,
    parse_stylesheets,
    stylesheet_links,
)

PAGE = """<!doctype html><html class="no-js"><head><meta charset="utf-8">
<link rel="stylesheet" href="a.css"><link rel="stylesheet" href="b.css" media="screen">
<script>var x = 1</script></head>
<body><p class="note">Text <a href="#">link</a></p><ol><li>Step</li></ol>
<script src="bundle.js"></script><script src="other.js" defer></script></body></html>"""


def _css(css: str, html: str = PAGE) -> str:
    return critical_css(html, parse_stylesheets([("a.css", css)]))


SELECTION = [
    pytest.param("p{color:red}", "p{color:red}", id="element-kept"),
    pytest.param("table{color:red}", "", id="absent-element-dropped"),
    pytest.param(".note,.absent,li{margin:0}", ".note,li{margin:0}", id="only-matching-selectors"),
    pytest.param(".no-js p a{color:red}", ".no-js p a{color:red}", id="descendant"),
    pytest.param(".js p{color:red}", "", id="state-not-in-page"),
    pytest.param("ol>li::marker{color:red}", "ol>li::marker{color:red}", id="pseudo-element-counts"),
    pytest.param("a:hover{color:red}", "", id="hover-not-at-first-paint"),
    pytest.param("p::-webkit-scrollbar{width:0}", "p::-webkit-scrollbar{width:0}", id="vendor-pseudo-kept"),
    pytest.param("@media screen{p{color:red}}", "@media screen{p{color:red}}", id="screen-media"),
    pytest.param("@media print{p{color:red}}", "", id="print-media-dropped"),
    pytest.param("@media screen{table{color:red}}", "", id="empty-media-dropped"),
    pytest.param(
        "@media screen{@supports (display:grid){p{display:grid}}}",
        "@media screen{@supports (display:grid){p{display:grid}}}",
        id="nested-at-rules",
    ),
    pytest.param("@font-face{font-family:x;src:url(x.woff2)}p{color:red}", "p{color:red}", id="font-face-dropped"),
    pytest.param("@keyframes spin{to{opacity:0}}p{color:red}", "p{color:red}", id="keyframes-dropped"),
    pytest.param(
        ":root{--a:red;--b:var(--c);--c:blue;--unused:url(x.svg)}p{color:var(--b)}",
        ":root{--b:var(--c);--c:blue}p{color:var(--b)}",
        id="custom-properties-used-only",
    ),
    pytest.param(":root{--icon:url(x.svg)}table{mask-image:var(--icon)}", "", id="property-of-dropped-rule-dropped"),
]


@pytest.mark.parametrize(("css", "expected"), SELECTION)
def test_rules_the_page_uses_are_kept(css: str, expected: str) -> None:
    """Keep exactly the rules (and selectors, and custom properties) that the page's elements use."""
    assert _css(css) == expected


def test_order_of_the_cascade_is_kept_across_stylesheets() -> None:
    sheets = parse_stylesheets([("a.css", "p{color:red}li{color:blue}"), ("b.css", "@media screen{p{color:green}}")])
    assert critical_css(PAGE, sheets) == "p{color:red}li{color:blue}@media screen{p{color:green}}"


def test_style_end_tag_in_a_stylesheet_is_refused() -> None:
    with pytest.raises(FirstPaintError, match="</style"):
        _css('p::after{content:"</style>"}')


def test_stylesheets_move_after_the_content() -> None:
    """Inline the CSS where the links were; link the sheets after the content, for a script to insert; defer scripts."""
    out = defer_stylesheets(PAGE, css="p{color:red}")
    root = lxml.html.document_fromstring(out)
    head, body = root.find("head"), root.find("body")
    assert [style.text for style in head.findall("style")] == ["p{color:red}"]
    assert head.find("style").get(STYLE_ATTRIBUTE) is not None
    assert head.findall("link") == []
    assert (
        f'<noscript id="{LATE_ID}"><link rel="stylesheet" href="a.css" {LATE_ATTRIBUTE}>'
        f'<link rel="stylesheet" href="b.css" media="screen" {LATE_ATTRIBUTE}></noscript><script>{LOADER_JS}</script>'
        "</body>"
    ) in out, "the links come last, after the content"
    scripts = [(s.get("src"), s.get("defer") is not None) for s in body.xpath(".//script[@src]")]
    assert scripts == [("bundle.js", True), ("other.js", True)]
    assert "onload" not in out and "style=" not in out
    assert stylesheet_links(out) == []


def test_page_without_stylesheets_is_left_alone() -> None:
    page = "<html><head></head><body><p>x</p></body></html>"
    assert defer_stylesheets(page, css="p{}") == page


def test_page_without_end_of_body_is_refused() -> None:
    with pytest.raises(FirstPaintError, match="</body>"):
        defer_stylesheets('<html><head><link rel="stylesheet" href="a.css"></head><body><p>x', css="")


# --------------------------------------------------------------------------- the built guide


def _sources(site: BuiltSite, url: str, html: str) -> list[tuple[str, str]]:
    """Return the stylesheets a built page loads after its content, (name, text) in order."""
    root = lxml.html.document_fromstring(html)
    late = root.get_element_by_id(LATE_ID)
    hrefs = [link.get("href") for link in lxml.html.fragments_fromstring(late.text)] if late.text else []
    hrefs = hrefs or [link.get("href") for link in late.iter("link")]
    files = [posixpath.normpath(posixpath.join(url, href)) for href in hrefs]
    files = [name.split("../")[-1] for name in files]
    return [(name, (site.path / name).read_text(encoding="utf-8")) for name in files]


@functools.cache
def _parsed(sources: tuple[tuple[str, str], ...]) -> Stylesheets:
    """Parse the pages' stylesheets once: every page loads the same ones."""
    return parse_stylesheets(sources)


@pytest.mark.parametrize("url", FIRST_PAINT_PAGES)
def test_first_window_holds_the_page_and_its_css(built_site: BuiltSite, url: str) -> None:
    """Fit the page, with the CSS its elements use, in the first 14,000 gzip bytes; allow that CSS by hash only."""
    html = page_html(built_site, url)
    assert gzip_size(html) <= FIRST_WINDOW, f"{url}: {gzip_size(html)} bytes gzip, over {FIRST_WINDOW}"
    root = lxml.html.document_fromstring(html)
    styles = root.xpath("//head/style")
    assert len(styles) == 1 and styles[0].get(STYLE_ATTRIBUTE) is not None, "one <style> holds the first-paint CSS"
    sources = _sources(built_site, url, html)
    assert [name.rsplit("/", 1)[-1].split(".")[0] for name, _text in sources] == ["main", "palette", "guide"]
    without_css = html.replace(styles[0].text, "")
    assert styles[0].text == critical_css(without_css, _parsed(tuple(sources))), "the CSS the page's elements use"
    assert not root.xpath("//head/link[@rel='stylesheet']"), "no stylesheet holds back the first paint"
    assert not root.xpath("//@style") and not root.xpath("//@*[starts-with(name(), 'on')]")
    policy = root.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    style_src = next(part.split()[1:] for part in policy.split(";") if part.split()[0] == "style-src")
    assert csp.hash_source(styles[0].text) in style_src
    assert "'unsafe-inline'" not in style_src and "'unsafe-hashes'" not in style_src
    for script in root.xpath("//body//script[@src]"):
        assert script.get("defer") is not None, f"{script.get('src')} holds back the parser"
