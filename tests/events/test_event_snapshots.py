"""An event carries the state it announces, and nobody reads through it what they can no longer see.

Each event's note is a snapshot taken in the write's transaction: a note edited before the worker ran is
still announced as created with the text it was created with. And whatever the snapshot holds, an event is
dropped for a reader who cannot see the note now (deleted, or made private since): on replay of the stream,
live on the stream, on webhooks and in email.
"""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import update

from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.dialects.tether.stream import sse
from contactnotes.jobs.events import EventType
from contactnotes.models import OutboxEvent
from contactnotes.notes import service as notes
from contactnotes.notes.schemas import NoteCreate
from contactnotes.realtime.hub import StreamHub
from contactnotes.settings import Settings
from tests.events.conftest import create_note, subscribe, work
from tests.events.processes import server
from tests.events.receiver import Receiver
from tests.events.test_stream import BOUND_SECONDS, Sse, sse_events
from tests.factories import World

SECRET = "the safe combination is 12-34-56"


async def patch(client: httpx.AsyncClient, headers: dict[str, str], note_id: str, **fields: object) -> None:
    response = await client.patch(f"/api/contact-notes/{note_id}", json=fields, headers=headers)
    assert response.status_code == 200, response.text


async def delete(client: httpx.AsyncClient, headers: dict[str, str], note_id: str) -> None:
    response = await client.delete(f"/api/contact-notes/{note_id}", headers=headers)
    assert response.status_code == 200, response.text


async def replay_until(base: str, headers: dict[str, str], last_id: int, marker_id: str) -> list[Sse]:
    """Every event the stream replays after `last_id`, up to the note_created of the marker note."""
    seen: list[Sse] = []
    async with httpx.AsyncClient(timeout=BOUND_SECONDS) as http:
        stream_headers = {**headers, "Last-Event-ID": str(last_id)}
        async with http.stream("GET", f"{base}/api/notifications/stream", headers=stream_headers) as response:
            assert response.status_code == 200

            async def collect() -> None:
                async for event in sse_events(response):
                    if event is None:
                        continue
                    seen.append(event)
                    if event.event == "note_created" and event.data.get("_id") == marker_id:
                        return

            await asyncio.wait_for(collect(), BOUND_SECONDS)
    return seen


class TestStreamReplay:
    async def test_replay_from_zero_never_shows_a_deleted_or_since_private_note(
        self, client: httpx.AsyncClient, world: World, database_url: str
    ) -> None:
        deleted = await create_note(client, world.alice.headers, world.contact.oid, note=f"deleted: {SECRET}")
        await delete(client, world.alice.headers, deleted["_id"])
        hidden = await create_note(client, world.alice.headers, world.contact.oid, note=f"hidden: {SECRET}")
        await patch(client, world.alice.headers, hidden["_id"], private=True)
        marker = await create_note(client, world.alice.headers, world.contact.oid, note="the last one")

        with server(database_url) as base:
            bob_sees = await replay_until(base, world.bob.headers, 0, marker["_id"])
            alice_sees = await replay_until(base, world.alice.headers, 0, marker["_id"])

        assert all(SECRET not in str(event.data) for event in bob_sees), bob_sees
        # Bob learns that the note he once saw is gone, and nothing else about it.
        [gone] = [e for e in bob_sees if e.event == "note_deleted"]
        assert gone.data == {"_id": deleted["_id"], "contactId": world.contact.oid, "contactIds": [world.contact.oid]}
        assert hidden["_id"] not in str([e.data for e in bob_sees])
        # The author still sees her own private note's events; the deleted one is gone for her too.
        assert [e.data["note"] for e in alice_sees if e.data.get("_id") == hidden["_id"]] == [
            f"hidden: {SECRET}",
            f"hidden: {SECRET}",
        ]
        assert all(f"deleted: {SECRET}" not in str(e.data) for e in alice_sees)

    async def test_replay_shows_each_event_with_the_text_it_announced(
        self, client: httpx.AsyncClient, world: World, database_url: str
    ) -> None:
        note = await create_note(client, world.alice.headers, world.contact.oid, note="first draft")
        await patch(client, world.alice.headers, note["_id"], note="second draft")
        marker = await create_note(client, world.alice.headers, world.contact.oid, note="the last one")

        with server(database_url) as base:
            seen = await replay_until(base, world.bob.headers, 0, marker["_id"])

        about = [(e.event, e.data["note"]) for e in seen if e.data.get("_id") == note["_id"]]
        assert about == [("note_created", "first draft"), ("note_updated", "second draft")]


class TestWebhooks:
    async def test_a_note_edited_at_once_is_announced_as_created_with_its_first_text(
        self, client: httpx.AsyncClient, world: World, receiver: Receiver, settings: Settings, database: Database
    ) -> None:
        await subscribe(client, world.ada.headers, receiver.url("/tether"), events=["note.created", "note.updated"])
        response = await client.post(
            "/api/Webhook",
            json={"payloadUrl": receiver.url("/virtuous"), "secret": "virtuous-secret-0123456789",
                  "contactNoteCreate": True, "contactNoteUpdate": True, "active": True},
            headers=world.ada.headers,
        )  # fmt: skip
        assert response.status_code == 200, response.text
        note = await create_note(client, world.alice.headers, world.contact.oid, note="as created")
        await patch(client, world.alice.headers, note["_id"], note="as edited")

        await work(settings, database)

        received = receiver.wait_for(4)
        tether = {r.json["type"]: r.json["data"]["note"] for r in received if r.path == "/tether"}
        virtuous = {r.json["type"]: r.json["data"] for r in received if r.path == "/virtuous"}
        assert tether["note.created"]["note"] == "as created"
        assert tether["note.created"]["noteHtml"].strip() == "<p>as created</p>"
        assert tether["note.created"]["isEdited"] is False
        assert tether["note.updated"]["note"] == "as edited"
        assert virtuous["contactNoteCreate"]["note"] == "as created"
        assert virtuous["contactNoteUpdate"]["note"] == "as edited"

    async def test_a_note_deleted_before_delivery_is_not_sent_as_created(
        self, client: httpx.AsyncClient, world: World, receiver: Receiver, settings: Settings, database: Database
    ) -> None:
        await subscribe(client, world.ada.headers, receiver.url(), events=["note.created", "note.deleted"])
        gone = await create_note(client, world.alice.headers, world.contact.oid, note=f"gone: {SECRET}")
        await delete(client, world.alice.headers, gone["_id"])
        hidden = await create_note(client, world.alice.headers, world.contact.oid, note=f"hidden: {SECRET}")
        await patch(client, world.alice.headers, hidden["_id"], private=True)
        kept = await create_note(client, world.alice.headers, world.contact.oid, note="still here")

        await work(settings, database)

        received = receiver.wait_for(2)
        await work(settings, database)
        assert sorted((r.json["type"], r.json["data"]["note"]["_id"]) for r in receiver.received) == sorted(
            [("note.deleted", gone["_id"]), ("note.created", kept["_id"])]
        )
        assert all(hidden["_id"] not in r.body.decode() for r in received)


async def test_an_event_written_before_snapshots_existed_is_told_as_the_rows_are_now_under_the_same_rule(
    client: httpx.AsyncClient, world: World, receiver: Receiver, settings: Settings, database: Database
) -> None:
    await subscribe(client, world.ada.headers, receiver.url(), events=["note.created"])
    kept = await create_note(client, world.alice.headers, world.contact.oid, note="before the upgrade")
    await patch(client, world.alice.headers, kept["_id"], note="edited before the upgrade")
    gone = await create_note(client, world.alice.headers, world.contact.oid, note=f"gone: {SECRET}")
    await delete(client, world.alice.headers, gone["_id"])
    async with unit_of_work(database) as session:  # as the rows of an older version look after the migration
        await session.execute(update(OutboxEvent).values(snapshot=None))

    await work(settings, database)

    [request] = receiver.wait_for(1)
    await work(settings, database)
    assert len(receiver.received) == 1
    assert request.json["data"]["note"]["_id"] == kept["_id"]
    assert request.json["data"]["note"]["note"] == "edited before the upgrade"


async def test_live_stream_events_of_a_note_deleted_before_they_were_dispatched_are_dropped(
    world: World, settings: Settings, database: Database
) -> None:
    hub = StreamHub(database, settings)
    try:
        listener = await hub.subscribe(world.bob.principal)
        async with unit_of_work(database) as session:  # both events commit, and reach the hub, together
            view = await notes.create_note(
                session, world.alice.principal, NoteCreate(contact=world.contact.id, body=f"@bob {SECRET}")
            )
            await notes.delete_note(session, world.alice.principal, view.id)

        told = []
        while not told or told[-1].type != EventType.NOTE_DELETED:
            told.append(await asyncio.wait_for(listener.queue.get(), BOUND_SECONDS))
    finally:
        await hub.close()
    assert [event.type for event in told] == [EventType.NOTE_DELETED]
    assert all(SECRET not in sse(event) for event in told)
