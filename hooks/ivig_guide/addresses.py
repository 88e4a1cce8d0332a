"""The guide's addresses: where each page, embed page, fragment and handout of a Markdown page is published.

Every output names its files from the page's Markdown path (``src_uri``, e.g. ``maintainers/editing.md``)
through these functions, so ``.md`` is stripped in one way only.
"""

from __future__ import annotations

import posixpath
from urllib.parse import urljoin, urlsplit

EMBED_DIR = "embed"
FRAGMENT_DIR = f"{EMBED_DIR}/fragments"


def page_stem(src_uri: str) -> str:
    """Return a Markdown page's path without ``.md`` ('a/b.md' → 'a/b')."""
    return src_uri.removesuffix(".md")


def embed_url(page_url: str) -> str:
    """Return the site-relative URL of a page's embed ('' → 'embed/', 'uses/' → 'embed/uses/')."""
    return f"{EMBED_DIR}/{page_url}"


def fragment_path(src_uri: str) -> str:
    """Return the site-relative path of a page's fragment ('uses.md' → 'embed/fragments/uses.html')."""
    return f"{FRAGMENT_DIR}/{page_stem(src_uri)}.html"


def url_of_page(src_uri: str) -> str:
    """Return the site-relative URL MkDocs gives a Markdown page ('index.md' → '', 'a/b.md' → 'a/b/')."""
    stem = page_stem(src_uri)
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def page_of_fragment(path: str) -> str:
    """Return the Markdown page a fragment was made from ('embed/fragments/uses.html' → 'uses.md')."""
    stem = path.removeprefix(f"{FRAGMENT_DIR}/")
    return (stem[: -len(".html")] if stem.endswith(".html") else stem) + ".md"


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
