"""A note's reminder: created and changed with the note from either dialect, the computed fields, the
complete/dismiss URLs it carries, and the Active lists of both dialects."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.models import Note, Reminder
from tests.factories import World

from .helpers import assert_error, assert_matches, create_note, fixture

BASE = "http://127.0.0.1:8000"


def path_of(url: str) -> str:
    assert url.startswith(BASE)
    return url[len(BASE) :]


async def count(database: Database, model: type) -> int:
    async with unit_of_work(database) as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


class TestOnTheNote:
    async def test_the_fixture_note_carries_the_full_reminder(self, client: httpx.AsyncClient, world: World) -> None:
        cid = world.contact.id
        response = await client.post(
            "/api/ContactNote",
            json=fixture("note_with_reminder.request.json", contactId=cid),
            headers=world.alice.headers,
        )
        assert response.status_code == 200, response.text
        body = response.json()
        expected = fixture("note_with_reminder.response.json", contactId=cid, reminderId=body["reminder"]["id"])
        assert_matches(body, expected)

    async def test_computed_fields_are_honest(self, client: httpx.AsyncClient, world: World) -> None:
        future = await create_note(
            client, world.alice, world.contact.id, reminder={"message": "later", "targetDate": "2999-01-01T00:00:00"}
        )
        reminder = future["reminder"]
        assert reminder["isPastDue"] is False and reminder["isUnresolved"] is True
        assert reminder["targetDate"] == "1/1/2999"  # no zone: the organization's (UTC)
        assert reminder["targetResolutionDateUtc"] == "2999-01-01T00:00:00"
        # The URLs are ours and work: the contact view lists the contact's notes.
        view = await client.get(path_of(reminder["contactViewUrl"]), headers=world.alice.headers)
        assert view.status_code == 200 and view.json()["list"][0]["id"] == future["id"]
        done = await client.post(path_of(reminder["completeUrl"]), headers=world.alice.headers)
        assert done.status_code == 200
        assert done.json()["taskStatus"] == "Completed" and done.json()["taskStatusDisplayName"] == "Completed"
        assert done.json()["isUnresolved"] is False and done.json()["isPastDue"] is False
        again = await client.post(path_of(reminder["completeUrl"]), headers=world.alice.headers)
        assert assert_error(again, 409)["error"]["code"] == "CONFLICT"
        note = await client.get(f"/api/ContactNote/{future['id']}", headers=world.alice.headers)
        assert note.json()["reminder"]["taskStatus"] == "Completed"

    async def test_dismiss_url_dismisses(self, client: httpx.AsyncClient, world: World) -> None:
        note = await create_note(
            client, world.alice, world.contact.id, reminder={"message": "m", "targetDate": "2000-01-01T00:00:00Z"}
        )
        assert note["reminder"]["isPastDue"] is True
        response = await client.post(path_of(note["reminder"]["dismissUrl"]), headers=world.alice.headers)
        assert response.json()["taskStatus"] == "Dismissed" and response.json()["isPastDue"] is False

    async def test_owner_defaults_to_the_author_and_may_be_a_teammate(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        note = await create_note(
            client,
            world.alice,
            world.contact.id,
            reminder={"message": "for bob", "targetDate": "2999-01-01T00:00:00Z", "owner": world.bob.user.id},
        )
        assert note["reminder"]["owner"] == "Bob Teammate"
        assert note["reminder"]["canComplete"] is False  # Alice is neither owner nor admin
        as_bob = await client.get(f"/api/ContactNote/{note['id']}", headers=world.bob.headers)
        assert as_bob.json()["reminder"]["canComplete"] is True

    @pytest.mark.parametrize(
        ("reminder", "field"),
        [
            ({"targetDate": "2030-01-01T00:00:00Z"}, "reminder.message"),
            ({"message": "", "targetDate": "2030-01-01T00:00:00Z"}, "reminder.message"),
            ({"message": "m"}, "reminder.targetDate"),
            ({"message": "m", "targetDate": "2030-01-01T00:00:00Z", "owner": 999999}, "reminder.owner"),
            ({"message": "m", "targetDate": "2030-01-01T00:00:00Z", "owner": "<carol>"}, "reminder.owner"),
        ],
    )
    async def test_bad_reminders_are_400_and_write_nothing(
        self, client: httpx.AsyncClient, world: World, database: Database, reminder: dict[str, Any], field: str
    ) -> None:
        if reminder.get("owner") == "<carol>":
            reminder["owner"] = world.carol.user.id
        response = await client.post(
            "/api/ContactNote", json={"contactId": world.contact.id, "reminder": reminder}, headers=world.alice.headers
        )
        assert_error(response, 400, field)
        assert await count(database, Note) == 0 and await count(database, Reminder) == 0

    async def test_a_private_notes_reminder_is_the_authors(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        payload = {
            "contactId": world.contact.id,
            "private": True,
            "reminder": {"message": "m", "targetDate": "2030-01-01T00:00:00Z", "owner": world.bob.user.id},
        }
        response = await client.post("/api/ContactNote", json=payload, headers=world.alice.headers)
        assert_error(response, 400, "reminder.owner")
        # Nor can a note with a teammate's reminder be made private afterwards.
        note = await create_note(
            client,
            world.alice,
            world.contact.id,
            reminder={"message": "m", "targetDate": "2030-01-01T00:00:00Z", "owner": world.bob.user.id},
        )
        made_private = await client.put(
            f"/api/ContactNote/{note['id']}", json={"private": True}, headers=world.alice.headers
        )
        assert_error(made_private, 400, "reminder.owner")

    async def test_put_changes_keeps_or_removes_the_reminder(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        note = await create_note(
            client, world.alice, world.contact.id, reminder={"message": "one", "targetDate": "2030-01-01T00:00:00Z"}
        )
        url = f"/api/ContactNote/{note['id']}"
        kept = await client.put(url, json={"note": "no reminder key"}, headers=world.alice.headers)
        assert kept.json()["reminder"]["message"] == "one"
        changed = await client.put(
            url,
            json={"reminder": {"message": "two", "targetDate": "2031-01-01T00:00:00Z"}},
            headers=world.alice.headers,
        )
        assert changed.json()["reminder"]["message"] == "two"
        assert changed.json()["reminder"]["id"] == note["reminder"]["id"]
        assert changed.json()["reminder"]["targetResolutionDateUtc"] == "2031-01-01T00:00:00"
        removed = await client.put(url, json={"reminder": None}, headers=world.alice.headers)
        assert removed.json()["reminder"] is None
        assert await count(database, Reminder) == 0

    async def test_a_deleted_notes_reminder_is_gone(self, client: httpx.AsyncClient, world: World) -> None:
        note = await create_note(
            client, world.alice, world.contact.id, reminder={"message": "m", "targetDate": "2030-01-01T00:00:00Z"}
        )
        await client.delete(f"/api/ContactNote/{note['id']}", headers=world.alice.headers)
        response = await client.post(f"/api/Reminder/{note['reminder']['id']}/Complete", headers=world.alice.headers)
        assert_error(response, 404)
        assert (await client.get("/api/Reminder/Active", headers=world.alice.headers)).json() == {
            "list": [],
            "total": 0,
        }


class TestActiveLists:
    async def test_active_is_the_callers_unresolved_reminders_soonest_first(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        later = await create_note(
            client, world.alice, world.contact.id, reminder={"message": "later", "targetDate": "2031-01-01T00:00:00Z"}
        )
        sooner = await create_note(
            client, world.alice, world.other_contact.id, reminder={"message": "sooner", "targetDate": "2030-01-01"}
        )
        await create_note(
            client, world.bob, world.contact.id, reminder={"message": "bob's", "targetDate": "2029-01-01T00:00:00Z"}
        )
        done = await create_note(
            client, world.alice, world.contact.id, reminder={"message": "done", "targetDate": "2029-01-01T00:00:00Z"}
        )
        await client.post(f"/api/Reminder/{done['reminder']['id']}/Complete", headers=world.alice.headers)
        response = await client.get("/api/Reminder/Active", headers=world.alice.headers)
        body = response.json()
        assert list(body) == ["list", "total"] and body["total"] == 2
        assert [r["message"] for r in body["list"]] == ["sooner", "later"]
        assert body["list"][1] == later["reminder"]
        page = await client.get("/api/Reminder/Active?skip=1&take=1", headers=world.alice.headers)
        assert [r["id"] for r in page.json()["list"]] == [later["reminder"]["id"]] and page.json()["total"] == 2
        assert sooner["reminder"]["contactDisplayName"] == "Priya Natarajan"

    async def test_by_contact_lists_everyones_but_not_private_ones(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        await create_note(client, world.alice, world.contact.id, reminder={"message": "a", "targetDate": "2030-01-01"})
        await create_note(client, world.bob, world.contact.id, reminder={"message": "b", "targetDate": "2030-01-02"})
        await create_note(
            client, world.alice, world.contact.id, private=True, reminder={"message": "p", "targetDate": "2030-01-03"}
        )
        await create_note(
            client, world.alice, world.other_contact.id, reminder={"message": "x", "targetDate": "2030-01-01"}
        )
        url = f"/api/Reminder/ByContact/{world.contact.id}/Active"
        as_bob = (await client.get(url, headers=world.bob.headers)).json()
        assert [r["message"] for r in as_bob["list"]] == ["a", "b"] and as_bob["total"] == 2
        as_alice = (await client.get(url, headers=world.alice.headers)).json()
        assert [r["message"] for r in as_alice["list"]] == ["a", "b", "p"] and as_alice["total"] == 3
        lowercase = await client.get(f"/api/reminder/bycontact/{world.contact.id}/active", headers=world.bob.headers)
        assert lowercase.json() == as_bob


class TestTetherSide:
    async def test_a_tether_note_takes_and_shows_a_reminder(self, client: httpx.AsyncClient, world: World) -> None:
        created = await client.post(
            "/api/contact-notes",
            json={
                "contactId": world.contact.oid,
                "reminder": {"message": "m", "targetDate": "2030-01-01T00:00:00Z", "owner": world.bob.oid},
            },
            headers=world.alice.headers,
        )
        assert created.status_code == 201, created.text
        reminder = created.json()["data"]["reminder"]
        assert reminder["owner"]["_id"] == world.bob.oid and reminder["status"] == "Active"
        assert reminder["noteId"] == created.json()["data"]["_id"] and reminder["contactId"] == world.contact.oid
        listed = await client.get("/api/reminders", headers=world.bob.headers)
        body = listed.json()
        assert body["success"] is True and body["pagination"] == {
            "total": 1,
            "limit": 25,
            "offset": 0,
            "hasMore": False,
        }
        assert body["data"][0]["_id"] == reminder["_id"] and body["data"][0]["canComplete"] is True
        assert (await client.get("/api/reminders", headers=world.alice.headers)).json()["data"] == []

    # Found by schemathesis: an offset past BIGINT reached the database and was a 500.
    @pytest.mark.parametrize("query", ["offset=99999999999999999999999", "offset=1000001", "limit=101"])
    async def test_paging_out_of_range_is_400_naming_it(
        self, client: httpx.AsyncClient, world: World, query: str
    ) -> None:
        response = await client.get(f"/api/reminders?{query}", headers=world.alice.headers)
        assert response.status_code == 400, response.text
        assert [e["field"] for e in response.json()["errors"]] == [query.split("=")[0]]

    async def test_complete_and_dismiss_permissions(self, client: httpx.AsyncClient, world: World) -> None:
        created = await client.post(
            "/api/contact-notes",
            json={"contactId": world.contact.oid, "reminder": {"message": "m", "targetDate": "2030-01-01T00:00:00Z"}},
            headers=world.alice.headers,
        )
        oid = created.json()["data"]["reminder"]["_id"]
        refused = await client.post(f"/api/reminders/{oid}/dismiss", headers=world.bob.headers)
        assert refused.status_code == 403 and refused.json()["success"] is False
        foreign = await client.post(f"/api/reminders/{oid}/dismiss", headers=world.carol.headers)
        assert foreign.status_code == 404
        anonymous = await client.post(f"/api/reminders/{oid}/dismiss")
        assert anonymous.status_code == 401
        malformed = await client.post("/api/reminders/nope/dismiss", headers=world.alice.headers)
        assert malformed.status_code == 404
        ok = await client.post(f"/api/reminders/{oid}/dismiss", headers=world.alice.headers)
        assert ok.status_code == 200 and ok.json()["data"]["status"] == "Dismissed"
        assert ok.json()["message"] == "Reminder dismissed"
        assert (await client.get("/api/reminders")).status_code == 401
