"""Shared helpers for the Virtuous dialect tests: fixtures with placeholders, the error shape, note creation."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx

from tests.factories import Persona

FIXTURES = Path(__file__).parent / "fixtures"
ISO_MILLIS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
# How the real server writes a ...DateTimeUtc (recorded "2023-11-30T14:20:56.277"): no zone, 0-7 fraction digits.
DOTNET_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,6}[1-9])?$")
# A string-typed date (recorded "10/4/2017"): M/d/yyyy without leading zeros.
CALENDAR_DAY = re.compile(r"^[1-9]\d?/[1-9]\d?/\d{4}$")
DENIED = {"message": "Authorization has been denied for this request."}
RFC1123 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$"
)
TYPE_CHECKS = {
    "<int>": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "<str>": lambda v: isinstance(v, str) and bool(v),
    "<datetime>": lambda v: isinstance(v, str) and DOTNET_UTC.match(v) is not None,
    "<day>": lambda v: isinstance(v, str) and CALENDAR_DAY.match(v) is not None,
    "<rfc1123>": lambda v: isinstance(v, str) and RFC1123.match(v) is not None,
}


def _substitute(value: Any, subs: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {k: _substitute(v, subs) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, subs) for v in value]
    if isinstance(value, str):
        for key, replacement in subs.items():
            marker = f"<{key}>"
            if value == marker:
                return replacement
            value = value.replace(marker, str(replacement))
    return value


def day_of(dotnet_utc: str) -> str:
    """The M/d/yyyy of a ...DateTimeUtc value, for an organization on UTC."""
    year, month, day = dotnet_utc[:10].split("-")
    return f"{int(month)}/{int(day)}/{int(year)}"


def substitute(value: Any, subs: dict[str, Any]) -> Any:
    """<name> markers replaced by subs[name] (a whole-string marker keeps the value's type)."""
    return _substitute(value, subs)


def fixture(name: str, **subs: Any) -> Any:
    """A JSON fixture with <name> placeholders replaced; type placeholders (<int>, <datetime>) are kept."""
    return _substitute(json.loads((FIXTURES / name).read_text()), subs)


def assert_matches(actual: Any, expected: Any, path: str = "$") -> None:
    """Equal to the fixture, key order included; <int>/<str>/<datetime>/<rfc1123> check the type only."""
    if isinstance(expected, str) and expected in TYPE_CHECKS:
        assert TYPE_CHECKS[expected](actual), f"{path}: {actual!r} is not {expected}"
    elif isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: {actual!r}"
        assert list(actual) == list(expected), f"{path}: keys {list(actual)} != {list(expected)}"
        for key in expected:
            assert_matches(actual[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{path}: {actual!r}"
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_matches(a, e, f"{path}[{i}]")
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"


def assert_error(response: httpx.Response, status: int, field: str | None = None) -> dict[str, Any]:
    """The Virtuous error shape: top-level message plus {error: {code, message, details}}; a 401 is the real
    server's one sentence with WWW-Authenticate: Bearer."""
    assert response.status_code == status, response.text
    body = response.json()
    if status == 401:
        assert body == DENIED and response.headers["www-authenticate"] == "Bearer"
        assert field is None
        return body
    assert isinstance(body["message"], str) and body["message"]
    assert body["error"]["message"] == body["message"]
    assert isinstance(body["error"]["code"], str) and body["error"]["code"].isupper()
    if field is not None:
        assert field in [d["field"] for d in body["error"]["details"]], body
    return body


async def create_note(client: httpx.AsyncClient, persona: Persona, contact_id: int, **fields: Any) -> dict[str, Any]:
    response = await client.post("/api/ContactNote", json={"contactId": contact_id, **fields}, headers=persona.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
