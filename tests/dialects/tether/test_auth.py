"""Who may do what, endpoint by endpoint: no token, another organization, a private note, member vs admin."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.dialects.tether.support import assert_tether_error, create_note
from tests.factories import World

SOME_ID = "65c2d0e0f0a0b0c0d0e0f0a0"
# Every endpoint of the dialect, with a well-formed request.
ENDPOINTS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", "/api/contact-notes", {"contactId": SOME_ID}),
    ("GET", f"/api/contact-notes?contactId={SOME_ID}", None),
    ("GET", f"/api/contact-notes/{SOME_ID}", None),
    ("PATCH", f"/api/contact-notes/{SOME_ID}", {"note": "x"}),
    ("DELETE", f"/api/contact-notes/{SOME_ID}", None),
    ("POST", f"/api/contact-notes/{SOME_ID}/reaction", {"emoji": "👍"}),
    ("GET", "/api/notifications", None),
    ("POST", f"/api/notifications/{SOME_ID}/read", None),
    ("POST", "/api/notifications/read-all", None),
    ("GET", "/api/users/me", None),
    ("GET", "/api/users", None),
    ("GET", "/api/contacts", None),
    ("POST", "/api/contacts", {"displayName": "Sam"}),
    ("GET", f"/api/contacts/{SOME_ID}", None),
]


def endpoint_id(endpoint: tuple[str, str, Any]) -> str:
    return f"{endpoint[0]} {endpoint[1].split('?')[0]}"


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=endpoint_id)
@pytest.mark.parametrize("header", [None, "Bearer cn_" + "B" * 43, "Basic YWxpY2U6cHc="])
async def test_every_endpoint_refuses_a_request_without_a_usable_token(
    client: httpx.AsyncClient, endpoint: tuple[str, str, dict[str, Any] | None], header: str | None
) -> None:
    method, path, body = endpoint
    headers = {"Authorization": header} if header else {}
    response = await client.request(method, path, json=body, headers=headers)
    assert_tether_error(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"


class TestAnotherOrganization:
    """Carol (Globex) knows the ids of Acme's objects: to her they do not exist."""

    async def test_acme_note_is_not_found_for_every_note_endpoint(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        note = await create_note(client, world.alice, world.contact.oid, note="acme only")
        path = f"/api/contact-notes/{note['_id']}"
        carol = world.carol.headers
        assert_tether_error(await client.get(path, headers=carol), 404)
        assert_tether_error(await client.patch(path, json={"note": "mine"}, headers=carol), 404)
        assert_tether_error(await client.post(f"{path}/reaction", json={"emoji": "👍"}, headers=carol), 404)
        assert_tether_error(await client.delete(path, headers=carol), 404)
        after = await client.get(path, headers=world.alice.headers)
        assert after.json()["data"]["note"] == "acme only" and after.json()["data"]["reactions"] == []

    async def test_acme_contact_is_not_found(self, client: httpx.AsyncClient, world: World) -> None:
        carol = world.carol.headers
        oid = world.contact.oid
        assert_tether_error(await client.get("/api/contact-notes", params={"contactId": oid}, headers=carol), 404)
        assert_tether_error(await client.post("/api/contact-notes", json={"contactId": oid}, headers=carol), 404)
        assert_tether_error(await client.get(f"/api/contacts/{oid}", headers=carol), 404)
        listed = (await client.get("/api/contacts", headers=carol)).json()
        assert [c["_id"] for c in listed["data"]] == [world.foreign_contact.oid]

    async def test_acme_notification_is_not_found(self, client: httpx.AsyncClient, world: World) -> None:
        await create_note(client, world.alice, world.contact.oid, mentions=[world.bob.oid])
        [item] = (await client.get("/api/notifications", headers=world.bob.headers)).json()["data"]
        assert (await client.get("/api/notifications", headers=world.carol.headers)).json()["data"] == []
        response = await client.post(f"/api/notifications/{item['_id']}/read", headers=world.carol.headers)
        assert_tether_error(response, 404)
        await client.post("/api/notifications/read-all", headers=world.carol.headers)
        assert (await client.get("/api/notifications", headers=world.bob.headers)).json()["unreadCount"] == 1

    async def test_acme_users_are_invisible(self, client: httpx.AsyncClient, world: World) -> None:
        users = (await client.get("/api/users", headers=world.carol.headers)).json()["data"]
        assert [u["_id"] for u in users] == [world.carol.oid]


class TestPrivateNote:
    """Alice's private note: to Bob and even to Ada (an admin) it does not exist."""

    async def test_is_not_found_for_everyone_else(self, client: httpx.AsyncClient, world: World) -> None:
        note = await create_note(client, world.alice, world.contact.oid, note="secret", private=True)
        path = f"/api/contact-notes/{note['_id']}"
        for persona in (world.bob, world.ada):
            headers = persona.headers
            assert_tether_error(await client.get(path, headers=headers), 404)
            assert_tether_error(await client.patch(path, json={"note": "x"}, headers=headers), 404)
            assert_tether_error(await client.post(f"{path}/reaction", json={"emoji": "👍"}, headers=headers), 404)
            assert_tether_error(await client.delete(path, headers=headers), 404)
        mine = await client.get(path, headers=world.alice.headers)
        assert mine.status_code == 200 and mine.json()["data"]["note"] == "secret"

    async def test_is_left_out_of_lists_and_totals(self, client: httpx.AsyncClient, world: World) -> None:
        await create_note(client, world.alice, world.contact.oid, note="secret", private=True)
        await create_note(client, world.alice, world.contact.oid, note="public")
        params = {"contactId": world.contact.oid}
        for persona in (world.bob, world.ada):
            body = (await client.get("/api/contact-notes", params=params, headers=persona.headers)).json()
            assert [n["note"] for n in body["data"]] == ["public"] and body["pagination"]["total"] == 1
        mine = (await client.get("/api/contact-notes", params=params, headers=world.alice.headers)).json()
        assert mine["pagination"]["total"] == 2


class TestMemberVersusAdmin:
    async def test_only_the_author_edits(self, client: httpx.AsyncClient, world: World) -> None:
        note = await create_note(client, world.alice, world.contact.oid, note="original")
        path = f"/api/contact-notes/{note['_id']}"
        for persona in (world.bob, world.ada):
            assert_tether_error(await client.patch(path, json={"note": "hijacked"}, headers=persona.headers), 403)
        current = (await client.get(path, headers=world.bob.headers)).json()["data"]
        assert current["note"] == "original" and current["isEdited"] is False

    async def test_a_member_cannot_delete_a_teammates_note(self, client: httpx.AsyncClient, world: World) -> None:
        note = await create_note(client, world.alice, world.contact.oid)
        path = f"/api/contact-notes/{note['_id']}"
        assert_tether_error(await client.delete(path, headers=world.bob.headers), 403)
        assert (await client.get(path, headers=world.bob.headers)).status_code == 200

    async def test_an_admin_deletes_a_teammates_note(self, client: httpx.AsyncClient, world: World) -> None:
        note = await create_note(client, world.alice, world.contact.oid)
        path = f"/api/contact-notes/{note['_id']}"
        assert (await client.delete(path, headers=world.ada.headers)).status_code == 200
        assert_tether_error(await client.get(path, headers=world.alice.headers), 404)

    async def test_the_author_deletes_their_own(self, client: httpx.AsyncClient, world: World) -> None:
        note = await create_note(client, world.bob, world.contact.oid)
        assert (await client.delete(f"/api/contact-notes/{note['_id']}", headers=world.bob.headers)).status_code == 200

    async def test_any_teammate_reacts(self, client: httpx.AsyncClient, world: World) -> None:
        note = await create_note(client, world.alice, world.contact.oid)
        for persona in (world.bob, world.ada):
            response = await client.post(
                f"/api/contact-notes/{note['_id']}/reaction", json={"emoji": "✅"}, headers=persona.headers
            )
            assert response.status_code == 200
        assert response.json()["data"]["reactions"][0]["count"] == 2
