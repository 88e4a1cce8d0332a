"""The pages whose first 14 KB must show the emergency content, read from the lock and mkdocs.yml."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from conftest import LOCK, ROOT, SETTINGS

from ivig_guide.settings import load_config_file

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Route

#: Material's stylesheets and scripts, the guide's bundle and scripts: everything a page loads after its HTML.
LATE_FILES = (
    "**/assets/stylesheets/main.*.min.css",
    "**/assets/stylesheets/palette.*.min.css",
    "**/assets/stylesheets/guide.bundle.css",
    "**/assets/javascripts/*.js",
)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def _page_url(page: str) -> str:
    """Return a page's site-relative URL from its source path ('anaphylaxis.es.md' → 'anaphylaxis/')."""
    stem = page.removesuffix(".md")
    for lang in SETTINGS.languages:
        stem = stem.removesuffix(f".{lang}")
    return "" if stem == "index" else stem.removesuffix("/index") + "/"


def _banner_targets() -> dict[str, str]:
    """Return, for each edition, the page its emergency banner links to (extra.emergency_url, per language)."""
    targets = dict.fromkeys(SETTINGS.languages, SETTINGS.emergency_url)
    config: dict[str, Any] = load_config_file(ROOT / "mkdocs.yml")
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and "i18n" in plugin:
            for language in plugin["i18n"].get("languages") or []:
                url = (language.get("extra") or {}).get("emergency_url")
                if url:
                    targets[language["locale"]] = url
    return targets


def _first_paint_pages() -> Iterator[str]:
    for lang in SETTINGS.languages:
        prefix = SETTINGS.edition_prefix(lang)
        for entry in LOCK.in_language(lang):
            yield prefix + _page_url(entry.page)
    yield from _banner_targets().values()


#: Every page with a guarded section, in every language, and the page each edition's banner links to.
FIRST_PAINT_PAGES = sorted(set(_first_paint_pages()))


def page_language(url: str) -> str:
    """Return the edition a site-relative URL belongs to ('es/anaphylaxis/' → 'es')."""
    first = url.split("/", 1)[0]
    return first if first in SETTINGS.languages and first != SETTINGS.default_language else SETTINGS.default_language


class HeldBack:
    """The late files of one browser context, kept waiting until :meth:`release` lets them (and later ones) through."""

    def __init__(self, context: BrowserContext) -> None:
        """Start holding back every late file that ``context`` requests."""
        self.waiting: list[Route] = []
        self.released = False
        for pattern in LATE_FILES:
            context.route(pattern, self._route)

    def _route(self, route: Route) -> None:
        if self.released:
            route.continue_()
        else:
            self.waiting.append(route)

    def release(self) -> None:
        """Let every waiting file, and any asked for from now on, load."""
        self.released = True
        for route in self.waiting:
            route.continue_()
        self.waiting.clear()
