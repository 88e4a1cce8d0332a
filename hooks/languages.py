"""MkDocs hook: make each language edition whole, for the build of that language by mkdocs-static-i18n.

A thin adapter over :mod:`ivig_guide.editions`. mkdocs-static-i18n builds the default edition (English, at
the site root) and then every other edition (``es/``) in the same process, re-running every hook. For the
build of each edition this hook:

- gives the templates the edition's words (``config.extra.pg_text``) and language (``config.extra.pg_lang``);
- keeps the pages not yet translated out of the edition, but linkable: the edition's menu and pages link to
  the English page, marked ``hreflang``/``lang="en"`` on the link (never English text under ``es/``), and
  leaves out the pages named in the edition's ``extra.omit_pages`` (the maintainers' pages);
- gives the language switcher the same page in the other edition, or that edition's home page; each
  page's alternates, with absolute addresses from ``site_url`` and ``x-default``, are in the sitemap.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.nav import Section

from ivig_guide import editions
from ivig_guide.addresses import split_url, url_of_page
from ivig_guide.errors import GuideError
from ivig_guide.print_pages import CARD_PDF, GUIDE_PDF
from ivig_guide.settings import Settings, settings_of_build

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

NAMES = {"en": "English", "es": "Español"}
BLOCKS = "ivig_guide.emergency_blocks"


class EditionRun:
    """One edition's build: its settings, its translated pages and the other edition's pages it links to."""

    def __init__(self, settings: Settings) -> None:
        """Start with no pages."""
        self.settings = settings
        self.translated: dict[str, set[str]] = {}  # original page → languages it is written in
        self.linked_out: dict[str, str] = {}  # site-relative URL of another edition's page → its language
        self.omitted: set[str] = set()


_run: EditionRun | None = None


# After mkdocs-static-i18n (-100), which sets the language of each build in its on_config.
@event_priority(-110)
def on_config(config: MkDocsConfig) -> None:
    """Give the templates this edition's words and language."""
    global _run
    try:
        settings = settings_of_build(config, config.config_file_path)
    except GuideError as error:
        raise PluginError(f"Languages: {error}") from None
    config.extra["pg_lang"] = settings.lang
    config.extra["pg_text"] = editions.strings(settings.lang)
    config.extra["pg_default_language"] = settings.default_language
    emergency_urls = _emergency_urls(config, settings)
    config.extra["pg_editions"] = [
        {
            "name": NAMES.get(lang, lang),
            "link": editions.prefix(lang, settings.default_language) or "./",
            "lang": lang,
            # For the one 404 page of the site, which speaks every edition's language.
            "home": editions.prefix(lang, settings.default_language),
            "text": editions.strings(lang),
            "emergency_url": emergency_urls.get(lang, settings.emergency_url),
            # The edition's handouts, and its language as this edition names it ("in Spanish", "en inglés"),
            # for the links of every page to the other editions' guide PDF and card.
            "guide_pdf": editions.prefix(lang, settings.default_language) + GUIDE_PDF,
            "card_pdf": editions.prefix(lang, settings.default_language) + CARD_PDF,
            "in_language": editions.LANGUAGE_NAMES.get(settings.lang, {}).get(lang, NAMES.get(lang, lang)),
        }
        for lang in settings.languages
    ]
    if len(settings.languages) > 1:
        _hide_head_alternates(config)
    # The emergency sections' screen-reader prefixes ("Emergencia:") in the edition's language.
    config.mdx_configs.setdefault(BLOCKS, {})["lang"] = settings.lang
    if settings.lang != settings.default_language:
        # One 404 page for the whole site, the default edition's: another edition's would overwrite it.
        config.theme.static_templates.discard("404.html")
    _run = EditionRun(settings)


@event_priority(-110)
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Make the default edition's untranslated pages linkable (not built) from this edition's pages and menu."""
    if _run is None:
        return files
    settings = _run.settings
    docs = Path(config.docs_dir)
    for path in sorted(docs.rglob("*.md")):
        original, lang = editions.source_language(path.relative_to(docs).as_posix(), settings.languages)
        if split_url(url_of_page(original))[0]:
            raise PluginError(
                f"docs/{path.relative_to(docs).as_posix()}: its address starts with a two-letter folder, which is "
                "where a language edition is published (es/). Rename it with a longer name."
            )
        _run.translated.setdefault(original, set()).add(lang)
    if settings.lang == settings.default_language:
        return files
    for original, langs in sorted(_run.translated.items()):
        if settings.lang in langs or settings.default_language not in langs:
            continue
        if original in settings.omit_pages:
            _run.omitted.add(original)
        else:
            _run.linked_out[url_of_page(original)] = settings.default_language
        files.append(
            File(
                original, config.docs_dir, config.site_dir, config.use_directory_urls, inclusion=InclusionLevel.EXCLUDED
            )
        )
    return files


@event_priority(-110)
def on_nav(nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
    """Leave the pages this edition omits out of its menu and its previous / next links."""
    if _run is None or not _run.omitted:
        return nav
    nav.items = _without(nav.items, _run.omitted)
    nav.pages = [page for page in nav.pages if page.file.src_uri not in _run.omitted]
    # MkDocs linked each page to its neighbours before this event: link them again, so that no footer's
    # "next" leads to an omitted page.
    for before, after in zip([None, *nav.pages], [*nav.pages, None], strict=True):
        if before is not None:
            before.next_page = after
        if after is not None:
            after.previous_page = before
    return nav


def _without(items: list[Any], omitted: set[str]) -> list[Any]:
    """Return menu items without the omitted pages, and without sections left empty."""
    kept = []
    for item in items:
        if isinstance(item, Section):
            item.children = _without(item.children, omitted)
            if not item.children:
                continue
        elif getattr(item, "file", None) is not None and item.file.src_uri in omitted:
            continue
        kept.append(item)
    return kept


# After mkdocs-static-i18n (50), which points the switcher at the page's alternates with relative links.
@event_priority(0)
def on_page_context(context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    """Give the language switcher the same page in each edition, or that edition's home page."""
    if _run is None or len(_run.settings.languages) < 2:
        return context
    settings = _run.settings
    original, _lang = editions.source_language(page.file.src_uri, settings.languages, settings.default_language)
    written_in = _run.translated.get(original, {settings.default_language})
    base = url_of_page(original)
    switcher = []
    for lang in settings.languages:
        own = editions.prefix(lang, settings.default_language) + base
        url = own if lang in written_in and original not in _omitted(settings, lang) else None
        home = editions.prefix(lang, settings.default_language)
        # Site-relative: the template's `url` filter makes it relative to the page.
        switcher.append(
            {"name": NAMES.get(lang, lang), "link": (url if url is not None else home) or "./", "lang": lang}
        )
    context["pg_switcher"] = switcher
    _hide_head_alternates(config)
    return context


def _emergency_urls(config: MkDocsConfig, settings: Settings) -> dict[str, str]:
    """Return where each edition's emergency banner leads (``extra.emergency_url`` of its i18n settings)."""
    urls = {settings.default_language: settings.emergency_url}
    i18n = config.plugins.get("i18n")
    for language in getattr(getattr(i18n, "config", None), "languages", None) or []:
        url = (language.get("extra") or {}).get("emergency_url")
        if url and language.get("locale") != settings.default_language:
            urls[str(language.get("locale"))] = str(url)
    return urls


def _hide_head_alternates(config: MkDocsConfig) -> None:
    """Keep Material's switcher (``extra.alternate`` set) without its ``<link rel="alternate">`` to edition roots.

    Those links would say that each page's alternate is the other edition's home page; and Material's
    script requests a sitemap.xml beside every such link. The page's real alternates, with absolute
    addresses and ``x-default``, are in the sitemap (``overrides/sitemap.xml``); the switcher lists
    ``pg_switcher`` (``overrides/partials/alternate.html``).
    """
    config.extra["alternate"] = True
    config.extra.alternate = True  # type: ignore[attr-defined]  # mkdocs-static-i18n sets the attribute


def _omitted(settings: Settings, lang: str) -> tuple[str, ...]:
    """Return the pages an edition leaves out (the default edition leaves out none)."""
    return () if lang == settings.default_language else settings.omit_pages


# Before the emergency guard (-100), which checks the page as the reader gets it.
@event_priority(-90)
def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    """Mark the links into another edition with that edition's language."""
    if _run is None or not _run.linked_out:
        return output
    return editions.mark_other_edition_links(output, page_url=page.url, lang=_run.settings.lang, other=_run.linked_out)
