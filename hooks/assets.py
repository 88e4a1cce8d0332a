"""MkDocs hook: serve the guide's stylesheets to pages as one minified file.

A thin adapter over :mod:`ivig_guide.css_bundle`: it reads the theme's copies of the guide's
stylesheets (``overrides/assets/stylesheets/``) and adds ``assets/stylesheets/guide.bundle.css``
to the build, which ``overrides/main.html`` links.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

from ivig_guide.css_bundle import BUNDLE, STYLESHEETS, AssetError, bundle_css

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files


# After mkdocs-static-i18n (-100), which cannot rebuild a generated file into each language.
@event_priority(-110)
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Add the bundle of the guide's stylesheets, made from the theme's files."""
    sources: dict[str, str] = {}
    for name in STYLESHEETS:
        file = files.get_file_from_path(f"assets/stylesheets/{name}")
        if file is None or file.abs_src_path is None:
            raise PluginError(f"overrides/assets/stylesheets/{name} is missing: restore it from git.")
        sources[name] = Path(file.abs_src_path).read_text(encoding="utf-8")
    try:
        content = bundle_css(sources)
    except AssetError as error:
        raise PluginError(f"Stylesheets: {error}") from None
    files.append(File.generated(config, BUNDLE, content=content))
    return files
