"""MkDocs hook: write the print pages (the whole guide on one page, the emergency card) and mark pages for print.

A thin adapter over :mod:`ivig_guide.print_pages`. Every page's ``<html>`` gets the title, address
and review date that ``print.css`` writes in the margins of each printed page. After the build it
writes ``print/guide/index.html`` and ``print/emergency-card/index.html`` from the final HTML of the
pages, rendered through the templates ``overrides/print/*.html``, and runs the emergency guard over
them: a step lost on the way to paper stops the build. ``make handouts`` prints them to PDF.
Neither page is in the navigation, the search index or the sitemap: they are outputs, not pages.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import segno
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import InclusionLevel

from ivig_guide.editions import absolute_url, strings
from ivig_guide.errors import GuideError
from ivig_guide.lock import Lock
from ivig_guide.print_pages import (
    CARD_PAGE,
    CARD_PDF,
    CARD_PDF_A4,
    GUIDE_PAGE,
    GUIDE_PDF,
    PrintError,
    PrintSource,
    approved_on,
    card_sections,
    check_print_page,
    combine_guide,
    handout_pdf,
    mark_for_print,
    review_span,
)
from ivig_guide.review import readable_date
from ivig_guide.rules import format_findings
from ivig_guide.settings import Settings, guard_lock, settings_of_build

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page


class PrintRun:
    """The pages of one language's build, in navigation order; made anew in ``on_pre_build``."""

    def __init__(self, lock: Lock | None, settings: Settings) -> None:
        """Start with no pages; the edition's print pages and PDFs are written under its folder (``es/``)."""
        self.lock = lock
        self.settings = settings
        self.order: list[str] = []
        self.pages: dict[str, PrintSource] = {}


_run: PrintRun | None = None


def on_pre_build(config: MkDocsConfig) -> None:
    """Start this build's record; read the lock unless new wording is being approved."""
    global _run
    try:
        settings = settings_of_build(config, config.config_file_path)
        lock = guard_lock(settings)
    except GuideError as error:
        raise PluginError(f"Print pages: {error}") from None
    _run = PrintRun(lock, settings)


def on_nav(nav: Navigation, *, config: MkDocsConfig, files: Files) -> None:
    """Remember the navigation order: the printed guide follows it."""
    if _run is not None:
        _run.order = [page.file.src_uri for page in nav.pages if page.file.inclusion != InclusionLevel.EXCLUDED]


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Tell the page template where this page's PDF and the card are (shown only when ``extra.handouts`` is on)."""
    page.meta["pg_handout"] = handout_pdf(page.file.src_uri)
    page.meta["pg_card_pdf"] = _settings(config).prefix + CARD_PDF
    page.meta["pg_guide_pdf"] = _settings(config).prefix + GUIDE_PDF
    return markdown


def _settings(config: MkDocsConfig) -> Settings:
    """Return this build's settings."""
    if _run is not None:
        return _run.settings
    try:
        return settings_of_build(config, config.config_file_path)
    except GuideError as error:
        raise PluginError(f"Print pages: {error}") from None


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    """Mark the page for print and keep its final HTML for the print pages."""
    review = page.meta.get("pg_review") or {}
    words = strings(_settings(config).lang)
    reviewed = f"{words['last_reviewed']}: {review['reviewed_text']}" if review else ""
    title = str(page.meta.get("title") or page.title or config.site_name)
    output = mark_for_print(
        output,
        title=config.site_name,
        url=page.canonical_url or page.abs_url or page.url,
        reviewed=reviewed,
        pdf=page.meta["pg_handout"],
    )
    if _run is not None:
        src = page.file.src_uri
        in_guide = page.meta.get("print", True) is not False
        _run.pages[src] = PrintSource(src, page.url, title, output, in_guide=in_guide, review=review)
    return output


def on_post_build(*, config: MkDocsConfig) -> None:
    """Write the combined guide and the emergency card, and check them like any page."""
    if _run is None:
        return
    pages = [_run.pages[src] for src in _run.order if src in _run.pages]
    pages += [page for src, page in _run.pages.items() if src not in _run.order]
    site_url = config.site_url or ""
    settings = _run.settings
    number, lang, edition = settings.number, settings.lang, settings.prefix
    edition_url = absolute_url(site_url, edition) if site_url else ""
    try:
        chapters = combine_guide(pages, site_url=site_url)
        sections = card_sections(pages, lock=_run.lock, lang=lang)
    except PrintError as error:
        raise PluginError(f"Print pages: {error}") from None
    clinic = config.extra.get("clinic") or {}
    card_ids = tuple(section.id for section in sections)
    approved = approved_on(_run.lock, lang, card_ids)
    common: dict[str, Any] = {
        "config": config,
        "page": None,
        "base_url": "../.." + "/.." * edition.count("/"),
        "lang": lang,
        "site_name": config.site_name,
        "site_url": edition_url,
        "clinic": clinic,
        "review": review_span(page for page in pages if page.in_guide),
        "qr_svg": _qr_svg(edition_url, title=strings(lang)["qr_title"]) if site_url else "",
        "text": strings(lang),
        "handouts": settings.handouts,
    }
    outputs = {
        edition + GUIDE_PAGE: ("print/guide.html", {"chapters": chapters, "guide_pdf": edition + GUIDE_PDF}, None),
        edition + CARD_PAGE: (
            "print/emergency-card.html",
            {
                "sections": sections,
                "approved_on": approved,
                "approved_on_text": readable_date(datetime.date.fromisoformat(approved), lang) if approved else "",
                "card_pdf": edition + CARD_PDF,
                "card_pdf_a4": edition + CARD_PDF_A4,
            },
            card_ids,
        ),
    }
    env = config.theme.get_env()
    for path, (template, context, require) in outputs.items():
        html = env.get_template(template).render(**common, **context)
        findings = check_print_page(html, name=path, lock=_run.lock, number=number, lang=lang, require=require)
        if findings:
            raise PluginError(format_findings(findings))
        target = Path(config.site_dir) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")


def _qr_svg(url: str, *, title: str) -> str:
    """Return a QR code of the guide's address as inline SVG, with a text alternative in the edition's language."""
    code = segno.make(url, error="m")
    return code.svg_inline(scale=4, border=2, dark="#000", light="#fff", title=title.replace("{url}", url))
