"""Input types every dialect's wire models share."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, field_validator
from pydantic_core import PydanticCustomError

_STARTS_AS_A_DATE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}")


def _date_text(value: Any) -> Any:
    # Pydantic would also take a number (or a string of digits) as seconds since 1970: neither vendor documents
    # that, and the document promises a date-time string, so only text that starts as a date goes on to parsing.
    if isinstance(value, datetime) or (isinstance(value, str) and _STARTS_AS_A_DATE.match(value)):
        return value
    raise PydanticCustomError("datetime_text", "must be an ISO 8601 date-time, such as 2026-01-10T15:30:00Z")


DateTimeText = Annotated[datetime, BeforeValidator(_date_text)]


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


# ---- NUL characters ---------------------------------------------------------------------------------
# PostgreSQL cannot store U+0000 in text (SQLite can), so it is refused on the way in on both backends alike,
# as 400 naming the field, rather than failing as a database error.

NUL = "\x00"
NUL_MESSAGE = "must not contain NUL (U+0000) characters"


def has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(has_nul(key) or has_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(item) for item in value)
    return False


class NoNulText(BaseModel):
    """Mixed into request bodies: a field whose text holds a NUL anywhere is 400 naming the field."""

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_nul(cls, value: Any) -> Any:
        if has_nul(value):
            raise PydanticCustomError("string_nul", NUL_MESSAGE)
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
