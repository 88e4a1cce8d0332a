"""The guide's errors: one base class, and one subclass for each kind of thing that can be wrong.

Every command catches :class:`GuideError` and prints its message (which names the file and says how to
fix it), and every hook turns it into a ``PluginError``: a mistake in content or settings never shows a
traceback.
"""

from __future__ import annotations


class GuideError(Exception):
    """Something the guide cannot build or check; the message names the file and the fix."""


class SettingsError(GuideError):
    """A setting in mkdocs.yml is missing, of the wrong type or out of range."""


class LockError(GuideError):
    """The approved lock is missing, malformed, or does not fit the settings."""


class ContentError(GuideError):
    """A page of docs/ cannot be read as the guide's Markdown (encoding, front matter)."""


class OutputError(GuideError):
    """A built folder or printed handout is not what the build should have written."""
