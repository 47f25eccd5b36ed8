"""A create with a mention costs a fixed, small number of statements (the hottest write; see
notes/create_repository.py). Counted statements do not move with the machine's load, so this is the
regression test for the create's speed; bench/results/2026-11-29-pg.md has the timings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import event, select

from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.models import Note, NoteMention, Notification, OutboxEvent
from tests.factories import World

# PostgreSQL: BEGIN; the token and its owner; the contact, the mentioned users and the new note's id; one
# statement writing the note, its mention, the inbox row and both outbox events; COMMIT.
POSTGRES_ROUND_TRIPS = ["BEGIN", "token", "lookup", "write", "COMMIT"]
# SQLite has no data-modifying CTEs: BEGIN IMMEDIATE (sent by the connection itself, db/inline_sqlite.py),
# token, lookup, then one statement per table (note, mentions, inbox, outbox), COMMIT.
SQLITE_ROUND_TRIPS = ["BEGIN", "SELECT", "SELECT", "INSERT", "INSERT", "INSERT", "INSERT", "COMMIT"]


@contextmanager
def round_trips(database: Database) -> Iterator[list[str]]:
    """Every statement and transaction boundary the app sends to the database (an executemany is one)."""
    seen: list[str] = []
    engine = database.engine.sync_engine

    def on_statement(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement.split(None, 1)[0].upper())

    def on_begin(_conn: Any) -> None:
        seen.append("BEGIN")

    def on_commit(_conn: Any) -> None:
        seen.append("COMMIT")

    listeners = [("before_cursor_execute", on_statement), ("begin", on_begin), ("commit", on_commit)]
    for name, listener in listeners:
        event.listen(engine, name, listener)
    try:
        yield seen
    finally:
        for name, listener in listeners:
            event.remove(engine, name, listener)


async def test_a_create_with_a_mention_takes_five_round_trips_on_postgresql_and_writes_every_row(
    client: httpx.AsyncClient, database: Database, world: World
) -> None:
    body = {"contactId": world.contact.oid, "note": "Call @bob back", "mentions": [world.ada.user.oid]}
    warm = await client.post("/api/contact-notes", json=body, headers=world.alice.headers)  # the token's first use
    assert warm.status_code == 201, warm.text

    with round_trips(database) as seen:
        response = await client.post("/api/contact-notes", json=body, headers=world.alice.headers)

    assert response.status_code == 201, response.text
    if database.is_sqlite:
        assert seen == SQLITE_ROUND_TRIPS
    else:
        assert [s if s in ("BEGIN", "COMMIT") else "?" for s in seen] == ["BEGIN", "?", "?", "?", "COMMIT"], seen
        assert len(seen) == len(POSTGRES_ROUND_TRIPS)
        assert seen[3] == "WITH"  # the one write
    data = response.json()["data"]
    async with unit_of_work(database) as session:
        note = (await session.scalars(select(Note).where(Note.oid == data["_id"]))).one()
        mentioned = set(await session.scalars(select(NoteMention.user_id).where(NoteMention.note_id == note.id)))
        inbox = list(await session.scalars(select(Notification).where(Notification.note_id == note.id)))
        about_note = OutboxEvent.payload["note_id"].as_integer() == note.id
        events = list(await session.scalars(select(OutboxEvent).where(about_note).order_by(OutboxEvent.id)))
    assert note.body == "Call @bob back" and note.author_id == world.alice.user.id
    assert mentioned == {world.bob.user.id, world.ada.user.id}
    assert sorted(n.user_id for n in inbox) == sorted(mentioned)
    # The mentions' events first, then the note's own, each with the note as created (its id included).
    assert [e.type for e in events] == ["user.mentioned", "user.mentioned", "note.created"]
    assert all(e.snapshot is not None and e.snapshot["note"]["id"] == note.id for e in events)
    assert {e.payload["user_id"] for e in events[:2]} == mentioned
    notified = {e.payload["user_id"]: e.snapshot["notice"]["oid"] for e in events[:2] if e.snapshot}
    assert notified == {n.user_id: n.oid for n in inbox}


async def test_a_create_that_fails_validation_writes_nothing(
    client: httpx.AsyncClient, database: Database, world: World
) -> None:
    body = {"contactId": world.contact.oid, "note": "hi", "mentions": [world.ada.user.oid, world.carol.user.oid]}
    response = await client.post("/api/contact-notes", json=body, headers=world.alice.headers)

    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["field"] == "mentions[1]"
    async with unit_of_work(database) as session:
        assert list(await session.scalars(select(Note.id))) == []
        assert list(await session.scalars(select(OutboxEvent.id))) == []
