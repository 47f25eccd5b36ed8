"""Idempotency-Key on writes: done once, replayed after, refused when reused for another request."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import func, select

from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.models import Note, Notification
from tests.factories import World

URL = "/api/contact-notes"


async def count(database: Database, model: type[Note] | type[Notification]) -> int:
    async with unit_of_work(database) as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def with_key(world: World, key: str) -> dict[str, str]:
    return {**world.alice.headers, "Idempotency-Key": key}


async def test_a_retry_gets_the_stored_answer_and_nothing_is_done_twice(
    client: httpx.AsyncClient, world: World, database: Database
) -> None:
    body = {"contactId": world.contact.oid, "note": "once, @bob", "mentions": [world.bob.oid]}
    first = await client.post(URL, json=body, headers=with_key(world, "create-1"))
    again = await client.post(URL, json=body, headers=with_key(world, "create-1"))
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert again.json() == first.json()
    assert await count(database, Note) == 1
    assert await count(database, Notification) == 1  # Bob is told once


async def test_the_same_key_for_another_body_or_path_is_422(
    client: httpx.AsyncClient, world: World, database: Database
) -> None:
    body = {"contactId": world.contact.oid, "note": "first"}
    assert (await client.post(URL, json=body, headers=with_key(world, "k"))).status_code == 201
    other_body = await client.post(URL, json={**body, "note": "second"}, headers=with_key(world, "k"))
    other_path = await client.post(URL + "?x=1", json=body, headers=with_key(world, "k"))
    for response in (other_body, other_path):
        assert response.status_code == 422, response.text
        assert response.json()["success"] is False and "Idempotency-Key" in response.json()["message"]
    assert await count(database, Note) == 1


async def test_keys_belong_to_one_user(client: httpx.AsyncClient, world: World, database: Database) -> None:
    body = {"contactId": world.contact.oid, "note": "same key, two people"}
    alice = await client.post(URL, json=body, headers={**world.alice.headers, "Idempotency-Key": "shared"})
    bob = await client.post(URL, json=body, headers={**world.bob.headers, "Idempotency-Key": "shared"})
    assert alice.status_code == bob.status_code == 201
    assert alice.json()["data"]["_id"] != bob.json()["data"]["_id"]
    assert await count(database, Note) == 2


async def test_a_failed_request_does_not_use_up_the_key(
    client: httpx.AsyncClient, world: World, database: Database
) -> None:
    bad = await client.post(URL, json={"contactId": world.contact.oid, "type": "nope"}, headers=with_key(world, "k2"))
    assert bad.status_code == 400
    missing = await client.post(
        URL, json={"contactId": world.foreign_contact.oid}, headers=with_key(world, "k2")
    )  # another request under the same key is fine: nothing was stored
    assert missing.status_code == 404
    good = await client.post(URL, json={"contactId": world.contact.oid}, headers=with_key(world, "k2"))
    assert good.status_code == 201 and "Idempotent-Replayed" not in good.headers
    assert await count(database, Note) == 1


async def test_key_length_limit(client: httpx.AsyncClient, world: World) -> None:
    body = {"contactId": world.contact.oid}
    assert (await client.post(URL, json=body, headers=with_key(world, "k" * 255))).status_code == 201
    too_long = await client.post(URL, json=body, headers=with_key(world, "k" * 256))
    assert too_long.status_code == 400
    assert too_long.json()["errors"][0]["field"] == "Idempotency-Key"


async def test_fifty_concurrent_identical_requests_create_one_note(
    client: httpx.AsyncClient, world: World, database: Database
) -> None:
    body = {"contactId": world.contact.oid, "note": "racing"}
    responses = await asyncio.gather(*(client.post(URL, json=body, headers=with_key(world, "race")) for _ in range(50)))
    created = {r.json()["data"]["_id"] for r in responses if r.status_code == 201}
    assert all(r.status_code in (201, 409) for r in responses), [r.status_code for r in responses]
    assert len(created) == 1
    assert await count(database, Note) == 1
