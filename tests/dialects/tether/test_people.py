"""GET /api/users/me, GET /api/users, GET/POST /api/contacts, GET /api/contacts/{contactId}."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.models import Contact
from tests.dialects.tether.support import ISO_MILLIS_Z, assert_tether_error
from tests.factories import World


async def count_contacts(database: Database) -> int:
    async with unit_of_work(database) as session:
        return int(await session.scalar(select(func.count()).select_from(Contact)) or 0)


class TestMe:
    async def test_the_caller_and_their_organization(self, client: httpx.AsyncClient, world: World) -> None:
        response = await client.get("/api/users/me", headers=world.ada.headers)
        assert response.status_code == 200
        body = response.json()
        assert body["success"] is True and body["message"] == "User retrieved"
        data = body["data"]
        assert ISO_MILLIS_Z.match(data.pop("createdAt"))
        assert data == {
            "_id": world.ada.oid,
            "fullName": "Ada Admin",
            "email": "ada@acme.example.com",
            "handle": "ada",
            "avatarUrl": None,
            "role": "admin",
            "organization": {"_id": world.acme.oid, "name": "Acme"},
        }

    async def test_a_member_is_a_member(self, client: httpx.AsyncClient, world: World) -> None:
        data = (await client.get("/api/users/me", headers=world.bob.headers)).json()["data"]
        assert data["role"] == "member" and data["organization"]["_id"] == world.acme.oid


class TestUsers:
    async def test_members_of_the_callers_organization_only(self, client: httpx.AsyncClient, world: World) -> None:
        body = (await client.get("/api/users", headers=world.bob.headers)).json()
        assert body["message"] == "Users retrieved"
        assert [u["fullName"] for u in body["data"]] == ["Ada Admin", "Alice Author", "Bob Teammate"]
        assert body["pagination"] == {"total": 3, "limit": 25, "offset": 0, "hasMore": False}
        assert {u["handle"] for u in body["data"]} == {"ada", "alice", "bob"}
        carol = (await client.get("/api/users", headers=world.carol.headers)).json()
        assert [u["_id"] for u in carol["data"]] == [world.carol.oid]

    async def test_search_and_pages(self, client: httpx.AsyncClient, world: World) -> None:
        found = (await client.get("/api/users?search=AL", headers=world.bob.headers)).json()
        assert [u["_id"] for u in found["data"]] == [world.alice.oid]
        # '%' and '_' match themselves, not everything.
        none = (await client.get("/api/users", params={"search": "%"}, headers=world.bob.headers)).json()
        assert none["data"] == [] and none["pagination"]["total"] == 0
        page = (await client.get("/api/users?limit=1&offset=1", headers=world.bob.headers)).json()
        assert [u["fullName"] for u in page["data"]] == ["Alice Author"]
        assert page["pagination"] == {"total": 3, "limit": 1, "offset": 1, "hasMore": True}

    async def test_bad_limit_is_400(self, client: httpx.AsyncClient, world: World) -> None:
        assert_tether_error(await client.get("/api/users?limit=abc", headers=world.bob.headers), 400, "limit")


class TestContacts:
    async def test_create_then_get_then_list(self, client: httpx.AsyncClient, world: World) -> None:
        response = await client.post(
            "/api/contacts",
            json={"displayName": "  Morgan   Ortiz ", "email": "Morgan@Example.org"},
            headers=world.bob.headers,
        )
        assert response.status_code == 201, response.text
        assert response.json()["message"] == "Contact created"
        created = response.json()["data"]
        assert created["displayName"] == "Morgan Ortiz" and created["email"] == "morgan@example.org"
        assert created["avatarUrl"] is None and ISO_MILLIS_Z.match(created["createdAt"])

        got = await client.get(f"/api/contacts/{created['_id']}", headers=world.alice.headers)
        assert got.status_code == 200 and got.json()["data"] == created
        assert got.json()["message"] == "Contact retrieved"

        listed = (await client.get("/api/contacts", headers=world.alice.headers)).json()
        assert [c["displayName"] for c in listed["data"]] == ["Jordan Lee", "Morgan Ortiz", "Priya Natarajan"]
        assert listed["pagination"]["total"] == 3 and listed["message"] == "Contacts retrieved"
        searched = (await client.get("/api/contacts?search=example.org", headers=world.alice.headers)).json()
        assert [c["_id"] for c in searched["data"]] == [created["_id"]]

    async def test_notes_can_be_written_on_a_new_contact(self, client: httpx.AsyncClient, world: World) -> None:
        contact = (await client.post("/api/contacts", json={"name": "Sam"}, headers=world.bob.headers)).json()["data"]
        response = await client.post(
            "/api/contact-notes", json={"contactId": contact["_id"], "note": "hi"}, headers=world.bob.headers
        )
        assert response.status_code == 201

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({}, "displayName"),
            ({"displayName": "   "}, "displayName"),
            ({"displayName": "x" * 301}, "displayName"),
            ({"displayName": "Sam", "email": "not-an-email"}, "email"),
            ({"displayName": "Sam", "avatarUrl": "javascript:alert(1)"}, "avatarUrl"),
            ({"displayName": "Sam", "avatarUrl": "data:image/png;base64,AAAA"}, "avatarUrl"),
        ],
    )
    async def test_bad_input_is_400_and_writes_nothing(
        self, client: httpx.AsyncClient, world: World, database: Database, payload: dict[str, str], field: str
    ) -> None:
        response = await client.post("/api/contacts", json=payload, headers=world.bob.headers)
        assert_tether_error(response, 400, field)
        assert await count_contacts(database) == 3

    async def test_a_malformed_or_unknown_id(self, client: httpx.AsyncClient, world: World) -> None:
        assert_tether_error(await client.get("/api/contacts/nope", headers=world.bob.headers), 400, "contactId")
        response = await client.get("/api/contacts/65c2d0e0f0a0b0c0d0e0f0ff", headers=world.bob.headers)
        assert_tether_error(response, 404)
