"""A mention made through the Virtuous API reaches the mentioned user like one made through TetherAI's."""

from __future__ import annotations

import httpx

from contactnotes.db.engine import Database
from contactnotes.settings import Settings
from tests.events.conftest import subscribe, work
from tests.events.receiver import Receiver
from tests.factories import World


async def test_a_virtuous_note_with_a_handle_notifies_inbox_and_webhook(
    client: httpx.AsyncClient, world: World, receiver: Receiver, settings: Settings, database: Database
) -> None:
    await subscribe(client, world.ada.headers, receiver.url(), events=["user.mentioned"])
    created = await client.post(
        "/api/ContactNote",
        json={"contactId": world.contact.id, "note": "@bob please call them back", "type": "Call"},
        headers=world.alice.headers,
    )
    assert created.status_code == 200, created.text

    inbox = (await client.get("/api/notifications?unread=true", headers=world.bob.headers)).json()["data"]
    assert [(n["type"], n["actor"]["_id"], n["contactId"]) for n in inbox] == [
        ("mention", world.alice.oid, world.contact.oid)
    ]
    assert inbox[0]["noteExcerpt"] == "@bob please call them back"

    await work(settings, database)
    [request] = receiver.wait_for(1)
    assert request.json["type"] == "user.mentioned"
    assert request.json["data"]["user"]["_id"] == world.bob.oid
