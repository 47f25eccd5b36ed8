"""Input types every dialect's wire models share."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, field_validator
from pydantic_core import PydanticCustomError

from contactnotes.kit.clock import to_utc

_STARTS_AS_A_DATE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}")


def _date_text(value: Any) -> Any:
    # Pydantic would also take a number (or a string of digits) as seconds since 1970: neither vendor documents
    # that, and the document promises a date-time string, so only text that starts as a date goes on to parsing.
    if isinstance(value, datetime) or (isinstance(value, str) and _STARTS_AS_A_DATE.match(value)):
        return value
    raise PydanticCustomError("datetime_text", "must be an ISO 8601 date-time, such as 2026-01-10T15:30:00Z")


OUTSIDE_CALENDAR = "is outside the calendar once turned into UTC (years 1 to 9999)"


def _in_calendar(value: datetime) -> datetime:
    # "0001-01-01T00:30:00+01:00" parses, but is in year 0 in UTC, which neither Python nor the databases hold.
    moment = to_utc(value)
    if moment is None:
        raise PydanticCustomError("datetime_range", OUTSIDE_CALENDAR)
    return moment


# A date-time as aware UTC (without a zone, taken as UTC).
DateTimeText = Annotated[datetime, BeforeValidator(_date_text), AfterValidator(_in_calendar)]


def _json_integer(value: Any) -> Any:
    # Pydantic would also take true/false and "15" for an integer; the document says a JSON integer.
    if isinstance(value, bool | str):
        raise PydanticCustomError("int_type", "must be an integer")
    return value


def _json_boolean(value: Any) -> Any:
    # Pydantic would also take 0/1 and "yes"/"off"; the document says a JSON boolean.
    if not isinstance(value, bool):
        raise PydanticCustomError("bool_type", "must be true or false")
    return value


JsonInt = Annotated[int, BeforeValidator(_json_integer)]
JsonBool = Annotated[bool, BeforeValidator(_json_boolean)]


# ---- NUL characters and lone surrogates -------------------------------------------------------------
# PostgreSQL cannot store U+0000 in text (SQLite can), so it is refused on the way in on both backends alike,
# as 400 naming the field, rather than failing as a database error. A lone surrogate ("\ud800" in JSON) is
# no character at all: neither database driver can encode it, so it is refused the same way.

NUL = "\x00"
NUL_MESSAGE = "must not contain NUL (U+0000) characters"
SURROGATE_MESSAGE = "must not contain lone surrogates (U+D800 to U+DFFF): text must be valid Unicode"
_SURROGATE = re.compile("[\ud800-\udfff]")


def _any_text(value: Any, test: Callable[[str], bool]) -> bool:
    if isinstance(value, str):
        return test(value)
    if isinstance(value, dict):
        return any(_any_text(key, test) or _any_text(item, test) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(_any_text(item, test) for item in value)
    return False


def has_nul(value: Any) -> bool:
    return _any_text(value, lambda text: NUL in text)


def has_surrogate(value: Any) -> bool:
    return _any_text(value, lambda text: _SURROGATE.search(text) is not None)


class NoNulText(BaseModel):
    """Mixed into request bodies: a field whose text holds a NUL or a lone surrogate anywhere is 400 naming
    the field."""

    # After each field's own validation: a nested model has then checked its own fields (so the error names
    # the innermost field, `groups[0].conditions[0].value`), and only plain text, lists and dicts are left.
    @field_validator("*", mode="after")
    @classmethod
    def _refuse_nul(cls, value: Any) -> Any:
        if has_nul(value):
            raise PydanticCustomError("string_nul", NUL_MESSAGE)
        if has_surrogate(value):
            raise PydanticCustomError("string_surrogate", SURROGATE_MESSAGE)
        return value


def not_null(*properties: str) -> Callable[[dict[str, Any]], None]:
    """A model's `json_schema_extra` that documents `properties` without their null alternative: fields that are
    `X | None` so absent can be told from sent, but where the endpoint refuses a null that is sent."""

    def drop_null(schema: dict[str, Any]) -> None:
        for name in properties:
            prop = schema["properties"][name]
            alternatives = [option for option in prop.pop("anyOf") if option != {"type": "null"}]
            prop.update(alternatives[0] if len(alternatives) == 1 else {"anyOf": alternatives})

    return drop_null
