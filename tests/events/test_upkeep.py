"""Periodic upkeep run by every worker: what is promised to be forgotten is forgotten, and no sooner."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.kit import clock
from contactnotes.models import Base, IdempotencyKey, OutboxEvent
from contactnotes.settings import Settings
from tests.events.conftest import work
from tests.factories import World


async def count(database: Database, model: type[Base]) -> int:
    async with unit_of_work(database) as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def create(client: httpx.AsyncClient, world: World, key: str) -> httpx.Response:
    headers = {**world.alice.headers, "Idempotency-Key": key}
    return await client.post("/api/contact-notes", json={"contactId": world.contact.oid, "note": key}, headers=headers)


async def test_idempotency_keys_are_forgotten_after_24_hours(
    client: httpx.AsyncClient, world: World, database: Database, settings: Settings
) -> None:
    with clock.using(clock.ManualClock()) as now:
        first = await create(client, world, "once")
        assert first.status_code == 201
        now.advance(hours=23)
        await work(settings, database)
        assert await count(database, IdempotencyKey) == 1
        assert (await create(client, world, "once")).json() == first.json()  # still a replay
        now.advance(hours=2)
        await work(settings, database)
        assert await count(database, IdempotencyKey) == 0


async def test_delivered_events_are_pruned_after_the_replay_window(
    client: httpx.AsyncClient, world: World, database: Database, settings: Settings
) -> None:
    with clock.using(clock.ManualClock()) as now:
        assert (await create(client, world, "an event")).status_code == 201
        await work(settings, database)
        delivered = await count(database, OutboxEvent)
        assert delivered > 0
        now.advance(days=6)
        await work(settings, database)
        assert await count(database, OutboxEvent) == delivered  # the stream can still replay them
        now.advance(days=2)
        await work(settings, database)
        assert await count(database, OutboxEvent) == 0
