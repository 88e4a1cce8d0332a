"""MkDocs hook: read each page's Markdown as UTF-8 with valid front matter, or stop naming the file and line.

A thin adapter over :mod:`ivig_guide.page_source`: MkDocs would show a traceback for a page not saved as
UTF-8, and silently show broken front matter as page text. It also fills in ``{emergency_number}``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError

from ivig_guide.errors import GuideError
from ivig_guide.page_source import read_page_source
from ivig_guide.settings import settings_of_build

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page


def on_page_read_source(*, page: Page, config: MkDocsConfig) -> str | None:
    """Return the page's checked source; None leaves generated pages to MkDocs."""
    if page.file.abs_src_path is None:
        return None
    try:
        number = settings_of_build(config, config.config_file_path).number
        return read_page_source(Path(page.file.abs_src_path).read_bytes(), page=page.file.src_uri, number=number)
    except GuideError as error:
        raise PluginError(str(error)) from None
