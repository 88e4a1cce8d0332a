"""The guide's addresses: where each page, embed page, fragment and handout of a Markdown page is published.

Every output names its files from the page's Markdown path (``src_uri``, e.g. ``maintainers/editing.md``)
through these functions, so ``.md`` is stripped in one way only.

Each language edition other than the default one is published under its own folder, named by its two-letter
language code (``es/``), and its pages are written ``<page>.<lang>.md`` (mkdocs-static-i18n's suffix layout):
``anaphylaxis.es.md`` is published at ``es/anaphylaxis/``, its embed at ``es/embed/anaphylaxis/`` and its
fragment at ``es/embed/fragments/anaphylaxis.html``. A page of the default edition is therefore never named
with two letters alone at the top of docs/ (``hooks/languages.py`` refuses one).
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import urljoin, urlsplit

EMBED_DIR = "embed"
FRAGMENT_DIR = f"{EMBED_DIR}/fragments"
#: The folder of a language edition: a two-letter language code (ISO 639-1).
EDITION = re.compile(r"^[a-z]{2}$")


def page_stem(src_uri: str) -> str:
    """Return a Markdown page's path without ``.md`` ('a/b.md' → 'a/b')."""
    return src_uri.removesuffix(".md")


def split_source(src_uri: str) -> tuple[str, str]:
    """Return (edition language or '', path in the default edition) of a page ('a.es.md' → ('es', 'a.md'))."""
    stem, dot, lang = page_stem(src_uri).rpartition(".")
    if dot and EDITION.match(lang) and "/" not in lang:
        return lang, f"{stem}.md"
    return "", src_uri


def split_url(url: str) -> tuple[str, str]:
    """Return (edition folder or '', the rest) of a site-relative URL ('es/uses/' → ('es/', 'uses/'))."""
    first, slash, rest = url.partition("/")
    if slash and EDITION.match(first):
        return f"{first}/", rest
    return "", url


def embed_url(page_url: str) -> str:
    """Return the site-relative URL of a page's embed ('' → 'embed/', 'uses/' → 'embed/uses/', 'es/' → 'es/embed/')."""
    edition, rest = split_url(page_url)
    return f"{edition}{EMBED_DIR}/{rest}"


def fragment_path(src_uri: str) -> str:
    """Return the site-relative path of a page's fragment ('uses.es.md' → 'es/embed/fragments/uses.html')."""
    lang, original = split_source(src_uri)
    edition = f"{lang}/" if lang else ""
    return f"{edition}{FRAGMENT_DIR}/{page_stem(original)}.html"


def url_of_page(src_uri: str) -> str:
    """Return the site-relative URL MkDocs gives a page ('index.md' → '', 'a/b.md' → 'a/b/', 'a.es.md' → 'es/a/')."""
    lang, original = split_source(src_uri)
    edition = f"{lang}/" if lang else ""
    stem = page_stem(original)
    if stem == "index" or stem.endswith("/index"):
        return edition + stem.removesuffix("index")
    return f"{edition}{stem}/"


def page_of_fragment(path: str) -> str:
    """Return the Markdown page a fragment was made from ('es/embed/fragments/uses.html' → 'uses.es.md')."""
    edition, rest = split_url(path)
    stem = rest.removeprefix(f"{FRAGMENT_DIR}/")
    stem = stem[: -len(".html")] if stem.endswith(".html") else stem
    return f"{stem}.{edition.rstrip('/')}.md" if edition else f"{stem}.md"


def output_path(url: str) -> str:
    """Return the file that serves a site-relative URL ('embed/uses/' → 'embed/uses/index.html')."""
    return f"{url}index.html" if url == "" or url.endswith("/") else url


def relative_url(target: str, page_url: str) -> str:
    """Return the site-relative ``target`` (with any query and fragment) as a link from the page at ``page_url``."""
    parts = urlsplit(target)
    start = "/" + posixpath.dirname(output_path(page_url))
    path = posixpath.relpath("/" + parts.path, start)
    if parts.path.endswith("/") or parts.path == "":
        path = "./" if path == "." else path + "/"
    return path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def site_target(value: str, page_url: str) -> str | None:
    """Return the site-relative target of a relative link on the page at ``page_url``; None if it leaves the site."""
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or value.startswith("/"):
        return None
    resolved = urlsplit(urljoin("http://site.invalid/" + page_url, value))
    target = resolved.path.removeprefix("/")
    return (
        target
        + (f"?{resolved.query}" if resolved.query else "")
        + (f"#{resolved.fragment}" if resolved.fragment else "")
    )
