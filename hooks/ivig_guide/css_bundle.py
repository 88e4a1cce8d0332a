"""The guide's own stylesheets, joined into one small file for the pages.

Every page loads Material's stylesheet and script first; the guide's few rules then add about as
much again in comments and spacing as in rules. Joining them, in the order the page would load
them, and dropping comments and spacing keeps a phone's first load within its budget (see
``make bench``). The source files stay readable in ``overrides/assets/stylesheets/``.
"""

from __future__ import annotations

import re

#: The guide's stylesheets in cascade order: later files override earlier ones.
STYLESHEETS = ("emergency.css", "guide.css", "search.css", "print-fonts.css", "print.css", "a11y.css")
BUNDLE = "assets/stylesheets/guide.bundle.css"

# Strings and comments, so that neither is touched by the spacing rules below.
_TOKEN = re.compile(r"""("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(/\*.*?\*/)""", re.S)
_SPACE = re.compile(r"\s+")
_AROUND = re.compile(r"\s*([{};,>])\s*")
_AFTER_COLON = re.compile(r":\s+")


class AssetError(ValueError):
    """A stylesheet the minifier cannot read safely (an unclosed comment or string)."""


def _squeeze(code: str) -> str:
    code = _SPACE.sub(" ", code)
    code = _AROUND.sub(r"\1", code)
    return _AFTER_COLON.sub(":", code).replace(";}", "}")


def minify_css(text: str, *, name: str = "stylesheet") -> str:
    """Return ``text`` without comments and with spacing cut to what CSS needs; strings stay as written.

    Raises :class:`AssetError` naming ``name`` when a comment or string is not closed.
    """
    out: list[str] = []
    end = 0
    for match in _TOKEN.finditer(text):
        out.append(_squeeze(text[end : match.start()]))
        if match.group(1):
            out.append(match.group(1))
        end = match.end()
    rest = text[end:]
    if "/*" in rest:
        line = text.count("\n", 0, end + rest.index("/*")) + 1
        raise AssetError(f"{name}:{line}: a comment opened with /* is never closed with */.")
    if '"' in rest or "'" in rest:
        quote = min(i for i in (rest.find('"'), rest.find("'")) if i >= 0)
        line = text.count("\n", 0, end + quote) + 1
        raise AssetError(f"{name}:{line}: a quoted string is never closed.")
    out.append(_squeeze(rest))
    return "".join(out).strip()


def bundle_css(sources: dict[str, str]) -> str:
    """Return the stylesheets ``sources`` (name → text, in cascade order) minified and joined."""
    return "\n".join(f"/* {name} */{minify_css(text, name=name)}" for name, text in sources.items()) + "\n"
