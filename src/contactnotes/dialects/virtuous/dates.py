"""Dates as Virtuous (an ASP.NET server) writes and reads them.

Out: string-typed dates (`noteDate`, a reminder's `targetDate`) are the organization's calendar day as
`M/d/yyyy` (recorded: "10/4/2017", "9/14/2023"); `...DateTimeUtc` fields are UTC without a zone designator and
with the fraction's trailing zeros dropped, as Json.NET writes a DateTime (recorded: "2023-11-30T14:20:56.277").
In: every form a .NET client sends: `M/d/yyyy` (with an optional time), ISO 8601 with or without `Z` or an
offset, up to 7 fraction digits. A time without a zone is the organization's wall-clock time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from contactnotes.http.errors import RequestRefused
from contactnotes.kit.dates import in_zone, parse_local, to_utc, zone

EXAMPLE = "11/30/2023, 2023-11-30T14:20:56.277 or 2023-11-30T14:20:56.277Z"


def _parse(value: Any) -> Any:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return parse_local(value)[0]
        except ValueError:
            pass
    raise PydanticCustomError("datetime_text", f"must be a date such as {EXAMPLE}")


_SCHEMA = {
    "anyOf": [
        {"type": "string", "format": "date-time"},
        {"type": "string", "pattern": r"^\s*(0?[1-9]|1[0-2])/(0?[1-9]|1[0-9]|2[0-8])/[1-9][0-9]{3}\s*$"},
    ],
    "description": f"A date or date-time: {EXAMPLE}. Without a zone, the organization's time.",
}
# Naive when the client sent no zone: the endpoint places it in the organization's zone (utc_in below).
VirtuousDateTime = Annotated[datetime, BeforeValidator(_parse), WithJsonSchema(_SCHEMA)]


def utc_in(value: datetime, time_zone: str, field: str) -> datetime:
    """An input date-time as aware UTC, a zone-less one read in the organization's zone; 400 naming the field
    when it falls outside the calendar (years 1-9999) once placed."""
    try:
        return to_utc(value, zone(time_zone))
    except OverflowError:
        raise RequestRefused.field(field, f"{field} is outside the years 1 to 9999 in UTC", "OUT_OF_RANGE") from None


def calendar_day(value: datetime, time_zone: str) -> str:
    """M/d/yyyy of the day `value` falls on in the organization's zone (no leading zeros, as .NET's "d")."""
    local = in_zone(value, zone(time_zone))
    return f"{local.month}/{local.day}/{local.year}"


def utc_text(value: datetime) -> str:
    """2023-11-30T14:20:56.277: UTC, no zone designator, trailing fraction zeros dropped (Json.NET's
    yyyy-MM-ddTHH:mm:ss.FFFFFFF for a DateTime of unspecified kind)."""
    utc = value.astimezone(UTC) if value.tzinfo is not None else value
    text = utc.replace(tzinfo=None).isoformat(timespec="microseconds")
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole
