"""TetherAI's documented exchanges that real clients depend on, replayed (fixtures/recorded/, one file per point;
`evidence` says where each comes from, as docs/compat.md does). Placeholders as in replay.py; a request is sent
with `bearer` as its token when it names one, and without any token otherwise; `contains` checks only the keys
it gives."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.users import service as users
from tests.dialects.tether.replay import dig, mismatches, substitute
from tests.dialects.tether.support import FIXTURES
from tests.factories import World

CASES = {path.stem: json.loads(path.read_text()) for path in sorted((FIXTURES / "recorded").glob("*.json"))}
PASSWORD = "correct horse battery"


def contained(expected: Any, actual: Any, variables: dict[str, Any]) -> list[str]:
    if isinstance(expected, dict) and isinstance(actual, dict):
        return [
            p
            for k, v in expected.items()
            for p in ([f"missing {k}"] if k not in actual else contained(v, actual[k], variables))
        ]
    return mismatches(expected, actual, variables)


@pytest.mark.parametrize("name", CASES)
async def test_the_recorded_exchanges_replay(
    name: str, client: httpx.AsyncClient, world: World, database: Database
) -> None:
    case = CASES[name]
    assert case["point"] and case["evidence"]
    async with unit_of_work(database) as session:
        await users.set_password(session, world.alice.user.email, PASSWORD)
    variables: dict[str, Any] = {
        "password": PASSWORD,
        "aliceId": world.alice.user.oid,
        "acmeId": world.acme.oid,
        "contactId": world.contact.oid,
    }
    for number, step in enumerate(case["exchanges"]):
        request = substitute(step["request"], variables)
        headers = {"Authorization": f"Bearer {request['bearer']}"} if "bearer" in request else {}
        response = await client.request(request["method"], request["path"], json=request.get("json"), headers=headers)
        where = (name, number, step["name"])
        assert response.status_code == step["status"], (where, response.text)
        if "response" in step:
            assert not mismatches(step["response"], response.json(), variables), (where, response.json())
        if "contains" in step:
            assert not contained(step["contains"], response.json(), variables), (where, response.json())
        for name, dotted in step.get("capture", {}).items():
            variables[name] = dig(response.json(), dotted)
