"""Mentions: who is notified, exactly once, and who may not be mentioned."""

from __future__ import annotations

from typing import Any

import httpx

from contactnotes.db.engine import Database
from tests.dialects.tether.support import assert_tether_error, count_notifications, count_outbox, create_note
from tests.factories import Persona, World


async def inbox(client: httpx.AsyncClient, persona: Persona) -> list[dict[str, Any]]:
    response = await client.get("/api/notifications", headers=persona.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["data"]
    return items


class TestCreate:
    async def test_two_mentions_give_two_notifications(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        note = await create_note(
            client, world.alice, world.contact.oid, note="Heads up", mentions=[world.bob.oid, world.ada.oid]
        )
        assert await count_notifications(database) == 2
        for persona in (world.bob, world.ada):
            [item] = await inbox(client, persona)
            assert item["type"] == "mention" and item["noteId"] == note["_id"]
            assert item["actor"]["_id"] == world.alice.oid
            assert item["contactId"] == world.contact.oid
        assert await inbox(client, world.alice) == []

    async def test_an_id_and_a_handle_for_the_same_user_notify_once(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        await create_note(client, world.alice, world.contact.oid, note="@bob see this", mentions=[world.bob.oid])
        assert await count_notifications(database, world.bob.user.id) == 1

    async def test_self_mention_gives_none(self, client: httpx.AsyncClient, world: World, database: Database) -> None:
        note = await create_note(
            client, world.alice, world.contact.oid, note="note to @alice", mentions=[world.alice.oid]
        )
        assert note["mentions"] == [world.alice.oid]
        assert await count_notifications(database) == 0

    async def test_a_private_note_may_mention_its_author_only(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        response = await client.post(
            "/api/contact-notes",
            json={"contactId": world.contact.oid, "private": True, "mentions": [world.bob.oid]},
            headers=world.alice.headers,
        )
        assert_tether_error(response, 400, "mentions")
        response = await client.post(
            "/api/contact-notes",
            json={"contactId": world.contact.oid, "private": True, "note": "ask @bob"},
            headers=world.alice.headers,
        )
        assert_tether_error(response, 400, "mentions")
        assert await count_notifications(database) == 0
        await create_note(client, world.alice, world.contact.oid, private=True, mentions=[world.alice.oid])

    async def test_an_unknown_id_is_400_naming_it(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        unknown = "65b1f0a2c3d4e5f6a7b8c9ff"
        response = await client.post(
            "/api/contact-notes",
            json={"contactId": world.contact.oid, "mentions": [world.bob.oid, unknown]},
            headers=world.alice.headers,
        )
        body = assert_tether_error(response, 400, "mentions[1]")
        assert unknown in body["message"]
        assert await count_notifications(database) == 0


class TestEdit:
    async def test_an_edit_keeping_the_mentions_gives_none(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        note = await create_note(client, world.alice, world.contact.oid, mentions=[world.bob.oid, world.ada.oid])
        for body in ({"note": "reworded"}, {"note": "again", "mentions": [world.ada.oid, world.bob.oid]}):
            response = await client.patch(f"/api/contact-notes/{note['_id']}", json=body, headers=world.alice.headers)
            assert response.status_code == 200
            assert sorted(response.json()["data"]["mentions"]) == sorted([world.bob.oid, world.ada.oid])
        assert await count_notifications(database) == 2

    async def test_an_edit_adding_one_gives_one(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        note = await create_note(client, world.alice, world.contact.oid, mentions=[world.bob.oid])
        response = await client.patch(
            f"/api/contact-notes/{note['_id']}",
            json={"mentions": [world.bob.oid, world.ada.oid]},
            headers=world.alice.headers,
        )
        assert response.status_code == 200
        assert await count_notifications(database, world.bob.user.id) == 1
        assert await count_notifications(database, world.ada.user.id) == 1

    async def test_a_handle_added_to_the_body_gives_one(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        note = await create_note(client, world.alice, world.contact.oid, note="plain")
        response = await client.patch(
            f"/api/contact-notes/{note['_id']}", json={"note": "now with @ada"}, headers=world.alice.headers
        )
        assert response.json()["data"]["mentions"] == [world.ada.oid]
        assert await count_notifications(database) == 1

    async def test_making_a_note_private_that_mentions_others_is_400(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        note = await create_note(client, world.alice, world.contact.oid, mentions=[world.bob.oid])
        response = await client.patch(
            f"/api/contact-notes/{note['_id']}", json={"private": True}, headers=world.alice.headers
        )
        assert_tether_error(response, 400, "mentions")
        current = await client.get(f"/api/contact-notes/{note['_id']}", headers=world.bob.headers)
        assert current.status_code == 200 and current.json()["data"]["isPrivate"] is False

    async def test_a_failed_edit_notifies_nobody_and_emits_nothing(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        note = await create_note(client, world.alice, world.contact.oid)
        events_before = await count_outbox(database)
        response = await client.patch(
            f"/api/contact-notes/{note['_id']}",
            json={"mentions": [world.bob.oid], "type": "Séance"},
            headers=world.alice.headers,
        )
        assert_tether_error(response, 400, "type")
        assert await count_notifications(database) == 0
        assert await count_outbox(database) == events_before
        current = await client.get(f"/api/contact-notes/{note['_id']}", headers=world.alice.headers)
        assert current.json()["data"]["mentions"] == [] and current.json()["data"]["isEdited"] is False
