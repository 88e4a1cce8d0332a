"""MkDocs hook: the guide with no network: the service worker, each edition's offline page, manifest and icons.

A thin adapter over :mod:`ivig_guide.offline`. Each edition's build renders its offline page
(``overrides/offline.html``, with the context of the edition's home page) and writes its web app
manifest; the default edition's build, which ends after the others (mkdocs-static-i18n builds them from
its own ``on_post_build``), writes the icons and ``sw.js``, which precaches the emergency pages of every
edition and the files they load, read from the built pages.

The offline folder (``mkdocs.offline.yml``, ``extra.offline_copy: true``) is opened from ``file://``,
where no service worker or manifest works: this hook writes none of them there.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from ivig_guide import offline
from ivig_guide.addresses import output_path, split_source
from ivig_guide.errors import GuideError
from ivig_guide.lock import Lock, read_lock
from ivig_guide.settings import Settings, settings_of_build

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.offline_worker")
TEMPLATE = "offline.html"


class OfflineRun:
    """One language build's offline files: made anew in ``on_pre_build``."""

    def __init__(self, settings: Settings, lock: Lock, *, offline_copy: bool) -> None:
        """Hold this build's settings and the approved lock, and whether it builds the offline folder."""
        self.settings = settings
        self.lock = lock
        self.offline_copy = offline_copy
        self.env: jinja2.Environment | None = None
        self.offline_page = False


_runs: list[OfflineRun] = []


def _is_offline_copy(config: MkDocsConfig) -> bool:
    return bool(config.extra.get("offline_copy"))


# After mkdocs-static-i18n (-100) has set this edition's language.
@event_priority(-110)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Tell the templates where this edition's manifest is, and whether this is the offline folder."""
    try:
        settings = settings_of_build(config, config.config_file_path)
    except GuideError as error:
        raise PluginError(f"Offline: {error}") from None
    config.extra["offline_copy"] = _is_offline_copy(config)
    config.extra["pg_manifest"] = settings.prefix + offline.MANIFEST
    return config


def on_pre_build(config: MkDocsConfig) -> None:
    """Start this language build's record (mkdocs-static-i18n changes the configuration for each edition)."""
    try:
        settings = settings_of_build(config, config.config_file_path)
        lock = read_lock(settings.lock_path)
    except GuideError as error:
        raise PluginError(f"Offline: {error}") from None
    _runs.append(OfflineRun(settings, lock, offline_copy=_is_offline_copy(config)))


def on_env(env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> None:
    """Keep the environment the pages are rendered with."""
    if _runs:
        _runs[-1].env = env


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Link the offline folder's zip where a page asks for it (the About page), in builds that publish it."""
    if not _runs:
        return markdown
    run = _runs[-1]
    published = run.settings.handouts and not run.offline_copy
    return offline.render_download(markdown, lang=run.settings.lang, page_url=page.url, published=published)


def on_page_context(context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    """Render the offline page with the home page's context, beside the home page, while that context holds.

    mkdocs-static-i18n changes the configuration for each edition it builds afterwards, so the page is
    rendered here, not at the end of the build.
    """
    if not _runs or _runs[-1].offline_copy or split_source(page.file.src_uri)[1] != "index.md":
        return context
    run = _runs[-1]
    titles = {str(item.url): str(item.title) for item in nav.pages}
    _write_offline_page(run, Path(config.site_dir), context, titles)
    return context


# After mkdocs-static-i18n (-100) has built the other editions, before the Content-Security-Policy (-1000).
@event_priority(-900)
def on_post_build(*, config: MkDocsConfig) -> None:
    """Write this edition's offline page and manifest; in the default edition also the icons and sw.js.

    In the offline folder, make every link to a folder a link to its page instead, and leave out the
    404 page (``file://`` never shows it, and its links are absolute).
    """
    if not _runs:
        return
    run = _runs.pop()
    if run.offline_copy:
        _finish_offline_folder(run.settings, Path(config.site_dir))
        return
    site = Path(config.site_dir)
    settings = run.settings
    if not run.offline_page:
        raise PluginError(f"Offline: the '{settings.lang}' edition has no home page to render the offline page with.")
    try:
        first_aid = offline.first_aid_url(run.lock, settings.lang)
        _write(
            site / (settings.prefix + offline.MANIFEST), offline.manifest(settings, settings.lang, first_aid=first_aid)
        )
        if settings.prefix:
            return
        for path, content in offline.icons().items():
            _write(site / path, content)
        precache = _precache(site, run)
        contents = [(site / output_path(path)).read_bytes() for path in precache]
        script = offline.worker_script(
            lock_hash=offline.lock_digest(settings.lock_path),
            precache=precache,
            contents=contents,
            optional=offline.card_pdfs(settings),
            settings=settings,
        )
    except (GuideError, OSError) as error:
        raise PluginError(f"Offline: {error}") from None
    _write(site / offline.WORKER, script)
    log.info("Offline: %s precaches %d files (emergency pages of every edition)", offline.WORKER, len(precache))


def _finish_offline_folder(settings: Settings, site: Path) -> None:
    # Each edition's build covers its own pages: the default one the site minus the others' folders.
    edition = settings.prefix.rstrip("/")
    others = tuple(lang for lang in settings.languages if lang != settings.lang)
    (site / settings.prefix / "404.html").unlink(missing_ok=True)
    changed = offline.file_links_in_folder(site, within=edition, skip=() if edition else others)
    if not edition:
        # Material's offline plugin inlines the search index before mkdocs-static-i18n has added the other
        # editions to it: inline the whole index again.
        offline.inline_search_index(site)
    log.info(
        "Offline folder: links to folders now lead to pages in %d pages of the '%s' edition", changed, settings.lang
    )


def _write_offline_page(run: OfflineRun, site: Path, home: dict[str, Any], titles: dict[str, str]) -> None:
    settings = run.settings
    if run.env is None:
        raise PluginError("Offline: the offline page was asked for before the theme was loaded.")
    words = offline.strings(settings.lang)
    context = {
        **home,
        "pg_offline": {
            "title": words["title"],
            "body": words["body"],
            "saved": words["saved"],
            "links": offline.saved_links(run.lock, settings.lang, titles),
        },
    }
    try:
        template = run.env.get_template(TEMPLATE)
    except jinja2.TemplateNotFound:
        raise PluginError(f"Offline: the template overrides/{TEMPLATE} is missing; restore it from git.") from None
    _write(site / (settings.prefix + offline.OFFLINE_PAGE), template.render(**context))
    run.offline_page = True


def _precache(site: Path, run: OfflineRun) -> list[str]:
    """Return what the worker saves at once: every edition's emergency and offline pages, and what they load."""
    settings = run.settings
    pages = offline.emergency_pages(run.lock, settings)
    pages += [settings.edition_prefix(lang) + offline.OFFLINE_PAGE for lang in offline.edition_languages(settings)]
    files: list[str] = []
    for url in pages:
        path = site / output_path(url)
        if not path.is_file():
            raise PluginError(f"Offline: {output_path(url)} was not built, so the service worker cannot save it.")
        files.append(url)
        files += offline.page_assets(path.read_text(encoding="utf-8"), url)
    files += [settings.edition_prefix(lang) + offline.MANIFEST for lang in offline.edition_languages(settings)]
    files += list(offline.icons())
    missing = [path for path in files if not (site / output_path(path)).is_file()]
    if missing:
        raise PluginError(f"Offline: the emergency pages load files that were not built: {', '.join(missing)}")
    return list(dict.fromkeys(files))


def _write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
