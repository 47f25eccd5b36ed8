"""Edge values a client can send are a 400 naming the field (or a correct answer), never a 500, on both backends.

Each case was a 500 on at least one database: dates an offset pushes past year 1 or 9999, a lone surrogate,
forged cursors with huge numbers or year-1 instants, a skip past 32 bits on PostgreSQL, a NUL in an upload's
file name.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from contactnotes.settings import Settings
from tests.factories import World
from tests.files import pdf_bytes

# An offset that pushes the instant outside the calendar once it is turned into UTC.
PAST_YEAR_ONE = "0001-01-01T00:30:00+01:00"
PAST_YEAR_9999 = "9999-12-31T23:30:00-01:00"


def error_fields(response: httpx.Response) -> list[str]:
    body = response.json()
    if "errors" in body:  # Tether
        return [e["field"] for e in body["errors"]]
    return [d["field"] for d in body["error"]["details"]]  # Virtuous


def assert_400(response: httpx.Response, field: str) -> None:
    assert response.status_code == 400, response.text
    assert field in error_fields(response), response.text


@pytest.mark.parametrize("moment", [PAST_YEAR_ONE, PAST_YEAR_9999])
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"noteDateTime": "<moment>"}, "noteDateTime"),
        ({"reminder": {"message": "call", "targetDate": "<moment>"}}, "reminder.targetDate"),
    ],
)
async def test_tether_dates_past_the_calendar(
    client: httpx.AsyncClient, world: World, moment: str, body: dict[str, Any], field: str
) -> None:
    raw = json.dumps({"contactId": world.contact.oid, "note": "n", **body}).replace("<moment>", moment)
    response = await client.post(
        "/api/contact-notes", content=raw, headers={**world.alice.headers, "Content-Type": "application/json"}
    )
    assert_400(response, field)


@pytest.mark.parametrize("moment", [PAST_YEAR_ONE, PAST_YEAR_9999])
async def test_virtuous_dates_past_the_calendar(client: httpx.AsyncClient, world: World, moment: str) -> None:
    response = await client.post(
        "/api/ContactNote",
        json={"contactId": world.contact.id, "note": "n", "noteDateTime": moment},
        headers=world.alice.headers,
    )
    assert_400(response, "noteDateTime")
    reminder = {"message": "call", "targetDate": moment}
    response = await client.post(
        "/api/ContactNote",
        json={"contactId": world.contact.id, "note": "n", "reminder": reminder},
        headers=world.alice.headers,
    )
    assert_400(response, "reminder.targetDate")


async def _query(client: httpx.AsyncClient, world: World, *conditions: dict[str, Any]) -> httpx.Response:
    body = {"groups": [{"conditions": list(conditions)}]}
    return await client.post("/api/ContactNote/Query?take=10", json=body, headers=world.alice.headers)


@pytest.mark.parametrize("operator", ["Is", "Before", "After"])
@pytest.mark.parametrize("moment", [PAST_YEAR_ONE, PAST_YEAR_9999])
async def test_query_dates_past_the_calendar(
    client: httpx.AsyncClient, world: World, operator: str, moment: str
) -> None:
    response = await _query(client, world, {"parameter": "Note Date", "operator": operator, "value": moment})
    assert_400(response, "groups[0].conditions[0].value")


async def test_query_dates_at_the_calendar_ends_are_answered(client: httpx.AsyncClient, world: World) -> None:
    """The last day of the calendar and the first are ordinary dates: the query runs (its end is open)."""
    created = await client.post(
        "/api/ContactNote",
        json={"contactId": world.contact.id, "note": "far future", "noteDateTime": "9999-12-31T12:00:00Z"},
        headers=world.alice.headers,
    )
    assert created.status_code == 200, created.text
    cases: list[dict[str, Any]] = [
        {"parameter": "Note Date", "operator": "Between", "value": "2026-01-01", "secondaryValue": "9999-12-31"},
        {"parameter": "Note Date", "operator": "Is", "value": "9999-12-31"},
        {"parameter": "Note Date", "operator": "After", "value": "9999-12-30"},
        {"parameter": "Note Date", "operator": "Between", "value": "0001-01-01", "secondaryValue": "9999-12-31"},
    ]
    for condition in cases:
        response = await _query(client, world, condition)
        assert response.status_code == 200, (condition, response.text)
        assert [n["note"] for n in response.json()["list"]] == ["far future"], condition
    for condition in [
        {"parameter": "Note Date", "operator": "After", "value": "9999-12-31"},
        {"parameter": "Note Date", "operator": "Before", "value": "0001-01-01"},
    ]:
        response = await _query(client, world, condition)
        assert response.status_code == 200, (condition, response.text)
        assert response.json()["list"] == [], condition


@pytest.mark.parametrize("where", ["value", "secondaryValue", "values"])
async def test_query_lone_surrogate(client: httpx.AsyncClient, world: World, where: str) -> None:
    # json.dumps would escape it the same way; written out so the test shows what goes on the wire.
    condition = {
        "value": '{"parameter": "Note", "operator": "Contains", "value": "a\\ud800"}',
        "secondaryValue": '{"parameter": "Note Date", "operator": "Between", "value": "2026-01-01", '
        '"secondaryValue": "\\ud800"}',
        "values": '{"parameter": "Type", "operator": "In", "values": ["Call", "\\udfff"]}',
    }[where]
    raw = '{"groups": [{"conditions": [' + condition + "]}]}"
    response = await client.post(
        "/api/ContactNote/Query", content=raw, headers={**world.alice.headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert error_fields(response)[0].startswith("groups[0].conditions[0]"), response.text


async def test_tether_body_lone_surrogate(client: httpx.AsyncClient, world: World) -> None:
    raw = json.dumps({"contactId": world.contact.oid}).rstrip("}") + ', "note": "x\\ud83d"}'
    response = await client.post(
        "/api/contact-notes", content=raw, headers={**world.alice.headers, "Content-Type": "application/json"}
    )
    assert_400(response, "note")


def _cursor(*items: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(items)).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        _cursor("2026-01-01T00:00:00+00:00", 2**70, None),
        _cursor("2026-01-01T00:00:00+00:00", 1, 2**70),
        _cursor("2026-01-01T00:00:00+00:00", -(2**70), None),
        _cursor("0001-01-01T00:00:00+05:00", 1, None),
        _cursor("9999-12-31T23:59:59-05:00", 1, None),
    ],
)
async def test_forged_cursor(client: httpx.AsyncClient, world: World, cursor: str) -> None:
    response = await client.get(
        f"/api/contact-notes?contactId={world.contact.oid}&cursor={cursor}", headers=world.alice.headers
    )
    assert_400(response, "cursor")


async def test_year_one_cursor_is_a_position(client: httpx.AsyncClient, world: World) -> None:
    """A cursor at the calendar's first instant is a valid position: nothing comes after it, newest first."""
    cursor = _cursor("0001-01-01T00:00:00+00:00", 1, None)
    response = await client.get(
        f"/api/contact-notes?contactId={world.contact.oid}&cursor={cursor}", headers=world.alice.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"] == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/ContactNote/ByContact/<contact>?skip=2147483648",
        "/api/ContactNote/Important/ByContact/<contact>?skip=9223372036854775807",
        "/api/Reminder/Active?skip=2147483648",
    ],
)
async def test_skip_past_32_bits(client: httpx.AsyncClient, world: World, path: str) -> None:
    response = await client.get(path.replace("<contact>", str(world.contact.id)), headers=world.alice.headers)
    assert response.status_code == 200, response.text
    assert response.json()["list"] == []


async def test_query_skip_past_32_bits(client: httpx.AsyncClient, world: World) -> None:
    response = await client.post(
        "/api/ContactNote/Query?skip=2147483648", json={"groups": []}, headers=world.alice.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["list"] == []


async def test_upload_file_name_with_nul(client: httpx.AsyncClient, world: World) -> None:
    # Written by hand: httpx (as browsers do) would send the NUL as "%00".
    boundary = b"edge-boundary"
    body = (
        b"--" + boundary + b'\r\nContent-Disposition: form-data; name="files"; filename="w2\x00.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + pdf_bytes(2000) + b"\r\n--" + boundary + b"--\r\n"
    )
    headers = {**world.alice.headers, "Content-Type": f"multipart/form-data; boundary={boundary.decode()}"}
    response = await client.post("/api/upload", content=body, headers=headers)
    assert_400(response, "files")


@pytest.mark.parametrize("size", ["5", True, 5.5])
async def test_presign_size_is_a_json_integer(client: httpx.AsyncClient, world: World, size: Any) -> None:
    response = await client.post(
        "/api/uploads/presign", json={"name": "w2.pdf", "size": size}, headers=world.alice.headers
    )
    assert_400(response, "size")


@pytest.mark.parametrize(
    "name", ["access_token_days", "refresh_token_days", "rate_limit_window_seconds", "signed_url_seconds"]
)
def test_settings_that_must_be_positive(name: str) -> None:
    # The message names the environment variable (the input's repr may be cut short by other settings).
    with pytest.raises(ValidationError, match=f"CONTACTNOTES_{name.upper()} must be greater than 0"):
        Settings(**{name: 0}, _env_file=None)  # type: ignore[call-arg, arg-type]


def test_the_command_stops_with_a_message_naming_the_variable(tmp_path: Path) -> None:
    env = {**os.environ, "CONTACTNOTES_ACCESS_TOKEN_DAYS": "0", "CONTACTNOTES_VAR_DIR": str(tmp_path)}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "contactnotes"), "demo"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done
    assert "CONTACTNOTES_ACCESS_TOKEN_DAYS must be greater than 0" in done.stderr
    assert "Traceback" not in done.stderr
