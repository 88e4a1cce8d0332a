"""The guide with no network, as built: the service worker's settings, the manifests and icons, the offline pages,
the offline folder's configuration and its link check, and the vendored iframe-worker shim."""

from __future__ import annotations

import hashlib
import io
import json
import posixpath
import re
import struct
import zipfile
from pathlib import Path

import lxml.html
import pytest
from conftest import DOCS, EDITION_PAGES, LOCK, ROOT, SETTINGS, BuiltSite, edition_config, url_of
from PIL import Image

from ivig_guide import csp, offline
from ivig_guide.addresses import output_path, site_target, split_url, url_of_page
from ivig_guide.html_query import elements
from ivig_guide.settings import load_config_file

LANGUAGES = offline.edition_languages(SETTINGS)
SHIM = ROOT / "overrides" / "assets" / "javascripts" / "vendor" / "iframe-worker" / "shim.js"
SHIM_SHA256 = "e8e412dbcfea9b7e31b5ffa288d7b6035915e714c542f4176a0cdbe262fc9609"
EMERGENCY_URLS = sorted({url_of_page(entry.page) for entry in LOCK.entries.values()})


def _guide(site: BuiltSite) -> dict[str, object]:
    """Return the settings the build wrote at the top of sw.js."""
    text = (site.path / offline.WORKER).read_text(encoding="utf-8")
    match = re.match(r"const GUIDE = (\{.*?\});\n", text, re.S)
    assert match, "sw.js starts with its settings"
    data: dict[str, object] = json.loads(match.group(1))
    return data


def _doc(site: BuiltSite, url: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring((site.path / output_path(url)).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- the service worker


def test_worker_version_is_the_approved_locks_hash(built_site: BuiltSite) -> None:
    """Name the worker's version after the approved lock's SHA-256, so each approval is a new worker."""
    guide = _guide(built_site)
    digest = hashlib.sha256(SETTINGS.lock_path.read_bytes()).hexdigest()
    assert guide["lock"] == digest
    assert str(guide["version"]).startswith(digest[:16])


def test_worker_precaches_the_emergency_pages_of_every_edition(built_site: BuiltSite) -> None:
    """Save every page with approved sections, in every edition, and each edition's offline page, at once."""
    precache = _guide(built_site)["precache"]
    assert isinstance(precache, list)
    for url in EMERGENCY_URLS:
        assert url in precache, url
    for lang in LANGUAGES:
        assert SETTINGS.edition_prefix(lang) + offline.OFFLINE_PAGE in precache, lang
    assert {split_url(url)[0] for url in EMERGENCY_URLS} == {SETTINGS.edition_prefix(lang) for lang in LANGUAGES}
    missing = [path for path in precache if not (built_site.path / output_path(path)).is_file()]
    assert not missing, f"precached but not built: {missing}"


@pytest.mark.parametrize("url", EMERGENCY_URLS)
def test_worker_precaches_what_the_emergency_pages_load(built_site: BuiltSite, url: str) -> None:
    """Save every stylesheet, script and image an emergency page loads, so it looks the same offline."""
    precache = _guide(built_site)["precache"]
    assert isinstance(precache, list)
    root = _doc(built_site, url)
    loaded = [link.get("href") for link in elements(root, "//link[@rel='stylesheet']")]
    loaded += [script.get("src") for script in elements(root, "//script[@src]")]
    assert loaded, f"{url} loads no file?"
    for value in loaded:
        target = site_target(value or "", url)
        assert target is not None and target.split("?")[0] in precache, f"{url} loads {value}, not precached"


def test_worker_leaves_embeds_and_fragments_alone(built_site: BuiltSite) -> None:
    """Pass every edition's embed pages and fragments to the network: none precached, all skipped."""
    guide = _guide(built_site)
    skip = guide["skip"]
    assert isinstance(skip, list) and isinstance(guide["precache"], list)
    assert sorted(skip) == sorted(f"{SETTINGS.edition_prefix(lang)}embed/" for lang in LANGUAGES)
    for page in EDITION_PAGES:
        embed = split_url(url_of(page))[0] + "embed/"
        assert embed in skip
    assert not [path for path in guide["precache"] if "embed/" in path]


def test_worker_notes_in_every_edition(built_site: BuiltSite) -> None:
    """Give the worker the note of every edition, with a place for the date the copy was saved."""
    notes = _guide(built_site)["notes"]
    assert isinstance(notes, dict) and sorted(notes) == sorted(LANGUAGES)
    for lang, note in notes.items():
        assert note.count("{date}") == 1, lang
    assert notes.get("en") == "You are offline: this is a copy saved on {date}."
    if "es" in notes:
        assert notes["es"] == "Está sin conexión: esta es una copia guardada el {date}."


def test_new_lock_or_new_file_is_a_new_worker() -> None:
    """Change the version when the approved lock or any precached file changes, and only then."""

    def version(lock_hash: str, content: bytes) -> str:
        script = offline.worker_script(
            lock_hash=lock_hash, precache=["a/"], contents=[content], optional=[], settings=SETTINGS
        )
        match = re.search(r'"version": "([^"]+)"', script)
        assert match
        return match.group(1)

    same = version("1" * 64, b"page")
    assert version("1" * 64, b"page") == same
    assert version("2" * 64, b"page") != same
    assert version("1" * 64, b"page, edited") != same


def test_pages_register_the_worker_from_a_file(built_site: BuiltSite) -> None:
    """Register the worker from offline.js on every page (no inline script), never from embed pages."""
    for page in EDITION_PAGES:
        url = url_of(page)
        root = _doc(built_site, url)
        sources = [site_target(s.get("src") or "", url) for s in elements(root, "//script[@src]")]
        assert "assets/javascripts/offline.js" in sources, url
        inline = " ".join(s.text or "" for s in elements(root, "//script[not(@src)]"))
        assert "serviceWorker" not in inline
        embed = split_url(url)[0] + "embed/" + split_url(url)[1]
        embed_root = _doc(built_site, embed)
        assert not [s for s in elements(embed_root, "//script[@src]") if "offline.js" in (s.get("src") or "")]
        assert not elements(embed_root, "//link[@rel='manifest']"), f"{embed} links the manifest"


# --------------------------------------------------------------------------- the manifests and icons


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_edition_has_a_manifest_with_icons_and_a_first_aid_shortcut(built_site: BuiltSite, lang: str) -> None:
    """Link each edition's manifest from its pages; its icons are PNGs of their size; its shortcut opens first aid."""
    where = SETTINGS.edition_prefix(lang) + offline.MANIFEST
    data = json.loads((built_site.path / where).read_text(encoding="utf-8"))
    assert data["lang"] == lang and data["name"] == edition_config(lang)["site_name"] and data["short_name"]
    assert len(data["short_name"]) <= 12, "the home screen shows about 12 characters"

    def resolve(value: str) -> str:
        return posixpath.normpath(posixpath.join(posixpath.dirname("/" + where), value.split("#")[0])).lstrip("/")

    sizes = set()
    for icon in data["icons"]:
        png = (built_site.path / resolve(icon["src"])).read_bytes()
        width, height = struct.unpack(">II", png[16:24])
        assert png.startswith(b"\x89PNG") and f"{width}x{height}" == icon["sizes"], icon
        sizes.add((width, icon.get("purpose", "any")))
    assert {(192, "any"), (512, "any"), (512, "maskable")} <= sizes
    (shortcut,) = data["shortcuts"]
    page, _hash, section = shortcut["url"].partition("#")
    entry = next(e for e in LOCK.in_language(lang) if e.section.kind == "first-aid")
    assert section == entry.id
    target = resolve(page) + "/" if page.endswith("/") else resolve(page)
    root = _doc(built_site, target)
    assert root.get_element_by_id(section) is not None
    for page_name in EDITION_PAGES:
        url = url_of(page_name)
        if split_url(url)[0] != SETTINGS.edition_prefix(lang):
            continue
        (link,) = elements(_doc(built_site, url), "//link[@rel='manifest']")
        assert site_target(link.get("href") or "", url) == where, url


def test_icons_are_drawn_the_same_every_time() -> None:
    """Draw the icons deterministically: a white cross on the guide's colour, inside the mask's safe zone."""
    for name, size, purpose in offline.ICONS:
        png = offline.icon_png(size, maskable=purpose == "maskable")
        assert png == offline.icon_png(size, maskable=purpose == "maskable"), name
        image = Image.open(io.BytesIO(png)).convert("RGB")
        assert image.size == (size, size)
        assert image.getpixel((size // 2, size // 2)) == (255, 255, 255)
        assert image.getpixel((0, 0)) == tuple(bytes.fromhex(offline.THEME_COLOR[1:]))
        if purpose == "maskable":
            white = [
                (x, y) for x in range(0, size, 4) for y in range(0, size, 4) if image.getpixel((x, y)) == (255,) * 3
            ]
            radius = max(((x - size / 2) ** 2 + (y - size / 2) ** 2) ** 0.5 for x, y in white)
            assert radius <= 0.4 * size, "the cross stays inside the safe zone (a circle of 40 % radius)"


# --------------------------------------------------------------------------- the offline pages


@pytest.mark.parametrize("lang", LANGUAGES)
def test_offline_page_links_to_the_saved_first_aid_steps(built_site: BuiltSite, lang: str) -> None:
    """Write each edition's offline page in its language, linking to every first-aid section and emergency page."""
    url = SETTINGS.edition_prefix(lang) + offline.OFFLINE_PAGE
    root = _doc(built_site, url)
    assert root.get("lang") == lang
    assert elements(root, "//article//h1")[0].text_content().strip() == offline.strings(lang)["title"]
    assert elements(root, "//meta[@name='robots'][@content='noindex']")
    targets = [site_target(a.get("href") or "", url) for a in elements(root, "//article//a[@href]")]
    precache = _guide(built_site)["precache"]
    assert isinstance(precache, list)
    for entry in LOCK.in_language(lang):
        if entry.section.kind == "first-aid":
            assert f"{url_of_page(entry.page)}#{entry.id}" in targets, entry.key
        assert url_of_page(entry.page) in precache
    for target in targets:
        assert target is not None and target.split("#")[0] in precache, f"{target} is not saved"


def test_about_page_explains_what_the_device_keeps() -> None:
    """Tell readers in every edition that the device keeps the pages they opened, and how to remove them."""
    words = {
        "en": ("keeps each page you open", "clear the data of this site"),
        "es": ("guarda cada página", "borre los datos"),
    }
    for lang in LANGUAGES:
        source = DOCS / ("about.md" if lang == SETTINGS.default_language else f"about.{lang}.md")
        text = " ".join(source.read_text(encoding="utf-8").split())
        for phrase in words.get(lang, ()):
            assert phrase in text, f"{source.name}: {phrase!r}"
        assert offline.DOWNLOAD_MARKER in text, f"{source.name} has no place for the offline zip's link"


def test_plain_build_has_no_link_to_the_zip(built_site: BuiltSite) -> None:
    """Leave the zip's link out of builds that do not publish it, and the marker out of every page."""
    for page in EDITION_PAGES:
        html = (built_site.path / output_path(url_of(page))).read_text(encoding="utf-8")
        assert "pg-offline-download" not in html and offline.OFFLINE_ZIP not in html, page


def test_download_marker_becomes_a_relative_link_when_published() -> None:
    """Link the zip relative to the page in builds that publish it; drop the marker otherwise."""
    text = f"Before.\n\n{offline.DOWNLOAD_MARKER}\n"
    assert offline.DOWNLOAD_MARKER not in offline.render_download(text, lang="en", page_url="about/", published=False)
    published = offline.render_download(text, lang="es", page_url="es/about/", published=True)
    (link,) = elements(lxml.html.fragment_fromstring(published, create_parent="div"), "//a")
    assert link.get("href") == "../../" + offline.OFFLINE_ZIP
    assert link.text_content() == offline.strings("es")["download"]


# --------------------------------------------------------------------------- the offline folder


def test_offline_config_keeps_the_editions_and_redirects_of_mkdocs_yml() -> None:
    """List the same i18n and redirects settings as mkdocs.yml, and Material's search and offline plugins."""
    online = load_config_file(ROOT / "mkdocs.yml")
    copy = load_config_file(ROOT / "mkdocs.offline.yml")

    def plugins(config: dict[str, object]) -> dict[str, object]:
        listed = config.get("plugins")
        assert isinstance(listed, list)
        return {
            next(iter(p)) if isinstance(p, dict) else p: (p[next(iter(p))] if isinstance(p, dict) else {})
            for p in listed
        }

    online_plugins, copy_plugins = plugins(online), plugins(copy)
    for name in ("i18n", "redirects"):
        if name in online_plugins:
            assert copy_plugins.get(name) == online_plugins[name], f"mkdocs.offline.yml: plugins.{name} differs"
    assert "search" in copy_plugins and "offline" in copy_plugins
    extra = copy["extra"]
    assert isinstance(extra, dict)
    assert extra["offline_copy"] is True and extra["handouts"] is False
    assert extra["polyfills"] and not [p for p in extra["polyfills"] if "://" in p or "unpkg" in p]
    for polyfill in extra["polyfills"]:
        assert (ROOT / "overrides" / polyfill).is_file(), polyfill


def test_vendored_shim_is_iframe_worker_1_0_4_and_its_frame_script_is_hashed() -> None:
    """Keep the shim byte for byte, and allow exactly the inline script it writes into its frame."""
    shim = SHIM.read_text(encoding="utf-8")
    assert hashlib.sha256(SHIM.read_bytes()).hexdigest() == SHIM_SHA256
    assert (SHIM.parent / "LICENSE").read_text(encoding="utf-8").startswith("Copyright (c) 2020-2022 Martin Donath")
    post = 'function c(s,n){parent.postMessage(s,n||"*")}'
    load = re.search(r"function d\(\.\.\.s\)\{return s\.reduce\(.*?Promise\.resolve\(\)\)\}", shim)
    template = re.search(r"<script>(postMessage=\$\{c\};importScripts=\$\{d\};.*?)<\\/script>", shim)
    assert post in shim and load and template
    worker = "../assets/javascripts/workers/search.min.js"
    written = template.group(1).replace("${c}", post).replace("${d}", load.group(0)).replace("${e}", worker)
    assert csp.iframe_worker_script(worker) == written
    config = f'<script id="__config" type="application/json">{{"search": "{worker}"}}</script>'
    page = f"<html><head></head><body>{config}</body></html>"
    policy = csp.build_policy(csp.scan(page), iframe_worker=True)
    assert csp.hash_source(written) in policy
    assert csp.hash_source(written) not in csp.build_policy(csp.scan(page))


def _folder(tmp_path: Path, pages: dict[str, str]) -> Path:
    for name, body in pages.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<!doctype html><html><head></head><body>{body}</body></html>", encoding="utf-8")
    return tmp_path


LINK_CASES = [
    pytest.param('<a href="b.html">b</a>', [], id="file"),
    pytest.param('<a href="b.html#here">b</a>', [], id="file-and-id"),
    pytest.param('<a href="https://example.org/">out</a><a href="tel:911">911</a>', [], id="other-sites"),
    pytest.param('<a href="sub/">b</a>', ["leads to a folder"], id="folder"),
    pytest.param('<a href="b.html#nowhere">b</a>', ["#nowhere"], id="missing-id"),
    pytest.param('<a href="missing.html">b</a>', ["not in the folder"], id="missing-file"),
    pytest.param('<script src="/assets/x.js"></script>', ["cannot reach"], id="absolute"),
]


@pytest.mark.parametrize(("body", "problems"), LINK_CASES)
def test_link_check_finds_links_that_do_not_open_a_file(tmp_path: Path, body: str, problems: list[str]) -> None:
    """Report each link that file:// cannot open as a file of the folder, once, and nothing else."""
    folder = _folder(tmp_path, {"index.html": body, "b.html": '<p id="here">b</p>', "sub/index.html": ""})
    findings = [finding for finding in offline.check_links(folder) if finding.startswith("index.html")]
    assert len(findings) == len(problems), findings
    for finding, problem in zip(findings, problems, strict=True):
        assert problem in finding


def test_links_to_folders_become_links_to_pages(tmp_path: Path) -> None:
    """Point 'page/' at page.html (or page/index.html) and './' at index.html, keeping the #id."""
    folder = _folder(
        tmp_path,
        {"index.html": "", "help.html": "", "es/index.html": "", "es/help.html": "", "deep/index.html": ""},
    )
    html = (
        '<a href="help/#call">a</a> <a href="./">b</a> <a href="es/">c</a> <a href="deep/">d</a> <a href="none/">e</a>'
    )
    fixed = offline.file_links(html, page="index.html", folder=folder)
    hrefs = [a.get("href") for a in elements(lxml.html.fragment_fromstring(fixed, create_parent="div"), "//a")]
    assert hrefs == ["help.html#call", "index.html", "es/index.html", "deep/index.html", "none/"]
    from_es = offline.file_links('<a href="../help/">a</a> <a href="./">b</a>', page="es/help.html", folder=folder)
    assert [a.get("href") for a in elements(lxml.html.fragment_fromstring(from_es, create_parent="div"), "//a")] == [
        "../help.html",
        "index.html",
    ]


def test_zip_is_the_same_for_the_same_folder(tmp_path: Path) -> None:
    """Pack the folder under one top folder, the same bytes for the same files."""
    folder = _folder(tmp_path / "in", {"index.html": "x", "es/index.html": "y"})
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    assert offline.write_zip(folder, first) == 2
    offline.write_zip(folder, second)
    assert first.read_bytes() == second.read_bytes()
    assert zipfile.ZipFile(first).namelist() == ["ivig-guide/es/index.html", "ivig-guide/index.html"]
