"""Review dates: when a page was last reviewed, when its next review is due, and whether that has passed."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ivig_guide import editions

KEYS = ("reviewed", "review_due")


class ReviewError(ValueError):
    """A review date in the front matter or in mkdocs.yml is not usable."""


@dataclass(frozen=True)
class Review:
    """The review dates of one page."""

    reviewed: datetime.date
    due: datetime.date
    overdue: bool

    def as_meta(self, lang: str = "en") -> dict[str, Any]:
        """Return the dates as template values: ISO dates for machines, words for readers of ``lang``."""
        return {
            "reviewed": self.reviewed.isoformat(),
            "review_due": self.due.isoformat(),
            "reviewed_text": readable_date(self.reviewed, lang),
            "review_due_text": readable_date(self.due, lang),
            "overdue": self.overdue,
        }


def readable_date(day: datetime.date, lang: str = "en") -> str:
    """Return a date the way the edition's readers write it: 'November 25, 2026', '25 de noviembre de 2026'."""
    return editions.readable_date(day, lang)


def _as_date(value: Any, where: str, key: str) -> datetime.date:
    """Return a date from YAML (already a date, or an ISO string); raise ReviewError naming the key."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ReviewError(f"{where}: '{key}' must be a date like 2027-01-31, found {value!r}.") from None


def review_of(meta: Mapping[str, Any], defaults: Mapping[str, Any], *, today: datetime.date, page: str) -> Review:
    """Return a page's review dates: its front matter first, the site-wide defaults otherwise."""
    values = {}
    for key in KEYS:
        if key in meta:
            values[key] = _as_date(meta[key], f"{page} (front matter)", key)
        elif key in defaults:
            values[key] = _as_date(defaults[key], "mkdocs.yml extra.review", key)
        else:
            raise ReviewError(f"mkdocs.yml: extra.review.{key} is missing; set a site-wide default date.")
    reviewed, due = values["reviewed"], values["review_due"]
    if due <= reviewed:
        raise ReviewError(f"{page}: review_due ({due}) must be after reviewed ({reviewed}).")
    return Review(reviewed=reviewed, due=due, overdue=due < today)
