"""The relative date values of Virtuous's Query, as spans of the organization's calendar."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from contactnotes.notes.relative_dates import VALUES, span_of

# Wednesday 2026-03-04, 03:00 UTC: still Tuesday evening in Chicago.
NOW = datetime(2026, 3, 4, 3, tzinfo=UTC)
CHICAGO = ZoneInfo("America/Chicago")  # UTC-6 until 2026-03-08


def days(first: str, after: str) -> tuple[datetime, datetime]:
    return datetime.fromisoformat(first).replace(tzinfo=UTC), datetime.fromisoformat(after).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Today", days("2026-03-04", "2026-03-05")),
        ("yesterday", days("2026-03-03", "2026-03-04")),
        ("TOMORROW", days("2026-03-05", "2026-03-06")),
        ("30 Days Ago", days("2026-02-02", "2026-02-03")),
        ("1 day from now", days("2026-03-05", "2026-03-06")),
        ("One week from now", days("2026-03-11", "2026-03-12")),
        ("One Year Ago", days("2025-03-04", "2025-03-05")),
        ("Last Sunday", days("2026-03-01", "2026-03-02")),
        ("This Week", days("2026-03-01", "2026-03-08")),
        ("Last Week", days("2026-02-22", "2026-03-01")),
        ("Start Of This Month", days("2026-03-01", "2026-03-02")),
        ("Last Month", days("2026-02-01", "2026-03-01")),
        ("Next Month", days("2026-04-01", "2026-05-01")),
        ("This Calendar Year", days("2026-01-01", "2027-01-01")),
        ("Last Calendar Year", days("2025-01-01", "2026-01-01")),
    ],
)
def test_spans_in_utc(raw: str, expected: tuple[datetime, datetime]) -> None:
    assert span_of(raw, UTC, NOW) == expected


def test_days_are_the_organizations() -> None:
    # In Chicago it is still March 3rd: "Today" is that day, from 06:00 UTC to 06:00 UTC.
    assert span_of("Today", CHICAGO, NOW) == (
        datetime(2026, 3, 3, 6, tzinfo=UTC),
        datetime(2026, 3, 4, 6, tzinfo=UTC),
    )


def test_a_leap_day_a_year_ago_is_the_28th() -> None:
    assert span_of("One Year Ago", UTC, datetime(2028, 2, 29, tzinfo=UTC)) == days("2027-02-28", "2027-03-01")


@pytest.mark.parametrize("raw", ["Next Tuesday", "36501 Days Ago", "", "2026-03-04", "-1 Days Ago"])
def test_what_is_no_relative_value(raw: str) -> None:
    assert span_of(raw, UTC, NOW) is None


def test_every_offered_value_resolves() -> None:
    assert all(span_of(value, CHICAGO, NOW) is not None for value in VALUES)
