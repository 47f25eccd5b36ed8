"""The whole TetherAI flow, replayed from recorded exchanges under fixtures/flow/ (docs/tether-api.md walks
through the same steps with curl): who am I, pick a user to mention, create a note mentioning them, list,
react twice, edit, read the mentioned user's inbox, mark it read, delete, and see it gone; then add a
contact and write a private note on it that nobody else can read."""

from __future__ import annotations

import httpx

from contactnotes.auth import service as auth
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.demo import load_demo
from contactnotes.users import service as users
from tests.dialects.tether.replay import dig, load_steps, mismatches, send
from tests.dialects.tether.support import FIXTURES

STEPS = load_steps(FIXTURES / "flow")


async def demo_tokens(database: Database) -> dict[str, str]:
    async with unit_of_work(database) as session:
        demo = await load_demo(session)
        alice = await users.find_by_email(session, "alice@example.com")
        issued = await auth.issue_token(session, alice, name="flow")
    return {"cory": demo.token, "alice": issued.secret}


def test_the_flow_has_every_step() -> None:
    assert [name for name, _ in STEPS][:3] == ["01_who_am_i", "02_mention_picker", "03_create_with_mention"]
    assert all(step["response"] is not None for _, step in STEPS)


async def test_the_recorded_flow_replays(client: httpx.AsyncClient, database: Database) -> None:
    tokens = await demo_tokens(database)
    variables: dict[str, object] = {}
    for name, step in STEPS:
        response = await send(client, step, tokens[step["as"]], variables)
        assert response.status_code == step["status"], (name, response.text)
        body = response.json()
        problems = mismatches(step["response"], body, variables)
        assert not problems, (name, problems)
        for variable, path in step.get("capture", {}).items():
            variables[variable] = dig(body, path)


def test_the_comparison_notices_every_kind_of_difference() -> None:
    expected = {"id": "{{objectId}}", "at": "{{timestamp}}", "same": "{{$x}}", "list": [1], "flag": True}
    actual = {"id": "nope", "at": "2026-01-01T00:00:00Z", "same": "y", "list": [1, 2], "flag": 1, "extra": 0}
    problems = mismatches(expected, actual, {"x": "x"})
    assert len(problems) == 6, problems
    good = {"id": "65b1f0a2c3d4e5f6a7b8c9d0", "at": "2026-01-01T00:00:00.000Z", "same": "x", "list": [1], "flag": True}
    assert mismatches(expected, good, {"x": "x"}) == []
