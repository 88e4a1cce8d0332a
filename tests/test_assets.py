"""The guide's stylesheets reach pages as one minified file that keeps every rule."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, BuiltSite, page_html

from ivig_guide.css_bundle import BUNDLE, STYLESHEETS, AssetError, bundle_css, minify_css

SOURCES = ROOT / "overrides" / "assets" / "stylesheets"


def test_comments_and_spacing_go_but_strings_stay():
    css = """/* a comment */
    a[href^="http"]::after {
        content: " (" attr(href) ") /* not a comment */";
    }
    @media (max-width: 20em) and (min-width: 10em) {
        .x > .y ,  .z :is(p) { margin : 0 auto ; }
    }
    """
    assert minify_css(css) == (
        'a[href^="http"]::after{content:" (" attr(href) ") /* not a comment */"}'
        "@media (max-width:20em) and (min-width:10em){.x>.y,.z :is(p){margin :0 auto}}"
    )


@pytest.mark.parametrize(
    ("css", "message"),
    [("a { color: red }\n/* open", r"x\.css:2: a comment opened"), ('a { content: "open }', r"x\.css:1: a quoted")],
)
def test_unclosed_comment_or_string_is_named(css, message):
    with pytest.raises(AssetError, match=message):
        minify_css(css, name="x.css")


def _rules(css: str) -> list[str]:
    """The declarations of a stylesheet, spacing removed: what a browser would read."""
    flat = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found = re.findall(r"(?<=[{;])\s*([-\w]+)\s*:\s*([^{};]+)", flat)
    return sorted(name + ":" + re.sub(r"\s+", "", value) for name, value in found)


def test_built_bundle_keeps_every_declaration_in_cascade_order(built_site: BuiltSite):
    bundle = (built_site.path / BUNDLE).read_text(encoding="utf-8")
    sources = {name: (SOURCES / name).read_text(encoding="utf-8") for name in STYLESHEETS}
    assert bundle == bundle_css(sources)
    assert _rules(bundle) == _rules("\n".join(sources.values()))
    positions = [bundle.index(f"/* {name} */") for name in STYLESHEETS]
    assert positions == sorted(positions)
    assert len(bundle) < 0.75 * sum(len(text) for text in sources.values())


def test_pages_link_the_bundle_once_and_not_the_sources(built_site: BuiltSite):
    html = page_html(built_site, "anaphylaxis/")
    assert html.count("guide.bundle.css") == 1
    for name in STYLESHEETS:
        assert f"stylesheets/{name}" not in html


FONTS = ROOT / "overrides" / "assets" / "fonts"


def _font_faces(css: str) -> list[tuple[str, str]]:
    """Return (family, file) of each @font-face rule of a stylesheet."""
    faces = re.findall(r"@font-face\s*{([^}]*)}", css)
    return [
        (re.search(r'font-family:\s*"([^"]+)"', face).group(1), re.search(r'url\("([^"]+)"\)', face).group(1))
        for face in faces
    ]


def test_print_fonts_are_shipped_with_their_licence(built_site: BuiltSite):
    """Declare only fonts whose files are in the project and in the build, with their SIL Open Font License."""
    faces = _font_faces((SOURCES / "print-fonts.css").read_text(encoding="utf-8"))
    assert {family for family, _ in faces} == {"Atkinson Hyperlegible", "Atkinson Hyperlegible Mono"}
    for _, url in faces:
        assert url.startswith("../fonts/") and url.endswith(".woff2"), url
        name = url.removeprefix("../fonts/")
        assert (FONTS / name).is_file(), f"{name} is declared but not shipped"
        assert (built_site.path / "assets" / "fonts" / name).is_file(), f"{name} is not in the build"
    for licence in FONTS.glob("OFL-*.txt"):
        assert "SIL OPEN FONT LICENSE Version 1.1" in licence.read_text(encoding="utf-8")
    assert sorted(p.name for p in FONTS.glob("OFL-*.txt")) == [
        "OFL-atkinson-hyperlegible-mono.txt",
        "OFL-atkinson-hyperlegible.txt",
    ]
    shipped = {p.name for p in FONTS.glob("*.woff2")}
    assert shipped == {url.removeprefix("../fonts/") for _, url in faces}, "every shipped font file is declared"


def test_print_fonts_are_used_in_print_only():
    """Name the print fonts only in print.css: screens keep the reader's system fonts."""
    for name in STYLESHEETS:
        css = re.sub(r"/\*.*?\*/", "", (SOURCES / name).read_text(encoding="utf-8"), flags=re.S)
        if name == "print-fonts.css":
            assert re.sub(r"@font-face\s*{[^}]*}", "", css).strip() == "", "print-fonts.css only declares fonts"
        elif name != "print.css":
            assert "Atkinson" not in css, f"{name} uses the print font on screen"
