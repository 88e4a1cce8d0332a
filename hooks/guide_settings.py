"""MkDocs hook: check the guide's settings before anything is built, and give templates what they derive.

A thin adapter over :mod:`ivig_guide.settings`. A wrong setting (an unquoted emergency number, a care-team
phone that is not a phone number, a clinic name too long for the handouts) stops the build with a message
naming the setting and how to fix it. Templates read the care-team phone as it is shown and dialled from
``config.extra.pg_clinic`` (``name``, ``phone``: the country's format, never split over lines, ``tel``: an
RFC 3966 URI).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError

from ivig_guide.errors import GuideError
from ivig_guide.settings import settings_of_build

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Check the settings; add the clinic's derived values for the templates."""
    try:
        settings = settings_of_build(config, config.config_file_path)
    except GuideError as error:
        raise PluginError(f"Settings: {error}") from None
    clinic = settings.clinic
    config.extra["pg_clinic"] = {"name": clinic.name, "phone": clinic.phone_display, "tel": clinic.phone_uri}
    return config
