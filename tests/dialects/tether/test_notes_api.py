"""GET, list, PATCH, DELETE and reaction of /api/contact-notes: behaviour a client sees."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.models import Note
from tests.attachments.helpers import as_attachment, upload_pdf
from tests.dialects.tether.support import ISO_MILLIS_Z, assert_tether_error, create_note
from tests.factories import World


class TestGet:
    async def test_answers_the_note_in_the_vendor_shape(self, client: httpx.AsyncClient, world: World) -> None:
        note = await create_note(client, world.alice, world.contact.oid, note="Call **back**")
        response = await client.get(f"/api/contact-notes/{note['_id']}", headers=world.bob.headers)
        assert response.status_code == 200
        body = response.json()
        assert body["success"] is True and body["message"] == "Contact note retrieved"
        assert body["data"] == note

    async def test_upper_case_ids_are_accepted(self, client: httpx.AsyncClient, world: World) -> None:
        note = await create_note(client, world.alice, world.contact.oid)
        response = await client.get(f"/api/contact-notes/{note['_id'].upper()}", headers=world.alice.headers)
        assert response.status_code == 200
        assert response.json()["data"]["_id"] == note["_id"]

    @pytest.mark.parametrize("bad", ["abc", "zzzzzzzzzzzzzzzzzzzzzzzz", "1234"])
    async def test_a_malformed_id_is_400_naming_it(self, client: httpx.AsyncClient, world: World, bad: str) -> None:
        response = await client.get(f"/api/contact-notes/{bad}", headers=world.alice.headers)
        assert_tether_error(response, 400, "noteId")

    async def test_an_unknown_id_is_404(self, client: httpx.AsyncClient, world: World) -> None:
        response = await client.get("/api/contact-notes/65c2d0e0f0a0b0c0d0e0f0a9", headers=world.alice.headers)
        assert_tether_error(response, 404)


class TestList:
    async def test_newest_note_date_first_with_pagination(self, client: httpx.AsyncClient, world: World) -> None:
        for day in ("2026-03-01", "2026-01-01", "2026-02-01"):
            await create_note(client, world.alice, world.contact.oid, note=day, noteDateTime=f"{day}T12:00:00Z")
        await create_note(client, world.alice, world.other_contact.oid, note="elsewhere")

        response = await client.get(
            "/api/contact-notes", params={"contactId": world.contact.oid}, headers=world.bob.headers
        )

        assert response.status_code == 200
        body = response.json()
        assert body["success"] is True and body["message"] == "Contact notes retrieved"
        assert [n["note"] for n in body["data"]] == ["2026-03-01", "2026-02-01", "2026-01-01"]
        assert body["pagination"] == {"total": 3, "limit": 25, "offset": 0, "hasMore": False, "nextCursor": None}

    async def test_numbers_as_strings_and_pages(self, client: httpx.AsyncClient, world: World) -> None:
        for i in range(5):
            await create_note(client, world.alice, world.contact.oid, note=f"n{i}", noteDateTime=f"2026-01-0{i + 1}")
        url = f"/api/contact-notes?contactId={world.contact.oid}&limit=2&offset=2"
        body = (await client.get(url, headers=world.alice.headers)).json()
        assert [n["note"] for n in body["data"]] == ["n2", "n1"]
        assert body["pagination"]["total"] == 5 and body["pagination"]["hasMore"] is True
        assert body["pagination"]["limit"] == 2 and body["pagination"]["offset"] == 2

    async def test_the_cursor_walks_every_note_once(self, client: httpx.AsyncClient, world: World) -> None:
        # Same note date for all: the id breaks ties, so no note is skipped or repeated between pages.
        made = [
            (await create_note(client, world.alice, world.contact.oid, noteDateTime="2026-01-01T00:00:00Z"))["_id"]
            for _ in range(7)
        ]
        seen: list[str] = []
        params: dict[str, Any] = {"contactId": world.contact.oid, "limit": "3"}
        pages = 0
        while True:
            body = (await client.get("/api/contact-notes", params=params, headers=world.alice.headers)).json()
            seen += [n["_id"] for n in body["data"]]
            assert body["pagination"]["total"] == 7
            pages += 1
            if not body["pagination"]["hasMore"]:
                assert body["pagination"]["nextCursor"] is None
                break
            params["cursor"] = body["pagination"]["nextCursor"]
        assert pages == 3
        assert seen == list(reversed(made))

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"limit": "0"}, "limit"),
            ({"limit": "101"}, "limit"),
            ({"limit": "ten"}, "limit"),
            ({"offset": "-1"}, "offset"),
            ({"offset": "x"}, "offset"),
            ({"cursor": "not-a-cursor"}, "cursor"),
            ({"cursor": "WyIyMDI2LTAxLTAxVDAwOjAwOjAwKzAwOjAwIiwzLC0xXQ"}, "cursor"),  # a negative total
            ({"cursor": "abc", "offset": "5"}, "cursor"),
        ],
    )
    async def test_bad_paging_is_400_naming_the_parameter(
        self, client: httpx.AsyncClient, world: World, params: dict[str, str], field: str
    ) -> None:
        response = await client.get(
            "/api/contact-notes", params={"contactId": world.contact.oid, **params}, headers=world.alice.headers
        )
        assert_tether_error(response, 400, field)

    async def test_limit_100_is_allowed(self, client: httpx.AsyncClient, world: World) -> None:
        response = await client.get(
            "/api/contact-notes", params={"contactId": world.contact.oid, "limit": "100"}, headers=world.alice.headers
        )
        assert response.status_code == 200
        assert response.json()["pagination"]["limit"] == 100

    @pytest.mark.parametrize("params", [{}, {"contactId": "nope"}])
    async def test_contact_id_is_required_and_checked(
        self, client: httpx.AsyncClient, world: World, params: dict[str, str]
    ) -> None:
        response = await client.get("/api/contact-notes", params=params, headers=world.alice.headers)
        assert_tether_error(response, 400, "contactId")


class TestUpdate:
    async def test_changes_only_what_is_sent_and_flips_is_edited(self, client: httpx.AsyncClient, world: World) -> None:
        note = await create_note(
            client, world.alice, world.contact.oid, note="first", type="Call", important=True, timeSpent=10
        )
        response = await client.patch(
            f"/api/contact-notes/{note['_id']}", json={"note": "second *take*"}, headers=world.alice.headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["message"] == "Contact note updated"
        data = body["data"]
        assert data["note"] == "second *take*" and data["noteHtml"] == "<p>second <em>take</em></p>\n"
        assert data["isEdited"] is True
        assert (data["type"], data["important"], data["timeSpent"]) == ("Call", True, 10)
        assert data["createdAt"] == note["createdAt"] and ISO_MILLIS_Z.match(data["updatedAt"])
        assert data["updatedAt"] >= note["updatedAt"]

    async def test_attachments_replace_the_list(self, client: httpx.AsyncClient, world: World) -> None:
        first = as_attachment(await upload_pdf(client, world.alice, "a.pdf"))
        second = as_attachment(await upload_pdf(client, world.alice, "b.pdf"))
        note = await create_note(client, world.alice, world.contact.oid, attachments=[first])
        response = await client.patch(
            f"/api/contact-notes/{note['_id']}", json={"attachments": [second]}, headers=world.alice.headers
        )
        assert [a["name"] for a in response.json()["data"]["attachments"]] == ["b.pdf"]
        response = await client.patch(
            f"/api/contact-notes/{note['_id']}", json={"attachments": []}, headers=world.alice.headers
        )
        assert response.json()["data"]["attachments"] == []

    async def test_virtuous_fields_and_nulls(self, client: httpx.AsyncClient, world: World) -> None:
        note = await create_note(client, world.alice, world.contact.oid, type="Call", timeSpent=5)
        response = await client.patch(
            f"/api/contact-notes/{note['_id']}",
            json={"type": None, "timeSpent": None, "important": True, "noteDateTime": "2025-12-24T18:00:00Z"},
            headers=world.alice.headers,
        )
        data = response.json()["data"]
        assert (data["type"], data["timeSpent"], data["important"]) == ("General", None, True)
        assert data["noteDate"] == "2025-12-24T18:00:00.000Z"

    @pytest.mark.parametrize("field", ["note", "mentions", "attachments", "important", "private"])
    async def test_null_where_a_value_is_needed_is_400(
        self, client: httpx.AsyncClient, world: World, database: Database, field: str
    ) -> None:
        note = await create_note(client, world.alice, world.contact.oid, note="keep")
        response = await client.patch(
            f"/api/contact-notes/{note['_id']}", json={field: None}, headers=world.alice.headers
        )
        assert_tether_error(response, 400, field)
        again = await client.get(f"/api/contact-notes/{note['_id']}", headers=world.alice.headers)
        assert again.json()["data"]["isEdited"] is False

    async def test_restating_the_contact_is_fine_moving_is_400(self, client: httpx.AsyncClient, world: World) -> None:
        note = await create_note(client, world.alice, world.contact.oid)
        same = await client.patch(
            f"/api/contact-notes/{note['_id']}",
            json={"contactId": world.contact.oid, "note": "x"},
            headers=world.alice.headers,
        )
        assert same.status_code == 200
        moved = await client.patch(
            f"/api/contact-notes/{note['_id']}",
            json={"contactId": world.other_contact.oid, "note": "y"},
            headers=world.alice.headers,
        )
        assert_tether_error(moved, 400, "contactId")
        current = await client.get(f"/api/contact-notes/{note['_id']}", headers=world.alice.headers)
        assert current.json()["data"]["note"] == "x"

    async def test_a_bad_type_changes_nothing(self, client: httpx.AsyncClient, world: World) -> None:
        note = await create_note(client, world.alice, world.contact.oid, note="keep")
        response = await client.patch(
            f"/api/contact-notes/{note['_id']}", json={"note": "lost", "type": "Séance"}, headers=world.alice.headers
        )
        assert_tether_error(response, 400, "type")
        current = await client.get(f"/api/contact-notes/{note['_id']}", headers=world.alice.headers)
        assert current.json()["data"]["note"] == "keep"


class TestDelete:
    async def test_deleted_is_404_ever_after(self, client: httpx.AsyncClient, world: World, database: Database) -> None:
        note = await create_note(client, world.alice, world.contact.oid)
        response = await client.delete(f"/api/contact-notes/{note['_id']}", headers=world.alice.headers)
        assert response.status_code == 200
        assert response.json() == {"success": True, "message": "Contact note deleted", "data": {"_id": note["_id"]}}
        path = f"/api/contact-notes/{note['_id']}"
        assert_tether_error(await client.get(path, headers=world.alice.headers), 404)
        assert_tether_error(await client.patch(path, json={"note": "x"}, headers=world.alice.headers), 404)
        assert_tether_error(await client.delete(path, headers=world.alice.headers), 404)
        assert_tether_error(
            await client.post(f"{path}/reaction", json={"emoji": "👍"}, headers=world.alice.headers), 404
        )
        listed = await client.get(
            "/api/contact-notes", params={"contactId": world.contact.oid}, headers=world.alice.headers
        )
        assert listed.json()["data"] == [] and listed.json()["pagination"]["total"] == 0
        async with unit_of_work(database) as session:
            row = (await session.scalars(select(Note).where(Note.oid == note["_id"]))).one()
            assert row.deleted_at is not None


class TestReaction:
    async def test_toggles_and_answers_the_whole_note(self, client: httpx.AsyncClient, world: World) -> None:
        note = await create_note(client, world.alice, world.contact.oid, note="hello")
        path = f"/api/contact-notes/{note['_id']}/reaction"

        first = await client.post(path, json={"emoji": "👍"}, headers=world.bob.headers)
        assert first.status_code == 200
        assert first.json()["message"] == "Reaction toggled"
        assert first.json()["data"]["note"] == "hello"
        assert first.json()["data"]["reactions"] == [{"emoji": "👍", "users": [world.bob.oid], "count": 1}]
        assert first.json()["data"]["isEdited"] is False

        await client.post(path, json={"emoji": "🎉"}, headers=world.alice.headers)
        both = await client.post(path, json={"emoji": "👍"}, headers=world.alice.headers)
        assert both.json()["data"]["reactions"] == [
            {"emoji": "👍", "users": [world.bob.oid, world.alice.oid], "count": 2},
            {"emoji": "🎉", "users": [world.alice.oid], "count": 1},
        ]

        # Bob's 👍 was the first reaction; without it, 🎉 is the earliest one still there.
        again = await client.post(path, json={"emoji": "👍"}, headers=world.bob.headers)
        assert again.json()["data"]["reactions"] == [
            {"emoji": "🎉", "users": [world.alice.oid], "count": 1},
            {"emoji": "👍", "users": [world.alice.oid], "count": 1},
        ]

    @pytest.mark.parametrize("emoji", ["👍🏽", "👨‍👩‍👧", "🇨🇦", "❤️"])
    async def test_one_grapheme_emoji_are_accepted(self, client: httpx.AsyncClient, world: World, emoji: str) -> None:
        note = await create_note(client, world.alice, world.contact.oid)
        response = await client.post(
            f"/api/contact-notes/{note['_id']}/reaction", json={"emoji": emoji}, headers=world.alice.headers
        )
        assert response.status_code == 200, response.text
        assert response.json()["data"]["reactions"][0]["emoji"] == emoji

    @pytest.mark.parametrize(
        ("first", "second", "stored"),
        [("❤", "❤️", "❤️"), ("❤️", "❤\ufe0e", "❤️"), ("☺", "☺️", "☺️"), ("1\u20e3", "1️⃣", "1️⃣"), ("👍", "👍\ufe0f", "👍")],
    )
    async def test_presentation_forms_are_one_emoji(
        self, client: httpx.AsyncClient, world: World, first: str, second: str, stored: str
    ) -> None:
        """With and without a variation selector it is one emoji: one reaction a user, stored fully qualified."""
        note = await create_note(client, world.alice, world.contact.oid)
        path = f"/api/contact-notes/{note['_id']}/reaction"
        added = await client.post(path, json={"emoji": first}, headers=world.alice.headers)
        assert added.status_code == 200, added.text
        [reaction] = added.json()["data"]["reactions"]
        assert reaction["emoji"] == stored
        bob = await client.post(path, json={"emoji": second}, headers=world.bob.headers)
        assert bob.json()["data"]["reactions"] == [{**reaction, "users": [world.alice.oid, world.bob.oid], "count": 2}]
        removed = await client.post(path, json={"emoji": second}, headers=world.alice.headers)
        assert removed.json()["data"]["reactions"] == [{**reaction, "users": [world.bob.oid], "count": 1}]

    @pytest.mark.parametrize("emoji", ["", "a", "👍👍", "👍 ok", ":thumbsup:", "<script>", 1, None])
    async def test_anything_but_one_emoji_is_400(self, client: httpx.AsyncClient, world: World, emoji: object) -> None:
        note = await create_note(client, world.alice, world.contact.oid)
        response = await client.post(
            f"/api/contact-notes/{note['_id']}/reaction", json={"emoji": emoji}, headers=world.alice.headers
        )
        assert_tether_error(response, 400, "emoji")

    async def test_missing_emoji_is_400(self, client: httpx.AsyncClient, world: World) -> None:
        note = await create_note(client, world.alice, world.contact.oid)
        response = await client.post(f"/api/contact-notes/{note['_id']}/reaction", json={}, headers=world.alice.headers)
        assert_tether_error(response, 400, "emoji")


async def test_an_oversized_patch_is_413_and_changes_nothing(client: httpx.AsyncClient, world: World) -> None:
    note = await create_note(client, world.alice, world.contact.oid, note="keep")
    response = await client.patch(
        f"/api/contact-notes/{note['_id']}", json={"note": "x" * 1_100_000}, headers=world.alice.headers
    )
    assert_tether_error(response, 413)
    current = await client.get(f"/api/contact-notes/{note['_id']}", headers=world.alice.headers)
    assert current.json()["data"]["note"] == "keep"
