"""GET /api/notifications, POST /api/notifications/{id}/read, POST /api/notifications/read-all."""

from __future__ import annotations

import httpx
import pytest

from tests.dialects.tether.support import ISO_MILLIS_Z, OBJECT_ID, assert_tether_error, create_note
from tests.factories import World


async def mention_bob(client: httpx.AsyncClient, world: World, text: str) -> str:
    return str((await create_note(client, world.alice, world.contact.oid, note=text, mentions=[world.bob.oid]))["_id"])


class TestList:
    async def test_what_which_note_by_whom_when_read_or_not(self, client: httpx.AsyncClient, world: World) -> None:
        note_id = await mention_bob(client, world, "Can you call Jordan back?")
        response = await client.get("/api/notifications", headers=world.bob.headers)
        assert response.status_code == 200
        body = response.json()
        assert body["success"] is True and body["message"] == "Notifications retrieved"
        assert body["pagination"] == {"total": 1, "limit": 25, "offset": 0, "hasMore": False}
        assert body["unreadCount"] == 1
        [item] = body["data"]
        assert OBJECT_ID.match(item["_id"]) and ISO_MILLIS_Z.match(item["createdAt"])
        assert item == {
            "_id": item["_id"],
            "type": "mention",
            "message": "Alice Author mentioned you in a note about Jordan Lee",
            "isRead": False,
            "readAt": None,
            "createdAt": item["createdAt"],
            "noteId": note_id,
            "noteExcerpt": "Can you call Jordan back?",
            "contactId": world.contact.oid,
            "contact": {"_id": world.contact.oid, "displayName": "Jordan Lee", "avatarUrl": None},
            "actor": {
                "_id": world.alice.oid,
                "fullName": "Alice Author",
                "email": "alice@acme.example.com",
                "avatarUrl": None,
            },
        }

    async def test_newest_first_pages_and_unread_filter(self, client: httpx.AsyncClient, world: World) -> None:
        for i in range(4):
            await mention_bob(client, world, f"n{i}")
        page = (await client.get("/api/notifications?limit=2&offset=1", headers=world.bob.headers)).json()
        assert [n["noteExcerpt"] for n in page["data"]] == ["n2", "n1"]
        assert page["pagination"] == {"total": 4, "limit": 2, "offset": 1, "hasMore": True}

        first = page["data"][0]["_id"]
        read = await client.post(f"/api/notifications/{first}/read", headers=world.bob.headers)
        assert read.status_code == 200

        unread = (await client.get("/api/notifications?unread=true", headers=world.bob.headers)).json()
        assert [n["noteExcerpt"] for n in unread["data"]] == ["n3", "n1", "n0"]
        assert unread["pagination"]["total"] == 3 and unread["unreadCount"] == 3
        everything = (await client.get("/api/notifications?unread=false", headers=world.bob.headers)).json()
        assert everything["pagination"]["total"] == 4 and everything["unreadCount"] == 3

    async def test_a_deleted_or_hidden_note_leaves_the_inbox(self, client: httpx.AsyncClient, world: World) -> None:
        kept = await mention_bob(client, world, "kept")
        gone = await mention_bob(client, world, "gone")
        hidden = await mention_bob(client, world, "hidden")
        await client.delete(f"/api/contact-notes/{gone}", headers=world.alice.headers)
        # Alice drops the mention and makes the note private: Bob's old notification must not lead to it.
        response = await client.patch(
            f"/api/contact-notes/{hidden}", json={"mentions": [], "private": True}, headers=world.alice.headers
        )
        assert response.status_code == 200
        body = (await client.get("/api/notifications", headers=world.bob.headers)).json()
        assert [n["noteId"] for n in body["data"]] == [kept]
        assert body["pagination"]["total"] == 1 and body["unreadCount"] == 1

    @pytest.mark.parametrize(("query", "field"), [("unread=maybe", "unread"), ("limit=500", "limit")])
    async def test_bad_parameters_are_400(
        self, client: httpx.AsyncClient, world: World, query: str, field: str
    ) -> None:
        response = await client.get(f"/api/notifications?{query}", headers=world.bob.headers)
        assert_tether_error(response, 400, field)


class TestRead:
    async def test_mark_one_read_keeps_the_first_read_time(self, client: httpx.AsyncClient, world: World) -> None:
        await mention_bob(client, world, "x")
        [item] = (await client.get("/api/notifications", headers=world.bob.headers)).json()["data"]
        first = await client.post(f"/api/notifications/{item['_id']}/read", headers=world.bob.headers)
        assert first.status_code == 200
        assert first.json()["message"] == "Notification marked read"
        data = first.json()["data"]
        assert data["isRead"] is True and ISO_MILLIS_Z.match(data["readAt"])
        again = await client.post(f"/api/notifications/{item['_id']}/read", headers=world.bob.headers)
        assert again.json()["data"]["readAt"] == data["readAt"]

    async def test_someone_elses_notification_is_404_and_stays_unread(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        await mention_bob(client, world, "x")
        [item] = (await client.get("/api/notifications", headers=world.bob.headers)).json()["data"]
        for persona in (world.alice, world.ada, world.carol):
            response = await client.post(f"/api/notifications/{item['_id']}/read", headers=persona.headers)
            assert_tether_error(response, 404)
        assert (await client.get("/api/notifications", headers=world.bob.headers)).json()["unreadCount"] == 1

    async def test_a_malformed_id_is_400(self, client: httpx.AsyncClient, world: World) -> None:
        response = await client.post("/api/notifications/nope/read", headers=world.bob.headers)
        assert_tether_error(response, 400, "notificationId")

    async def test_read_all_marks_only_the_callers(self, client: httpx.AsyncClient, world: World) -> None:
        for i in range(3):
            await mention_bob(client, world, f"n{i}")
        await create_note(client, world.bob, world.contact.oid, mentions=[world.ada.oid])
        response = await client.post("/api/notifications/read-all", headers=world.bob.headers)
        assert response.status_code == 200
        assert response.json() == {"success": True, "message": "Notifications marked read", "data": {"updated": 3}}
        bob = (await client.get("/api/notifications?unread=true", headers=world.bob.headers)).json()
        assert bob["data"] == [] and bob["unreadCount"] == 0
        ada = (await client.get("/api/notifications?unread=true", headers=world.ada.headers)).json()
        assert ada["unreadCount"] == 1
        again = await client.post("/api/notifications/read-all", headers=world.bob.headers)
        assert again.json()["data"] == {"updated": 0}
