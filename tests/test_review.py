"""Review dates: front matter over site defaults, clear errors, overdue pages."""

from __future__ import annotations

import datetime

import pytest

from ivig_guide.review import ReviewError, readable_date, review_of

DEFAULTS = {"reviewed": datetime.date(2026, 1, 10), "review_due": "2027-01-10"}
TODAY = datetime.date(2026, 6, 1)


def test_defaults_apply() -> None:
    """Use the site-wide dates when the page sets none."""
    review = review_of({}, DEFAULTS, today=TODAY, page="a.md")
    assert (review.reviewed, review.due, review.overdue) == (
        datetime.date(2026, 1, 10),
        datetime.date(2027, 1, 10),
        False,
    )


def test_front_matter_wins_and_overdue() -> None:
    """Use the page's own dates, and call the page overdue the day after its due date."""
    meta = {"reviewed": "2025-01-01", "review_due": datetime.date(2026, 5, 31)}
    assert review_of(meta, DEFAULTS, today=TODAY, page="a.md").overdue
    meta["review_due"] = datetime.date(2026, 6, 1)
    assert not review_of(meta, DEFAULTS, today=TODAY, page="a.md").overdue


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        (
            {"review_due": "next year"},
            "a.md (front matter): 'review_due' must be a date like 2027-01-31, found 'next year'.",
        ),
        ({"reviewed": "2027-02-01"}, "a.md: review_due (2027-01-10) must be after reviewed (2027-02-01)."),
    ],
)
def test_bad_dates_are_clear_errors(meta: dict, message: str) -> None:
    """Name the page, the key and the expected form."""
    with pytest.raises(ReviewError) as raised:
        review_of(meta, DEFAULTS, today=TODAY, page="a.md")
    assert str(raised.value) == message


def test_readable_date() -> None:
    """Write dates the way US readers do."""
    assert readable_date(datetime.date(2027, 3, 4)) == "March 4, 2027"
