"""Calendar helpers: IANA time zones, and the date spellings .NET clients send (M/d/yyyy as well as ISO 8601).

A time without a zone is a wall-clock time in some organization's zone; `to_utc` places it there. Python's
datetime covers years 1 to 9999 only, so converting a value at either end of the calendar can overflow:
callers turn OverflowError into a 400 naming their field.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# M/d/yyyy, optionally with h:mm[:ss[.fffffff]] and AM/PM, as .NET's invariant and en-US cultures write dates.
_US_DATE = re.compile(
    r"(\d{1,2})/(\d{1,2})/(\d{4})"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?\s*([AaPp][Mm])?)?"
)
_ISO_START = re.compile(r"\d{4}-\d{2}-\d{2}")


@lru_cache(maxsize=512)
def zone(name: str) -> tzinfo:
    """The time zone of an IANA name; ValueError when there is none such."""
    if name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:  # ValueError: a malformed key such as "../x"
        raise ValueError(f"{name!r} is not an IANA time zone name") from exc


def parse_local(text: str) -> tuple[datetime, bool]:
    """A date or date-time, and whether it names a whole day (no time given). Naive unless the text carries a
    zone (`Z` or an offset). ValueError when it is neither M/d/yyyy[ h:mm[:ss[.f]] [AM|PM]] nor ISO 8601."""
    text = text.strip()
    us = _US_DATE.fullmatch(text)
    if us:
        month, day, year, hour, minute, second, fraction, meridiem = us.groups()
        moment = datetime(int(year), int(month), int(day))
        if hour is None:
            return moment, True
        h = int(hour)
        if meridiem:
            if not 1 <= h <= 12:
                raise ValueError(f"{text!r}: the hour of an AM/PM time is 1 to 12")
            h = h % 12 + (12 if meridiem.lower() == "pm" else 0)
        micro = int((fraction or "0").ljust(7, "0")[:6])
        return datetime.combine(moment.date(), time(h, int(minute), int(second or 0), micro)), False
    if not _ISO_START.match(text):  # not a number of seconds, nor any other spelling datetime would take
        raise ValueError(f"{text!r} is not a date")
    parsed = datetime.fromisoformat(text)  # Python 3.11: Z, offsets, any number of fraction digits
    return parsed, len(text) == 10


def to_utc(value: datetime, local: tzinfo) -> datetime:
    """An aware UTC datetime; a naive one is read as a wall-clock time in `local`. OverflowError at the ends."""
    aware = value.replace(tzinfo=local) if value.tzinfo is None else value
    return aware.astimezone(UTC)


def in_zone(value: datetime, local: tzinfo) -> datetime:
    """`value` as a wall-clock time in `local`; at the very ends of the calendar, where that would leave years
    1-9999, the UTC time (one day off at worst, never a failure)."""
    try:
        return value.astimezone(local)
    except OverflowError:
        return value.astimezone(UTC)
