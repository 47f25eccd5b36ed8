"""Exchanges recorded from the real Virtuous server and its real clients, replayed against contactnotes.

One file per compatibility point under fixtures/recorded/: `point` and `evidence` say what is replayed and where
it was recorded (or documented, or inferred; docs/compat.md has the same table). `setup` prepares the
organization (`timeZone`), Alice's password and two-factor secret, and notes; then each exchange's request is
sent (as Alice unless `auth` says "none" or gives a header), and the status, the named headers and the JSON
answer are compared. `json` is the whole answer (same keys, same order; `<int>`, `<str>`, `<datetime>` (the
server's `2023-11-30T14:20:56.277`), `<day>` (`10/4/2017`) and `<rfc1123>` check the type only); `contains`
checks only the keys given (lists item by item); `capture` keeps values for later requests (`<name>`).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
import pytest

from contactnotes.auth import totp
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.kit.clock import utc_now
from contactnotes.orgs import service as orgs
from contactnotes.users import service as users
from tests.factories import World

from .helpers import FIXTURES, assert_matches, substitute

CASES = {path.stem: json.loads(path.read_text()) for path in sorted((FIXTURES / "recorded").glob("*.json"))}
PASSWORD = "correct horse battery"


def assert_contains(actual: Any, expected: Any, path: str = "$") -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{path}: no {key!r} in {list(actual)}"
            assert_contains(actual[key], value, f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{path}: {actual!r}"
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_contains(a, e, f"{path}[{i}]")
    else:
        assert_matches(actual, expected, path)


def dig(document: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        document = document[int(part)] if isinstance(document, list) else document[part]
    return document


async def prepare(database: Database, world: World, setup: dict[str, Any], variables: dict[str, Any]) -> None:
    async with unit_of_work(database) as session:
        if "timeZone" in setup:
            await orgs.set_time_zone(session, world.acme.name, setup["timeZone"])
        if setup.get("password"):
            await users.set_password(session, world.alice.user.email, PASSWORD)
        if setup.get("totp"):
            _, variables["totpSecret"] = await users.enable_totp(session, world.alice.user.email)


def values(variables: dict[str, Any]) -> dict[str, Any]:
    """What `<name>` may name in a request or an expected answer; the dates are the organization's today."""
    now = utc_now()
    found = {**variables, "password": PASSWORD}
    if "totpSecret" in variables:
        found["otp"] = totp.current_code(variables["totpSecret"])
    found["isoToday"] = now.date().isoformat()
    found["isoLongAgo"] = (now - timedelta(days=400)).date().isoformat()
    return found


async def exchange(client: httpx.AsyncClient, world: World, request: dict[str, Any]) -> httpx.Response:
    headers = dict(request.get("headers", {}))
    auth = request.get("auth", "alice")
    if auth == "alice":
        headers["Authorization"] = f"Bearer {world.alice.token}"
    elif auth != "none":
        headers["Authorization"] = auth
    content: str | bytes | None = request.get("body")
    if "padToBytes" in request:  # a JSON body of exactly this many bytes
        size = request["padToBytes"]
        content = json.dumps({"note": "x" * (size - len('{"note": ""}'))})
        headers.setdefault("Content-Type", "application/json")
    if "json" in request:
        content = json.dumps(request["json"])
        headers.setdefault("Content-Type", "application/json")
    return await client.request(request["method"], request["path"], content=content, headers=headers)


def test_every_point_of_the_compatibility_list_has_a_case() -> None:
    points = [case["point"] for case in CASES.values()]
    assert sorted({p.split(".")[0] for p in points}) == ["1", "2", "3", "4", "5", "6"], points
    assert all(case["evidence"] for case in CASES.values())


@pytest.mark.parametrize("name", CASES)
async def test_the_recorded_exchanges_replay(
    name: str, client: httpx.AsyncClient, world: World, database: Database
) -> None:
    case = CASES[name]
    variables: dict[str, Any] = {"contactId": world.contact.id, "email": world.alice.user.email}
    await prepare(database, world, case.get("setup", {}), variables)
    for number, step in enumerate(case["exchanges"]):
        where = f"{name}[{number}] {step.get('name', '')}"
        response = await exchange(client, world, substitute(step["request"], values(variables)))
        assert response.status_code == step["status"], (where, response.text)
        for header, value in step.get("headers", {}).items():
            assert response.headers.get(header) == value, (where, header, response.headers.get(header))
        if "json" in step:
            assert_matches(response.json(), substitute(step["json"], values(variables)), where)
        if "contains" in step:
            assert_contains(response.json(), substitute(step["contains"], values(variables)), where)
        for name, dotted in step.get("capture", {}).items():
            variables[name] = dig(response.json(), dotted)
