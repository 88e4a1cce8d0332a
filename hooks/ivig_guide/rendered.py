"""The emergency guard over what the reader sees: every copy of every guarded section, rendered in Chromium.

    python -m ivig_guide.rendered check site

The other checks read HTML and PDF text; a stylesheet can still hide, fade, cover, shrink or un-number
what they approved. This one opens every copy a reader can get of a page that holds a guarded section
(``<section data-pg-safety=…>``) in one headless Chromium:

- each reader page in Material's light and dark scheme at 390 px and 1280 px, and in print media;
- each embed page (``embed/<page>/``) in both schemes at both widths;
- the print pages (``print/guide/``, ``print/emergency-card/``) in print media.

For every guarded element (the section's heading, each listed sign, each step, each paragraph such as the
second-pen advice, each ``tel:`` link) it checks that the element is **shown** (displayed, visible, not
faded, clipped, scaled away, off-screen, nor covered by another element: screen copies hit-test points
on its text), **readable** (contrast of its text against what is painted behind it, measured from
pixels, and text no smaller than the page's body text), and, for a step, **numbered** (a list item whose
marker paints its number, with the same contrast and size). The text is told apart from what is behind it
by four screenshots of each section: as rendered, with its text transparent, black and white. The steps of
every handout PDF must also be preceded by their numbers, "1." to "n.", in order.

:func:`check_rendered` accepts URL patterns to block and a hook on each browser context, so the same
check can run with some of the site's files held back (e.g. with Material's CSS and JavaScript missing).
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ivig_guide.addresses import split_url
from ivig_guide.emergency_blocks import KIND_ATTRIBUTE, TITLE_CLASS
from ivig_guide.errors import GuideError, OutputError
from ivig_guide.first_paint import LATE_ATTRIBUTE, LATE_ID
from ivig_guide.lock import Lock
from ivig_guide.pdf_check import normalise, pdf_text
from ivig_guide.settings import configured_lock

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from playwright.sync_api import Browser, BrowserContext, Page

#: WCAG 2.x AA contrast for body text; the guide asks it of every guarded element, headings included.
MIN_CONTRAST = 4.5
#: An element (with its ancestors) less opaque than this is faded away.
MIN_OPACITY = 0.9
#: Rounding slack for font sizes, in CSS pixels.
SIZE_SLACK = 0.5
#: A pixel is part of a glyph's core when the text covers at least this share of what the best-covered pixel has.
CORE_COVERAGE = 0.9
#: The share of glyph pixels allowed below the minimum contrast (antialiasing noise, not whole words).
CONTRAST_PERCENTILE = 0.1
#: The list-style types that number steps as the lock and the PDFs have them: "1.", "2.", …
NUMBER_TYPES = ("decimal", "decimal-leading-zero")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
#: Print media is laid out at the width of a Letter page inside print.css's margins (8.5 in - 2 x 16 mm).
PRINT = {"width": 696, "height": 1000}
#: The guarded sections, as the Markdown extension marks them.
GUARD = f"section[{KIND_ATTRIBUTE}]"

#: The fix for each rule of the rendered check (its ids are the registry's, :class:`~ivig_guide.rules.Rule`).
FIXES: dict[str, str] = {
    "section-missing": "The approved section is not in the page the browser shows; check what scripts or templates "
    "change the page.",
    "hidden": "Find the rule that hides it (display, visibility, size, transform) and remove it for guarded sections.",
    "transparent": "Find the opacity rule on it or a parent and remove it for guarded sections.",
    "clipped": "Find the overflow, clip or clip-path rule that cuts it off and remove it for guarded sections.",
    "off-screen": "Find the positioning, transform or text-indent rule that moves it out of the page and remove it.",
    "covered": "Find the element drawn over it (named above) and move it, or keep it out of guarded sections.",
    "low-contrast": "Give the text a colour that contrasts with its background by at least 4.5:1 (emergency.css "
    "custom properties), and keep images and overlays from behind it.",
    "not-painted": "Its text is not drawn where the reader could see it: check colour, opacity, font size and "
    "anything drawn over it.",
    "text-too-small": "Set its font size back to at least the body text's (remove the rule that shrinks it).",
    "tel-too-small": "Give the phone link the size of the text around it.",
    "not-numbered": "Keep the steps an <ol> with decimal numbers (list-style-type: decimal) and a visible ::marker.",
    "marker-not-painted": "The step number is not drawn: restore list-style-type and the ::marker of the steps.",
    "marker-low-contrast": "Give the step numbers (li::marker in emergency.css) a colour with 4.5:1 contrast.",
    "marker-too-small": "Give the step numbers at least the body text's size.",
    "pdf-step-number": "Print the handouts again from a build whose steps show their numbers (print.css).",
    "page-error": "Open the page in a browser and fix what stops it loading.",
}


@dataclass(frozen=True)
class RenderedFinding:
    """One guarded element that a reader of one copy of a page does not get as approved."""

    page: str  # what was opened, e.g. "anaphylaxis/", "embed/anaphylaxis/", "print/emergency-card/"
    copy: str  # "light 390 px", "dark 1280 px", "print", "embed dark 390 px"
    section: str  # section id, e.g. "anaphylaxis-first-aid"
    element: str  # 'step 2 ("Call 911. Or call the…")'
    rule: str  # stable id, a key of FIXES
    detail: str  # what is wrong, with the measured figure

    def __str__(self) -> str:
        """Return the finding as one line: where, what, and the fix."""
        where = f"{self.page} [{self.copy}]" + (f" {self.section}" if self.section else "")
        what = f"{self.element}: " if self.element else ""
        return f"{where}: {what}[{self.rule}] {self.detail} Fix: {FIXES.get(self.rule, '')}".rstrip()


@dataclass(frozen=True)
class Copy:
    """One way a reader gets a page: its URL in the site, and how the browser shows it."""

    url: str  # site-relative, e.g. "anaphylaxis/"
    scheme: str  # "light" | "dark"
    viewport: dict[str, int]
    print: bool = False
    embed: bool = False

    @property
    def label(self) -> str:
        """Return how a finding names this copy."""
        if self.print:
            return "print"
        return ("embed " if self.embed else "") + f"{self.scheme} {self.viewport['width']} px"


def guarded_pages(site: Path) -> list[str]:
    """Return the site-relative URLs of every built page that holds a guarded section, fragments aside.

    A page is ``<page>/index.html`` (its URL the folder's), or ``<page>.html`` in a folder built without
    directory URLs (the offline folder).
    """
    urls = []
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site).as_posix()
        if split_url(relative)[1].startswith("embed/fragments/"):
            continue
        if "data-pg-safety=" in path.read_text(encoding="utf-8", errors="replace"):
            urls.append(
                relative.removesuffix("index.html") if relative.rsplit("/", 1)[-1] == "index.html" else relative
            )
    return urls


def plan_copies(site: Path) -> list[Copy]:
    """Return every copy to check: screen pages and embeds in both schemes at both widths, print media."""
    copies: list[Copy] = []
    for url in guarded_pages(site):
        rest = split_url(url)[1]  # without the edition's folder ("es/print/guide/" → "print/guide/")
        if rest.startswith("print/"):
            copies.append(Copy(url, "light", PRINT, print=True))
            continue
        embed = rest.startswith("embed/")
        for scheme in ("light", "dark"):
            for viewport in (PHONE, DESKTOP):
                copies.append(Copy(url, scheme, viewport, embed=embed))
        if not embed:
            copies.append(Copy(url, "light", PRINT, print=True))
    return copies


def expected_sections(url: str, *, lock: Lock, lang: str) -> set[str]:
    """Return the approved section ids a copy must show, from the lock (the whole guide: all of them)."""
    from ivig_guide.print_pages import card_section_ids

    entries = lock.in_language(lang)
    url = split_url(url)[1]  # every edition holds the sections of the same ids
    if url == "print/guide/":
        return {entry.id for entry in entries}
    if url == "print/emergency-card/":
        return set(card_section_ids(lock, lang)) & {entry.id for entry in entries}
    page = url.removeprefix("embed/").removesuffix(".html").rstrip("/") or "index"
    return {entry.id for entry in entries if entry.page.removesuffix(".md") in (page, f"{page}/index")}


# --------------------------------------------------------------------------- in the browser

#: Measure every guarded element of the page; scroll to each line of text to hit-test it (screen only).
MEASURE_JS = """({hitTest, minOpacity, slack, numberTypes, guard: GUARD, titleClass}) => {
  const NUMBERS = new Set(numberTypes);
  const px = (value) => parseFloat(value) || 0;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    [...el.classList].slice(0, 2).map((c) => "." + c).join("");
  const docBox = (r) => ({x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height});
  const textRects = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    // A visually hidden prefix ("Emergency: ") is a 1 px box; it is for screen readers, not for the eye.
    return [...range.getClientRects()].filter((r) => r.width >= 2 && r.height >= 2);
  };
  const scaleOf = (el) => {
    const r = el.getBoundingClientRect();
    const ratios = [];
    if (el.offsetWidth > 0) ratios.push(r.width / el.offsetWidth);
    if (el.offsetHeight > 0) ratios.push(r.height / el.offsetHeight);
    return ratios.length ? Math.min(...ratios) : 1;
  };
  const size = (el) => px(getComputedStyle(el).fontSize) * scaleOf(el);
  const bodySize = (section) => {
    const sizes = [...document.querySelectorAll("p")]
      .filter((p) => !p.closest(GUARD) && !p.closest("header, footer, nav, .md-header, .md-footer, .md-sidebar"))
      .filter((p) => p.textContent.trim() && p.getClientRects().length)
      .map(size).sort((a, b) => a - b);
    if (sizes.length) return sizes[Math.floor(sizes.length / 2)];
    return px(getComputedStyle(section.closest(".md-typeset") || document.body).fontSize);
  };
  const excerpt = (el) => {
    const text = el.textContent.replace(/\\s+/g, " ").trim();
    return text.length > 40 ? text.slice(0, 39) + "\u2026" : text;
  };
  const shown = (el, problems) => {
    const cs = getComputedStyle(el);
    if (!el.getClientRects().length) {
      let hider = el;
      while (hider && getComputedStyle(hider).display !== "none") hider = hider.parentElement;
      const on = hider && hider !== el ? " on " + describe(hider) : "";
      problems.push(["hidden", `it is not displayed (display: none${on}).`]);
      return false;
    }
    if (cs.visibility !== "visible") {
      problems.push(["hidden", `it is not visible (visibility: ${cs.visibility}).`]);
      return false;
    }
    let opacity = 1;
    for (let a = el; a; a = a.parentElement) opacity *= px(getComputedStyle(a).opacity);
    if (opacity < minOpacity) {
      problems.push(["transparent", `its effective opacity is ${opacity.toFixed(2)} (needs ${minOpacity} or more).`]);
    }
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) {
      problems.push(["hidden", `it has no size on screen (${r.width.toFixed(1)} x ${r.height.toFixed(1)} px).`]);
      return false;
    }
    const scale = scaleOf(el);
    if (scale < 0.95) problems.push(["hidden", `it is scaled down to ${(scale * 100).toFixed(0)}% of its size.`]);
    const width = document.documentElement.clientWidth;
    for (const part of [r, ...textRects(el)]) {
      const box = docBox(part);
      if (box.x < -1 || box.y < -1 || box.x + box.width > width + 1) {
        const at = `x ${box.x.toFixed(0)}, y ${box.y.toFixed(0)}, ${box.width.toFixed(0)} px wide`;
        const what = part === r ? "it" : "its text";
        problems.push(["off-screen", `${what} lies outside the page (at ${at}; the page is ${width} px wide).`]);
        break;
      }
    }
    for (let a = el; a; a = a.parentElement) {
      const as = getComputedStyle(a);
      if (as.clipPath !== "none" || (as.clip && as.clip !== "auto")) {
        const by = as.clipPath !== "none" ? "clip-path: " + as.clipPath : "clip: " + as.clip;
        problems.push(["clipped", `it is cut by ${by}` + (a !== el ? " on " + describe(a) : "") + "."]);
        break;
      }
      if (a === el || a === document.documentElement || a === document.body) continue;
      const hidesX = ["hidden", "clip"].includes(as.overflowX), hidesY = ["hidden", "clip"].includes(as.overflowY);
      if (!hidesX && !hidesY) continue;
      const c = a.getBoundingClientRect();
      const left = hidesX ? Math.max(r.left, c.left) : r.left, right = hidesX ? Math.min(r.right, c.right) : r.right;
      const top = hidesY ? Math.max(r.top, c.top) : r.top, bottom = hidesY ? Math.min(r.bottom, c.bottom) : r.bottom;
      const kept = Math.max(0, right - left) * Math.max(0, bottom - top) / (r.width * r.height);
      if (kept < 0.99) {
        const share = (kept * 100).toFixed(0);
        problems.push(["clipped", `only ${share}% of it shows inside ${describe(a)} (overflow: hidden).`]);
        break;
      }
    }
    return true;
  };
  const hit = (el, problems) => {
    const points = [];
    for (const r of textRects(el).slice(0, 12)) {
      const y = r.top + scrollY + r.height / 2;
      const xs = r.width > 40 ? [0.2, 0.5, 0.8] : [0.5];
      for (const f of xs) points.push([r.left + scrollX + r.width * f, y]);
    }
    let covered = 0, tested = 0, by = null;
    for (const [x, y] of points) {
      const vy = y - scrollY;
      if (vy < innerHeight * 0.25 || vy > innerHeight * 0.75) {
        window.scrollTo({top: y - innerHeight / 2, behavior: "instant"});
      }
      const vx = x - scrollX, py = y - scrollY;
      if (vx < 0 || vx >= innerWidth || py < 0 || py >= innerHeight) continue;
      const top = document.elementFromPoint(vx, py);
      tested += 1;
      if (!top || !(top === el || el.contains(top))) { covered += 1; by = by || (top ? describe(top) : "nothing"); }
    }
    if (covered) problems.push(["covered", `${covered} of ${tested} points on its text are covered by ${by}.`]);
  };
  const numbered = (el, body, problems) => {
    const cs = getComputedStyle(el);
    const marker = getComputedStyle(el, "::marker"), before = getComputedStyle(el, "::before");
    const counter = before.content.includes("counter(");
    const listItem = cs.display.includes("list-item");
    const type = cs.listStyleType;
    const numericType = NUMBERS.has(type);
    const markerShown = marker.content === "normal" || marker.content.includes("counter(");
    if (!counter && !(listItem && numericType && markerShown)) {
      const why = !listItem ? `display: ${cs.display}`
        : !numericType ? `list-style-type: ${type}` : `::marker content: ${marker.content}`;
      problems.push(["not-numbered", `it shows no step number (${why}).`]);
    }
    const markerSize = px((counter ? before : marker).fontSize) * scaleOf(el);
    if (markerSize + slack < body) {
      const sizes = `${markerSize.toFixed(1)} px, smaller than the body text (${body.toFixed(1)} px)`;
      problems.push(["marker-too-small", `its number is ${sizes}.`]);
    }
    const r = el.getBoundingClientRect(), first = textRects(el)[0] || r, fs = px(cs.fontSize) * scaleOf(el);
    const x0 = Math.max(0, r.left - 3 * fs), x1 = Math.max(r.left, first.left);
    return {x: x0 + scrollX, y: first.top + scrollY, width: Math.max(0, x1 - x0), height: first.height};
  };
  const sections = [];
  for (const section of document.querySelectorAll(GUARD)) {
    const body = bodySize(section);
    const items = [];
    const title = section.querySelector("." + titleClass) || section.querySelector("h1, h2, h3, h4, h5, h6");
    if (title) items.push(["heading", title]);
    let signs = 0, steps = 0, texts = 0, tels = 0;
    for (const el of section.querySelectorAll("p, li, a[href^='tel:']")) {
      if (el.tagName === "A") items.push([`tel: link ${++tels}`, el]);
      else if (el.tagName === "P") items.push([`text ${++texts}`, el]);
      else if (el.parentElement.tagName === "OL") items.push([`step ${++steps}`, el]);
      else items.push([`sign ${++signs}`, el]);
    }
    const elements = [];
    for (const [name, el] of items) {
      const problems = [];
      const label = `${name} ("${excerpt(el)}")`;
      const item = {label, problems, box: null, marker: null};
      elements.push(item);
      if (!shown(el, problems)) continue;
      item.box = docBox(el.getBoundingClientRect());
      const own = size(el);
      if (name.startsWith("tel:")) {
        const block = el.parentElement.closest("p, li, h1, h2, h3, h4, h5, h6") || el.parentElement;
        const around = size(block);
        if (own + slack < around) {
          const sizes = `${own.toFixed(1)} px, smaller than the text around it (${around.toFixed(1)} px)`;
          problems.push(["tel-too-small", `it is ${sizes}.`]);
        }
      } else if (own + slack < body) {
        const sizes = `${own.toFixed(1)} px, smaller than the page's body text (${body.toFixed(1)} px)`;
        problems.push(["text-too-small", `its text is ${sizes}.`]);
      }
      if (name.startsWith("step")) item.marker = numbered(el, body, problems);
      if (hitTest) hit(el, problems);
    }
    sections.push({id: section.id, elements});
  }
  return sections;
}"""

#: The colour every guarded text (and step number) is forced to in one of the measuring screenshots.
FORCE_CSS = """
GUARD, GUARD *, GUARD *::marker, GUARD *::before, GUARD *::after {
  color: COLOUR !important; -webkit-text-fill-color: COLOUR !important; text-shadow: none !important;
  text-decoration-color: COLOUR !important; transition: none !important; animation: none !important;
}
"""
ADOPT_JS = """(css) => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}"""
DROP_JS = "() => { document.adoptedStyleSheets = document.adoptedStyleSheets.slice(0, -1); }"
#: Wait for the stylesheets a page inserts after its first paint (ivig_guide.first_paint) to load or fail,
#: then for fonts and animations.
SETTLE_JS = """async () => {
  const late = document.getElementById("LATE_ID");
  // With scripting off the <noscript> holds parsed links, which apply as they load: nothing to wait for.
  const settled = () => !late || late.querySelector("link") !== null || (late.hasAttribute("data-pg-loaded") &&
    [...document.querySelectorAll("link[LATE_ATTRIBUTE]")].every((l) => l.hasAttribute("data-pg-settled")));
  for (let waited = 0; !settled() && waited < 10000; waited += 20) await new Promise((r) => setTimeout(r, 20));
  await document.fonts.ready;
  await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)));
}""".replace("LATE_ID", LATE_ID).replace("LATE_ATTRIBUTE", LATE_ATTRIBUTE)


# --------------------------------------------------------------------------- pixels


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


_LINEAR = [_linear(v) for v in range(256)]


def luminance(rgb: Sequence[int]) -> float:
    """Return the WCAG relative luminance of an sRGB colour."""
    r, g, b = rgb[:3]
    return 0.2126 * _LINEAR[r] + 0.7152 * _LINEAR[g] + 0.0722 * _LINEAR[b]


def contrast(a: Sequence[int], b: Sequence[int]) -> float:
    """Return the WCAG contrast ratio of two sRGB colours."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


@dataclass(frozen=True)
class Shots:
    """Four screenshots of one region: as rendered, text transparent, text black, text white."""

    origin: tuple[float, float]
    shown: Any  # PIL.Image.Image, RGB
    bare: Any
    black: Any
    white: Any


def measure_text(shots: Shots, box: dict[str, float]) -> tuple[float | None, float]:
    """Return the contrast of the text in ``box`` against what is painted behind it, and its best coverage.

    The text covers a pixel by (white - black) / 255; where it covers at least :data:`CORE_COVERAGE` of
    the best-covered pixel, the pixel as rendered is compared with the same pixel without the text. The
    contrast is the :data:`CONTRAST_PERCENTILE` lowest of those, so a part of the text on a bad
    background counts. None when no pixel is covered (nothing of the text is drawn).
    """
    from PIL import ImageChops

    left = max(0, round(box["x"] - shots.origin[0]))
    top = max(0, round(box["y"] - shots.origin[1]))
    right = min(shots.shown.width, round(box["x"] + box["width"] - shots.origin[0]))
    bottom = min(shots.shown.height, round(box["y"] + box["height"] - shots.origin[1]))
    if right <= left or bottom <= top:
        return None, 0.0
    area = (left, top, right, bottom)
    coverage = ImageChops.subtract(shots.white.crop(area), shots.black.crop(area)).convert("L")
    # One band ("L"): the extrema are one (low, high) pair.
    best = cast("tuple[int, int]", coverage.getextrema())[1] / 255
    if best < 0.3:
        return None, best
    threshold = round(best * CORE_COVERAGE * 255)
    cover = coverage.tobytes()
    shown = shots.shown.crop(area).tobytes()
    bare = shots.bare.crop(area).tobytes()
    ratios = []
    for index, value in enumerate(cover):
        if value >= threshold:
            at = index * 3
            ratios.append(contrast(shown[at : at + 3], bare[at : at + 3]))
    ratios.sort()
    return ratios[int(len(ratios) * CONTRAST_PERCENTILE)], best


def _shoot(page: Page, clip: dict[str, float]) -> Any:
    from PIL import Image

    return Image.open(io.BytesIO(page.screenshot(clip=cast(Any, clip), full_page=True))).convert("RGB")


def take_shots(page: Page, clips: Sequence[dict[str, float]]) -> list[Shots]:
    """Screenshot each clip (document coordinates) as rendered, then with the guarded text forced to each colour.

    Every clip is taken as rendered first: when a forced colour is dropped, the page's own colour
    transitions (on links, for one) would run from the forced colour back to the real one.
    """
    shown = [_shoot(page, clip) for clip in clips]
    forced: list[list[Any]] = []
    for colour in ("transparent", "#000", "#fff"):
        page.evaluate(ADOPT_JS, FORCE_CSS.replace("GUARD", GUARD).replace("COLOUR", colour))
        forced.append([_shoot(page, clip) for clip in clips])
        page.evaluate(DROP_JS)
    return [
        Shots((clip["x"], clip["y"]), shown[i], forced[0][i], forced[1][i], forced[2][i])
        for i, clip in enumerate(clips)
    ]


def _union(boxes: Iterable[dict[str, float]], *, pad: float = 2) -> dict[str, float] | None:
    boxes = [b for b in boxes if b and b["width"] > 0 and b["height"] > 0]
    if not boxes:
        return None
    x0 = max(0.0, min(b["x"] for b in boxes) - pad)
    y0 = max(0.0, min(b["y"] for b in boxes) - pad)
    x1 = max(b["x"] + b["width"] for b in boxes) + pad
    y1 = max(b["y"] + b["height"] for b in boxes) + pad
    return {"x": x0, "y": y0, "width": x1 - x0, "height": y1 - y0}


# --------------------------------------------------------------------------- one copy


def check_copy(page: Page, copy: Copy, *, expected: set[str]) -> list[RenderedFinding]:
    """Return what is wrong with the guarded sections of the page loaded in ``page``."""
    page.evaluate(SETTLE_JS)
    sections = page.evaluate(
        MEASURE_JS,
        {
            "hitTest": not copy.print,
            "minOpacity": MIN_OPACITY,
            "slack": SIZE_SLACK,
            "numberTypes": list(NUMBER_TYPES),
            "guard": GUARD,
            "titleClass": TITLE_CLASS,
        },
    )
    findings = [
        RenderedFinding(
            copy.url, copy.label, missing, "", "section-missing", "the approved section is not in the page."
        )
        for missing in sorted(expected - {section["id"] for section in sections})
    ]
    page.evaluate("() => window.scrollTo({top: 0, behavior: 'instant'})")
    clips = [
        _union([box for e in section["elements"] for box in (e["box"], e["marker"]) if box]) for section in sections
    ]
    shot_list = iter(take_shots(page, [clip for clip in clips if clip]))
    for section, clip in zip(sections, clips, strict=True):
        shots = next(shot_list) if clip else None
        for element in section["elements"]:
            problems = [tuple(problem) for problem in element["problems"]]
            if shots and element["box"]:
                problems += _pixel_problems(shots, element)
            findings += [
                RenderedFinding(copy.url, copy.label, section["id"], element["label"], rule, detail)
                for rule, detail in problems
            ]
    return findings


def _pixel_problems(shots: Shots, element: dict[str, Any]) -> list[tuple[str, str]]:
    problems = []
    ratio, best = measure_text(shots, element["box"])
    if ratio is None:
        problems.append(("not-painted", f"none of its text is painted (best pixel coverage {best:.0%})."))
    elif ratio < MIN_CONTRAST:
        problems.append(
            ("low-contrast", f"its text contrast is {ratio:.1f}:1 against what is behind it (needs 4.5:1).")
        )
    if element["marker"]:
        ratio, best = measure_text(shots, element["marker"])
        if ratio is None:
            problems.append(("marker-not-painted", f"its number is not painted (best pixel coverage {best:.0%})."))
        elif ratio < MIN_CONTRAST:
            problems.append(("marker-low-contrast", f"its number's contrast is {ratio:.1f}:1 (needs 4.5:1)."))
    return problems


# --------------------------------------------------------------------------- the whole site

RouteHook = Callable[["BrowserContext"], None]


def check_rendered(
    site: Path,
    *,
    lock: Lock,
    lang: str,
    block: Sequence[str] = (),
    route: RouteHook | None = None,
    only: Callable[[Copy], bool] | None = None,
    browser: Browser | None = None,
    pdfs: bool = True,
) -> list[RenderedFinding]:
    """Return what a reader of any copy of a guarded section does not get as approved; none means all is well.

    ``block`` lists URL glob patterns the browser must not load (to check the site with some files held
    back); ``route`` is called with every browser context before a page loads, to route requests itself;
    ``only`` keeps some copies (tests); ``browser`` reuses a running Chromium; ``pdfs`` also checks the
    step numbers in ``site/handouts/`` when it exists.
    """
    from ivig_guide.browser import launch
    from ivig_guide.serve import serve

    copies = [copy for copy in plan_copies(site) if only is None or only(copy)]
    findings: list[RenderedFinding] = []
    with serve(site) as served:
        if browser is None:
            with launch() as own:
                findings += _check_copies(own, served.url, copies, lock=lock, lang=lang, block=block, route=route)
        else:
            findings += _check_copies(browser, served.url, copies, lock=lock, lang=lang, block=block, route=route)
    if pdfs and (site / "handouts").is_dir():
        findings += check_pdf_numbers(site, lock=lock, lang=lang)
    return findings


def _check_copies(
    browser: Browser,
    base: str,
    copies: Sequence[Copy],
    *,
    lock: Lock,
    lang: str,
    block: Sequence[str],
    route: RouteHook | None,
) -> list[RenderedFinding]:
    findings: list[RenderedFinding] = []
    for copy in copies:
        scheme = "light" if copy.print else copy.scheme
        options: dict[str, Any] = {"viewport": copy.viewport, "color_scheme": scheme, "device_scale_factor": 1}
        context = browser.new_context(**options)
        try:
            for pattern in block:
                context.route(pattern, lambda request: request.abort())
            if route is not None:
                route(context)
            page = context.new_page()
            if copy.print:
                page.emulate_media(media="print")
            response = page.goto(base + copy.url, wait_until="load")
            if response is None or not response.ok:
                status = response.status if response else "no response"
                findings.append(RenderedFinding(copy.url, copy.label, "", "", "page-error", f"HTTP {status}."))
                continue
            findings += check_copy(page, copy, expected=expected_sections(copy.url, lock=lock, lang=lang))
        finally:
            context.close()
    return findings


def check_step_numbers(text: str, *, pdf: str, entries: Iterable[Any]) -> list[RenderedFinding]:
    """Return a finding for each step of a PDF's text that is not preceded by its number ("1." … "n."), in order."""
    flat = normalise(text)
    findings = []
    for entry in entries:
        for steps in entry.section.blocks("steps"):
            position = 0
            for n, step in enumerate(steps, start=1):
                wanted = f"{n}." + normalise(step)[:30]
                found = flat.find(wanted, position)
                if found < 0:
                    findings.append(
                        RenderedFinding(
                            pdf,
                            "PDF",
                            entry.id,
                            f'step {n} ("{step if len(step) <= 40 else step[:39] + "…"}")',
                            "pdf-step-number",
                            f'the PDF\'s text does not show "{n}." before this step, after step {n - 1}.'
                            if n > 1
                            else f'the PDF\'s text does not show "{n}." before this step.',
                        )
                    )
                    continue
                position = found + len(wanted)
    return findings


def check_pdf_numbers(site: Path, *, lock: Lock, lang: str) -> list[RenderedFinding]:
    """Return a finding for each step of each handout PDF that is not preceded by its number."""
    from ivig_guide.handouts import HandoutError, pdf_entries, plan
    from ivig_guide.print_pages import card_section_ids

    try:
        jobs = plan(site, card=card_section_ids(lock, lang))
    except HandoutError:
        return []  # the release check reports a site without print pages
    findings = []
    seen: set[str] = set()
    for job in jobs:
        path = site / job.pdf
        if job.pdf in seen or not path.is_file():
            continue
        seen.add(job.pdf)
        findings += check_step_numbers(pdf_text(path), pdf=job.pdf, entries=pdf_entries(job, lock=lock, lang=lang))
    return findings


def format_rendered(findings: Sequence[RenderedFinding]) -> str:
    """Return the findings as lines a maintainer reads, one per element and problem."""
    return "\n".join(f"  {finding}" for finding in findings)


def main(argv: Sequence[str] | None = None) -> int:
    """Check a built folder as rendered; exit 1 listing each element a reader does not get as approved."""
    parser = argparse.ArgumentParser(prog="python -m ivig_guide.rendered", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["check"])
    parser.add_argument("site", type=Path, help="a built site folder, e.g. site")
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="mkdocs.yml (language, lock)")
    parser.add_argument(
        "--block", action="append", default=[], metavar="GLOB", help="URL pattern the browser must not load"
    )
    args = parser.parse_args(argv)
    from playwright.sync_api import Error as PlaywrightError

    from ivig_guide.browser import BrowserNotFound

    started = time.perf_counter()
    try:
        settings, lock = configured_lock(args.config)
        if not args.site.is_dir():
            raise OutputError(f"{args.site}: no such folder. Run `make build` first.")
        copies = plan_copies(args.site)
        findings = check_rendered(args.site, lock=lock, lang=settings.lang, block=args.block)
    except (GuideError, BrowserNotFound) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    except PlaywrightError as error:
        print(f"Error: Chromium could not check {args.site}: {error.message}", file=sys.stderr)
        return 2
    if findings:
        print(
            f"Rendered check failed, do not publish ({len(findings)} problems):\n" + format_rendered(findings),
            file=sys.stderr,
        )
        return 1
    print(
        f"Rendered check: every guarded element of {len(copies)} copies of {len(guarded_pages(args.site))} pages "
        f"is shown, readable and numbered ({time.perf_counter() - started:.1f} s)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
