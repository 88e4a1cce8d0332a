"""Content-Security-Policy for the built site, written into each page as a ``<meta http-equiv>`` tag.

GitHub Pages cannot send headers, so each HTML document carries its own policy, placed at the top of
``<head>`` before any script or stylesheet. The policy allows only what the site itself uses: its own
files, the inline scripts actually present in that document (by their SHA-256 hash, never
``'unsafe-inline'``), ``data:`` images (Material's icons are CSS masks with ``data:`` SVGs), the
search index (``connect-src``), Material's search worker and the guide's service worker
(``worker-src``) and the web app manifest (``manifest-src``). Everything else, any other host included,
falls to ``default-src 'none'``.

Left out on purpose:

- ``frame-ancestors``, ``report-uri`` and ``sandbox`` are ignored in a ``<meta>`` policy;
- ``upgrade-insecure-requests``: the site makes no insecure request to upgrade (every URL it loads is
  relative), and on a plain-http loopback server (tests, previews) the browser would rewrite the
  site's own requests to https and break them;

Inline event handlers (``onclick=``) and ``javascript:`` URLs cannot be allowed by hash without
``'unsafe-hashes'`` for scripts, so they are reported as findings instead: move the code to a file.
Style attributes are allowed by hash with ``'unsafe-hashes'`` (they cannot run code), ``<style>``
blocks by hash.

Works on strings and folders; knows nothing of MkDocs.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import lxml.html

from ivig_guide.html_query import attributes, elements
from ivig_guide.rules import Rule

#: The directives every page gets; script-src and style-src gain the hashes of that page's inline code.
BASE_POLICY: dict[str, tuple[str, ...]] = {
    "default-src": ("'none'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'", "data:"),
    "font-src": ("'self'",),
    "connect-src": ("'self'",),
    "worker-src": ("'self'",),
    "manifest-src": ("'self'",),
    "base-uri": ("'self'",),
    "form-action": ("'none'",),
    "object-src": ("'none'",),
}

#: ``type`` values of a ``<script>`` the browser runs (HTML's JavaScript MIME types, and modules).
#: Any other type (``application/json`` for Material's config) is a data block: never run, never hashed.
SCRIPT_TYPES = frozenset(
    {
        "",
        "module",
        "text/javascript",
        "application/javascript",
        "application/ecmascript",
        "application/x-ecmascript",
        "application/x-javascript",
        "text/ecmascript",
        "text/jscript",
        "text/livescript",
        "text/x-ecmascript",
        "text/x-javascript",
        "text/javascript1.0",
        "text/javascript1.1",
        "text/javascript1.2",
        "text/javascript1.3",
        "text/javascript1.4",
        "text/javascript1.5",
    }
)

#: Attributes that hold a URL the browser may navigate to or load.
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "data", "poster", "xlink:href"})


class CspError(ValueError):
    """A document the policy cannot be added to (no ``<head>``); the message names the file and the fix."""


@dataclass(frozen=True)
class Finding:
    """Inline code the policy would block: the file, the 1-based line, the rule and the fix."""

    file: str
    line: int
    rule: Rule  # Rule.INLINE_EVENT_HANDLER or Rule.JAVASCRIPT_URL
    message: str
    fix: str

    def __str__(self) -> str:
        """Return the finding as one actionable message."""
        return f"{self.file}:{self.line} [{self.rule}] {self.message}\n    Fix: {self.fix}"


@dataclass
class Inventory:
    """What a document holds that its policy must know about, and where to put the policy."""

    scripts: list[str] = field(default_factory=list)  # text of each inline script the browser runs
    styles: list[str] = field(default_factory=list)  # text of each <style> block
    style_attributes: list[str] = field(default_factory=list)  # value of each style="…" attribute
    blocked: list[tuple[int, Rule, str]] = field(default_factory=list)  # (line, rule, what) of unhashable code
    existing_policies: list[tuple[int, int]] = field(default_factory=list)  # spans of CSP <meta> tags in the head
    head_end_of_tag: int | None = None  # offset just after the <head …> start tag
    charset_end_of_tag: int | None = None  # offset just after <meta charset>, if it precedes any resource
    has_html: bool = False
    search_worker: str | None = None  # the search worker's URL in Material's configuration (``#__config``)

    @property
    def is_document(self) -> bool:
        """Whether this is a whole document (``<html>`` or ``<head>``), not a fragment for pasting."""
        return self.has_html or self.head_end_of_tag is not None


#: Start tags that can come before the body; any other one ends the scan of the head.
HEAD_TAGS = frozenset({"html", "head", "meta", "title", "link", "script", "style", "base", "noscript", "template"})


class _HeadScanner(HTMLParser):
    """Find, in the source text, where the head starts, the charset and any policy already there.

    Only this needs exact offsets in the source; it stops at the end of the head, so it reads a few
    kilobytes of each page, however long the page is.
    """

    def __init__(self, text: str, found: Inventory) -> None:
        super().__init__(convert_charrefs=True)
        self.found = found
        self.done = False
        self._line_starts = [0, *(match.end() for match in re.finditer("\n", text))]
        self._seen_resource = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done or tag not in HEAD_TAGS:
            self.done = True
            return
        values = {name: value or "" for name, value in attrs}
        line, column = self.getpos()
        start = self._line_starts[line - 1] + column
        end = start + len(self.get_starttag_text() or "")
        if tag == "html":
            self.found.has_html = True
        elif tag == "head" and self.found.head_end_of_tag is None:
            self.found.head_end_of_tag = end
        elif tag == "meta":
            if values.get("http-equiv", "").strip().lower() == "content-security-policy":
                self.found.existing_policies.append((start, end))
            elif "charset" in values and not self._seen_resource and self.found.charset_end_of_tag is None:
                self.found.charset_end_of_tag = end
        elif tag in ("script", "style", "link", "base"):
            self._seen_resource = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.done = True


def _scan_head(text: str, found: Inventory) -> None:
    scanner = _HeadScanner(text, found)
    for start in range(0, len(text), 8192):
        scanner.feed(text[start : start + 8192])
        if scanner.done:
            return
    scanner.close()


def _scan_content(text: str, found: Inventory) -> None:
    """Collect the inline code of the whole document with lxml (libxml2 2.14 reads script text as HTML5 does)."""
    if not text.strip():
        return
    root = lxml.html.document_fromstring(text)
    for script in elements(root, "//script[not(@src)]"):
        if (script.get("type") or "").strip().lower() in SCRIPT_TYPES:
            found.scripts.append(script.text or "")
    for config in elements(root, "//script[@id='__config']"):
        try:
            worker = json.loads(config.text or "{}").get("search")
        except (ValueError, AttributeError):
            worker = None
        found.search_worker = worker if isinstance(worker, str) else None
    found.styles += [style.text or "" for style in elements(root, "//style")]
    found.style_attributes += [attribute.value for attribute in attributes(root, "//@style")]
    for attribute in attributes(root, "//@*[starts-with(name(), 'on')]"):
        what = f'<{attribute.element.tag} {attribute.name}="…">'
        found.blocked.append((attribute.element.sourceline or 0, Rule.INLINE_EVENT_HANDLER, what))
    for attribute in attributes(root, "//@*[contains(translate(., 'JAVSCRIPT', 'javscript'), 'javascript:')]"):
        if attribute.name in URL_ATTRIBUTES and attribute.value.strip().lower().startswith("javascript:"):
            what = f'<{attribute.element.tag} {attribute.name}="{attribute.value[:40]}">'
            found.blocked.append((attribute.element.sourceline or 0, Rule.JAVASCRIPT_URL, what))
    found.blocked.sort()


def scan(text: str) -> Inventory:
    """Return what the HTML ``text`` holds that its policy must allow or cannot allow, and where the policy goes."""
    found = Inventory()
    _scan_head(text, found)
    _scan_content(text, found)
    return found


def hash_source(code: str) -> str:
    """Return the CSP source expression (``'sha256-…'``) that allows exactly this inline code.

    Browsers hash the element's text as parsed, in UTF-8, after turning CR LF and lone CR into LF.
    """
    normalized = code.replace("\r\n", "\n").replace("\r", "\n")
    digest = hashlib.sha256(normalized.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


#: The inline script the vendored iframe-worker 1.0.4 shim (overrides/assets/javascripts/vendor/iframe-worker/)
#: writes into its hidden frame for a worker at ``{url}``: its two helpers' source text, then an error handler.
#: The frame inherits the page's policy, so the page must allow this script by its hash.
IFRAME_WORKER_SCRIPT = (
    'postMessage=function c(s,n){parent.postMessage(s,n||"*")};'
    "importScripts=function d(...s){return s.reduce((n,e)=>n.then(()=>new Promise(r=>{let t="
    'document.createElement("script");t.src=e,t.onload=r,document.body.appendChild(t)})),Promise.resolve())};'
    'addEventListener("error",({error})=>{parent.dispatchEvent(new ErrorEvent("error",{filename:"{url}",error}))})'
)


def iframe_worker_script(worker_url: str) -> str:
    """Return the inline script the iframe-worker shim runs for a worker at ``worker_url``."""
    return IFRAME_WORKER_SCRIPT.replace("{url}", worker_url)


def build_policy(inventory: Inventory, *, inline_scripts: bool = False, iframe_worker: bool = False) -> str:
    """Return the policy for a document: the base policy plus the hashes of its own inline code.

    ``inline_scripts=True`` allows every inline script instead of hashing them: only for a live
    preview, whose server injects a new inline script into every page it sends. ``iframe_worker=True``
    (the offline folder, opened from ``file://``) also allows the script the iframe-worker shim writes
    for the page's search worker.
    """
    directives = {name: list(sources) for name, sources in BASE_POLICY.items()}
    if inline_scripts:
        directives["script-src"].append("'unsafe-inline'")
    else:
        directives["script-src"] += _unique(hash_source(code) for code in inventory.scripts)
        if iframe_worker and inventory.search_worker:
            directives["script-src"].append(hash_source(iframe_worker_script(inventory.search_worker)))
    directives["style-src"] += _unique(hash_source(code) for code in inventory.styles)
    if inventory.style_attributes:
        directives["style-src"] += ["'unsafe-hashes'"] + _unique(
            hash_source(code) for code in inventory.style_attributes
        )
    return "; ".join(" ".join([name, *_unique(sources)]) for name, sources in directives.items())


def policy_meta(policy: str) -> str:
    """Return the ``<meta http-equiv>`` tag that carries ``policy``."""
    content = html.escape(policy, quote=False).replace('"', "&quot;")  # keep the policy's quotes readable
    return f'<meta http-equiv="Content-Security-Policy" content="{content}">'


def _findings(found: Inventory, file: str) -> list[Finding]:
    return [
        Finding(
            file=file,
            line=line,
            rule=rule,
            message=f"{what}: the Content-Security-Policy blocks inline code here.",
            fix="move the code into a script file under overrides/assets/javascripts/ and attach it there.",
        )
        for line, rule, what in found.blocked
    ]


def check_inline_code(text: str, *, file: str = "<html>") -> list[Finding]:
    """Return the inline code in ``text`` that no hash can allow (event handlers, ``javascript:`` URLs)."""
    return _findings(scan(text), file)


def _with_policy(text: str, found: Inventory, *, file: str, inline_scripts: bool, iframe_worker: bool = False) -> str:
    if found.head_end_of_tag is None:
        raise CspError(f"{file}: has no <head>, so no Content-Security-Policy can be added; give it <html><head>.")
    at = found.charset_end_of_tag if found.charset_end_of_tag is not None else found.head_end_of_tag
    edits = [(start, end, "") for start, end in found.existing_policies]
    policy = build_policy(found, inline_scripts=inline_scripts, iframe_worker=iframe_worker)
    edits.append((at, at, policy_meta(policy)))
    # Apply from the end so earlier offsets stay valid; an insertion at the end of a removed span goes after it.
    for start, end, replacement in sorted(edits, key=lambda edit: (edit[0], edit[1]), reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def add_policy(text: str, *, file: str = "<html>", inline_scripts: bool = False) -> str:
    """Return the document ``text`` with exactly one CSP ``<meta>``, computed from its final content.

    The tag goes right after ``<meta charset>`` when that comes before any script or stylesheet
    (the charset must stay in the first 1,024 bytes), else right after ``<head>``. A policy already
    in the head is replaced, so running this twice gives the same document. Raises :class:`CspError`
    for a document without ``<head>``. ``inline_scripts`` is passed to :func:`build_policy`.
    """
    return _with_policy(text, scan(text), file=file, inline_scripts=inline_scripts)


def is_document(text: str) -> bool:
    """Return whether ``text`` is a whole HTML document (has ``<html>`` or ``<head>``), not a fragment."""
    found = Inventory()
    _scan_head(text, found)
    return found.is_document


@dataclass
class FolderResult:
    """What a pass over a folder did: documents given a policy, fragments left as they are, findings."""

    documents: list[Path] = field(default_factory=list)
    fragments: list[Path] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def add_policy_to_folder(
    folder: Path | str, *, inline_scripts: bool = False, skip: tuple[str, ...] = (), iframe_worker: bool = False
) -> FolderResult:
    """Add a policy to every HTML document under ``folder``, in place; report code the policies block.

    HTML fragments (no ``<html>``/``<head>``: content meant to be inserted into another page) are
    left untouched, since a ``<meta>`` policy only works in a document's head; they are still
    checked for blocked inline code. Nothing is written unless every document passed: with any
    finding the folder is left as it was and the findings are returned; a document without
    ``<head>`` raises :class:`CspError`. The folders named in ``skip`` (relative to ``folder``, such as
    another language edition's ``es``, which its own build covers) are left out. ``iframe_worker`` is
    passed to :func:`build_policy`.
    """
    root = Path(folder)
    result = FolderResult()
    updates: list[tuple[Path, str]] = []
    for path in sorted(root.rglob("*.html")):
        name = path.relative_to(root).as_posix()
        if name.split("/", 1)[0] in skip:
            continue
        text = path.read_text(encoding="utf-8")
        found = scan(text)
        result.findings += _findings(found, name)
        if not found.is_document:
            result.fragments.append(path)
            continue
        updated = _with_policy(text, found, file=name, inline_scripts=inline_scripts, iframe_worker=iframe_worker)
        if updated != text:
            updates.append((path, updated))
        result.documents.append(path)
    if not result.findings:
        for path, updated in updates:
            path.write_text(updated, encoding="utf-8")
    return result


def main(argv: list[str] | None = None) -> int:
    """Add policies to a built folder: ``python -m ivig_guide.csp site``."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(description="Add a Content-Security-Policy <meta> to every HTML document.")
    parser.add_argument("folder")
    options = parser.parse_args(argv)
    if not Path(options.folder).is_dir():
        parser.error(f"{options.folder} is not a folder")
    try:
        result = add_policy_to_folder(options.folder)
    except CspError as error:
        print(error, file=sys.stderr)
        return 1
    for finding in result.findings:
        print(finding, file=sys.stderr)
    if result.findings:
        print(f"{options.folder}: nothing was changed; fix the inline code above first.", file=sys.stderr)
        return 1
    print(f"Content-Security-Policy added to {len(result.documents)} documents ({len(result.fragments)} fragments)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
