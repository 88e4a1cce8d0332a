"""Finish each printed PDF: links that lead somewhere, artifacts for untagged content, XMP metadata.

Chromium's tagged PDFs leave three things for readers to trip on. Links of a page printed from the
local server point at that server (``http://127.0.0.1:<port>/…``); :func:`finish_pdf` points them at
``site_url``. Content outside the structure tree (the running headers and footers of ``@page`` margin
boxes, rules and borders) is unmarked, so screen readers read it as body text; it is marked
``/Artifact`` here. And there is no XMP metadata: the title and language are added. pikepdf rewrites
the page content streams and keeps every other object, the structure tree included.
:func:`check_pdf_links` is the release check's view of the same links.
"""

from __future__ import annotations

import ipaddress
import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

#: Operators that paint text, paths, images and shadings; outside marked content they become artifacts.
TEXT_SHOW = frozenset({"Tj", "TJ", "'", '"'})
PATH_BUILD = frozenset({"m", "l", "c", "v", "y", "h", "re"})
PATH_PAINT = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"})
PAINT_OTHER = frozenset({"Do", "sh"})
#: Link schemes that lead somewhere without the site: a phone call, an e-mail.
DIAL_SCHEMES = ("tel:", "mailto:")


def mark_artifacts(operations: list[tuple[list[Any], Any]]) -> tuple[list[tuple[list[Any], Any]], int]:
    """Return a content stream with every painting operation outside marked content wrapped as ``/Artifact``.

    A text object with no marked content inside is wrapped whole; a text-showing operator that sits
    between tagged ones in a text object is wrapped alone; a path is wrapped from its first
    construction operator to the operator that paints it (a clipping path, ended by ``n``, paints
    nothing and is left as it is). Returns the operations and how many artifacts were added.
    """
    import pikepdf

    def begin() -> tuple[list[Any], Any]:
        return ([pikepdf.Name.Artifact], pikepdf.Operator("BMC"))

    def end() -> tuple[list[Any], Any]:
        return ([], pikepdf.Operator("EMC"))

    names = [str(operator) for _, operator in operations]
    out: list[tuple[list[Any], Any]] = []
    depth = added = i = 0
    while i < len(operations):
        name = names[i]
        if depth > 0 or name in ("BMC", "BDC", "EMC"):
            depth += 1 if name in ("BMC", "BDC") else -1 if name == "EMC" else 0
            out.append(operations[i])
            i += 1
            continue
        if name == "BT":
            close = next((j for j in range(i, len(names)) if names[j] == "ET"), len(names) - 1)
            if not any(n in ("BMC", "BDC") for n in names[i : close + 1]):
                out += [begin(), *operations[i : close + 1], end()]
                added += 1
                i = close + 1
                continue
        elif name in PATH_BUILD:
            paint = next((j for j in range(i, len(names)) if names[j] not in PATH_BUILD), len(names) - 1)
            if names[paint] in PATH_PAINT:
                out += [begin(), *operations[i : paint + 1], end()]
                added += 1
                i = paint + 1
                continue
            out += operations[i:paint]
            i = paint
            continue
        elif name in TEXT_SHOW or name in PAINT_OTHER:
            out += [begin(), operations[i], end()]
            added += 1
            i += 1
            continue
        out.append(operations[i])
        i += 1
    return out, added


def public_url(uri: str, *, served: str, site_url: str) -> str:
    """Return a link of a page printed from ``served`` (the local server) as the same address under ``site_url``."""
    if served and site_url and uri.startswith(served):
        return site_url.rstrip("/") + "/" + uri[len(served) :].lstrip("/")
    return uri


def _link_actions(pdf: Any) -> Iterator[tuple[int, Any]]:
    """Yield (page number, action dictionary) of every URI link annotation of a pikepdf document."""
    for number, page in enumerate(pdf.pages, start=1):
        for annotation in page.obj.get("/Annots", []):
            action = annotation.get("/A")
            if annotation.get("/Subtype") == "/Link" and action is not None and action.get("/S") == "/URI":
                yield number, action


def finish_pdf(path: Path, *, title: str, lang: str, subject: str, served: str, site_url: str) -> int:
    """Rewrite a printed PDF in place: public links, artifacts, XMP and document metadata; return the artifacts."""
    import pikepdf

    added = 0
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        for page in pdf.pages:
            stream: list[Any] = list(pikepdf.parse_content_stream(page))
            operations, count = mark_artifacts(stream)
            if count:
                page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(operations))
                added += count
        for _number, action in _link_actions(pdf):
            uri = str(action.get("/URI"))
            fixed = public_url(uri, served=served, site_url=site_url)
            if fixed != uri:
                action.URI = pikepdf.String(fixed)
        title = title or str(pdf.docinfo.get("/Title", ""))
        if subject:
            pdf.docinfo["/Subject"] = subject
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            if title:
                meta["dc:title"] = title
            if subject:
                meta["dc:description"] = subject
            meta["dc:language"] = [lang]
        if "/Lang" not in pdf.Root:
            pdf.Root.Lang = pikepdf.String(lang)
        pdf.save(path)
    return added


@dataclass(frozen=True)
class LinkProblem:
    """A link of a PDF that leads nowhere a reader can follow."""

    pdf: str
    page: int
    uri: str
    why: str

    def __str__(self) -> str:
        """Return the problem as one line naming the PDF, the page and the address."""
        return f"{self.pdf}, page {self.page}: the link {self.uri} {self.why}."


def pdf_links(path: Path) -> list[tuple[int, str]]:
    """Return (page number, address) of every URI link in a PDF."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        return [(number, str(action.get("/URI"))) for number, action in _link_actions(pdf)]


def check_pdf_links(links: Iterable[tuple[int, str]], *, pdf: str, site: Path, site_url: str) -> list[LinkProblem]:
    """Return a problem for each link that is not a tel:/mailto: link, a page of the build, or a public address.

    A link under ``site_url`` must lead to a file or page of ``site``; a link to a loopback, private
    or link-local address, or to ``localhost``, can only have come from the machine that printed it.
    """
    problems = []
    base = urlsplit(site_url) if site_url else None
    for number, uri in links:
        if uri.lower().startswith(DIAL_SCHEMES):
            continue
        target = urlsplit(uri)
        if target.scheme not in ("http", "https") or not target.hostname:
            problems.append(LinkProblem(pdf, number, uri, "is not a web address, a tel: or a mailto: link"))
            continue
        if _local_host(target.hostname):
            problems.append(
                LinkProblem(pdf, number, uri, "points at the machine that printed the PDF, not at site_url")
            )
            continue
        if base is not None and target.netloc == base.netloc and target.path.startswith(base.path):
            relative = unquote(target.path[len(base.path) :])
            if not _built(site, relative):
                problems.append(LinkProblem(pdf, number, uri, "leads to no page of the build"))
    return problems


def _local_host(host: str) -> bool:
    """Return whether a host name is this machine or a private network's."""
    if host == "localhost" or host.endswith((".localhost", ".local", ".invalid", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local or address.is_unspecified


def _built(site: Path, relative: str) -> bool:
    """Return whether a site-relative path names a file or a page (folder with index.html) of the build."""
    clean = posixpath.normpath("/" + relative).lstrip("/")
    if clean.startswith(".."):
        return False
    target = site / clean if clean else site
    return target.is_file() or (target / "index.html").is_file()
