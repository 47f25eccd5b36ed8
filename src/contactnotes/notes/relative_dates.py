"""The relative date values Virtuous's Query offers ("Today", "30 Days Ago", "Last Month", ...).

Each names a span of the organization's calendar: a day, a week (Sunday to Saturday, as Virtuous's US
calendar counts), a month or a year, returned as [start, end) in UTC. Names match ignoring case and spaces;
"N Days Ago" and "N Days From Now" take any N from 0 to 36,500.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, tzinfo

from contactnotes.kit.dates import to_utc

MAX_DAYS = 36_500
Span = tuple[date, date]  # first day, day after the last

# The values QueryOptions lists (the vendor's recorded list, then the weeks, months and years it also names).
VALUES = [
    "Today",
    "Yesterday",
    "Tomorrow",
    "30 Days Ago",
    "60 Days Ago",
    "90 Days Ago",
    "180 Days Ago",
    "270 Days Ago",
    "7 Days From Now",
    "30 Days From Now",
    "One week from now",
    "One Year Ago",
    "Two Years Ago",
    "Last Sunday",
    "This Week",
    "Last Week",
    "Next Week",
    "Start Of This Month",
    "This Month",
    "Last Month",
    "Next Month",
    "This Calendar Year",
    "Last Calendar Year",
]


def _day(offset: int) -> Callable[[date], Span]:
    return lambda today: (today + timedelta(days=offset), today + timedelta(days=offset + 1))


def _week(offset: int) -> Callable[[date], Span]:
    def span(today: date) -> Span:
        sunday = today - timedelta(days=(today.weekday() + 1) % 7) + timedelta(weeks=offset)
        return sunday, sunday + timedelta(days=7)

    return span


def _month_start(day: date, offset: int) -> date:
    months = day.year * 12 + day.month - 1 + offset
    return date(months // 12, months % 12 + 1, 1)


def _month(offset: int) -> Callable[[date], Span]:
    return lambda today: (_month_start(today, offset), _month_start(today, offset + 1))


def _year(offset: int) -> Callable[[date], Span]:
    return lambda today: (date(today.year + offset, 1, 1), date(today.year + offset + 1, 1, 1))


def _years_ago(years: int) -> Callable[[date], Span]:
    def span(today: date) -> Span:
        year = today.year - years
        day = today.replace(year=year) if not (today.month == 2 and today.day == 29) else date(year, 2, 28)
        return day, day + timedelta(days=1)

    return span


def _last_sunday(today: date) -> Span:
    sunday = today - timedelta(days=(today.weekday() + 1) % 7 or 7)
    return sunday, sunday + timedelta(days=1)


def _start_of_month(today: date) -> Span:
    first = today.replace(day=1)
    return first, first + timedelta(days=1)


def _fold(name: str) -> str:
    return "".join(name.split()).casefold()


_NAMED: dict[str, Callable[[date], Span]] = {
    "today": _day(0),
    "yesterday": _day(-1),
    "tomorrow": _day(1),
    "oneweekfromnow": _day(7),
    "oneweekago": _day(-7),
    "oneyearago": _years_ago(1),
    "twoyearsago": _years_ago(2),
    "lastsunday": _last_sunday,
    "thisweek": _week(0),
    "lastweek": _week(-1),
    "nextweek": _week(1),
    "startofthismonth": _start_of_month,
    "thismonth": _month(0),
    "lastmonth": _month(-1),
    "nextmonth": _month(1),
    "thiscalendaryear": _year(0),
    "lastcalendaryear": _year(-1),
    "nextcalendaryear": _year(1),
}
_DAYS = re.compile(r"(\d{1,6})days?(ago|fromnow)")


def span_of(raw: str, local: tzinfo, now: datetime) -> tuple[datetime, datetime] | None:
    """[start, end) in UTC of a relative value in the zone `local`; None when `raw` is not one.
    OverflowError when the span leaves the calendar (years 1-9999)."""
    folded = _fold(raw)
    rule = _NAMED.get(folded)
    if rule is None:
        days = _DAYS.fullmatch(folded)
        if days is None or int(days.group(1)) > MAX_DAYS:
            return None
        n = int(days.group(1))
        rule = _day(-n if days.group(2) == "ago" else n)
    today = now.astimezone(local).date()
    first, after = rule(today)
    return to_utc(datetime.combine(first, time()), local), to_utc(datetime.combine(after, time()), local)
