"""MkDocs hook: write every page again for patient portals, as an embed page and an HTML fragment.

A thin adapter over :mod:`ivig_guide.embed`. It keeps each page's template context
(``on_page_context``), renders ``overrides/embed.html`` with it once the page is final
(``on_post_page``), and writes ``embed/<page url>/index.html`` and
``embed/fragments/<page>.html``. Before writing, the emergency guard's checks run over both,
and both must hold the page's emergency sections unchanged: any finding raises ``PluginError``.

It also fills in ``{{ site_url }}`` and ``{{ site_origin }}`` in the Markdown of the pages (the
embedding page shows the snippet for the address the guide is published at).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import jinja2
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from ivig_guide import embed, fragment_css
from ivig_guide.addresses import EMBED_DIR, embed_url, fragment_path, output_path
from ivig_guide.errors import GuideError
from ivig_guide.lock import Lock
from ivig_guide.rules import format_findings
from ivig_guide.sections import page_language
from ivig_guide.settings import Settings, guard_lock, settings_of_build

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.embed_pages")
TEMPLATE = "embed.html"


class EmbedRun:
    """One build's embeds: made anew in ``on_pre_build``, so ``serve`` starts clean each time."""

    def __init__(self, lock: Lock | None, settings: Settings) -> None:
        """Hold the lock (None while approving new wording) and the settings of this language's build."""
        self.lock = lock
        self.settings = settings
        self.number = settings.number
        self.lang = settings.lang
        self.env: jinja2.Environment | None = None
        self.page_urls: set[str] = set()
        self.contexts: dict[str, dict[str, Any]] = {}
        self.css: dict[tuple[str, ...], tuple[fragment_css.Rule, ...]] = {}
        self.written = 0


_run: EmbedRun | None = None


def on_pre_build(config: MkDocsConfig) -> None:
    """Start this build's record; load the approved lock unless new wording is being approved."""
    global _run
    if not config.site_url:
        raise PluginError("mkdocs.yml: site_url must be set: embed fragments and the embedding page need it.")
    try:
        settings = settings_of_build(config, config.config_file_path)
        lock = guard_lock(settings)
    except GuideError as error:
        raise PluginError(f"Embed pages: {error}") from None
    _run = EmbedRun(lock, settings)


# After mkdocs-static-i18n (-100), which gives each edition's pages their addresses (es/uses/).
@event_priority(-110)
def on_files(files: Files, *, config: MkDocsConfig) -> None:
    """Note the address of every page, so that links between pages can stay inside the embeds."""
    if _run is not None:
        _run.page_urls = {file.url for file in files.documentation_pages()}


def on_env(env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> None:
    """Keep the environment the pages are rendered with, to render their embeds the same way."""
    if _run is not None:
        _run.env = env


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Fill in the guide's published address where a page asks for it."""
    if "{{ site_" not in markdown:
        return markdown
    site_url = config.site_url or ""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(site_url))
    return markdown.replace("{{ site_url }}", site_url).replace("{{ site_origin }}", origin)


def on_page_context(context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    """Keep the page's template context for its embed."""
    if _run is not None:
        _run.contexts[page.file.src_uri] = context
    return context


# After the emergency guard (-100): a broken page is reported as the page, before its embed.
@event_priority(-110)
def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    """Render, check and write the page's embed and fragment; raise before writing if the guard finds anything."""
    if _run is None or _run.env is None:
        return output
    context = _run.contexts.pop(page.file.src_uri, None)
    if context is None:
        return output
    try:
        template = _run.env.get_template(TEMPLATE)
    except jinja2.TemplateNotFound:
        raise PluginError(
            f"Embed pages: the template overrides/{TEMPLATE} is missing. Restore it from git: it renders the "
            "pages for patient portals."
        ) from None
    rendered = template.render(**context)
    variant = embed.rewrite_embed(rendered, page_url=page.url, page_urls=_run.page_urls)
    try:
        fragment = embed.render_fragment(
            variant, page_url=page.url, site_url=config.site_url or "", css=_css(variant, page.url, config)
        )
    except embed.EmbedError as error:
        raise PluginError(f"Embed pages: {page.file.src_uri}: {error}") from None
    lang = page_language(output, _run.lang)
    main_sections = embed.sections_of(output)
    outputs = {
        output_path(embed_url(page.url)): variant,
        fragment_path(page.file.src_uri): fragment,
    }
    findings = [
        finding
        for where, html in outputs.items()
        for finding in embed.check_variant(
            html,
            page=page.file.src_uri,
            where=where,
            main_sections=main_sections,
            lock=_run.lock,
            number=_run.number,
            lang=lang,
            source=page.file.content_string,
        )
    ]
    if findings:
        raise PluginError(format_findings(findings))
    for where, html in outputs.items():
        target = Path(config.site_dir) / where
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    _run.written += 1
    return output


def _css(variant: str, page_url: str, config: MkDocsConfig) -> tuple[fragment_css.Rule, ...]:
    """Return the scoped rules of the stylesheets an embed page links, read from the built folder."""
    assert _run is not None
    hrefs = embed.stylesheets_of(variant, page_url)
    if hrefs not in _run.css:
        site = Path(config.site_dir)
        texts = []
        for path in hrefs:
            try:
                texts.append((site / path).read_text(encoding="utf-8"))
            except OSError as error:
                raise PluginError(
                    f"Embed pages: cannot read the stylesheet {path} for the fragments: {error}"
                ) from None
        _run.css[hrefs] = fragment_css.scope_css("\n".join(texts))
    return _run.css[hrefs]


def on_post_build(*, config: MkDocsConfig) -> None:
    """Say how many pages got an embed and a fragment."""
    if _run is not None:
        log.info(
            "Embed pages: %d pages written as embed pages and fragments under %s%s/",
            _run.written,
            _run.settings.prefix,
            EMBED_DIR,
        )
