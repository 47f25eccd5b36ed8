"""POST/GET/PUT/DELETE /api/ContactNote and the ByContact lists, replayed from Virtuous-shaped fixtures."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.models import Note
from tests.factories import World

from .helpers import assert_error, assert_matches, create_note, fixture
from .helpers import day_of as _day


async def count_notes(database: Database) -> int:
    async with unit_of_work(database) as session:
        return int(await session.scalar(select(func.count()).select_from(Note)) or 0)


class TestCreate:
    async def test_the_fixture_request_answers_the_seed_shape(self, client: httpx.AsyncClient, world: World) -> None:
        cid = world.contact.id
        response = await client.post(
            "/api/ContactNote", json=fixture("create_note.request.json", contactId=cid), headers=world.alice.headers
        )
        assert response.status_code == 200, response.text
        assert_matches(response.json(), fixture("create_note.response.json", contactId=cid))

    async def test_time_spent_is_stored_in_minutes(self, client: httpx.AsyncClient, world: World) -> None:
        created = await create_note(client, world.alice, world.contact.id, timeSpent=15)
        assert "timeSpent" not in created  # the seed's response has no timeSpent; TetherAI's note shows it
        from contactnotes.notes import service as notes

        async with unit_of_work(client._transport.app.state.database) as session:  # type: ignore[attr-defined]
            view = await notes.get_note(session, world.alice.principal, created["id"])
        assert view.time_spent_minutes == 15

    async def test_an_empty_body_answers_as_the_real_api(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        response = await client.post(
            "/api/ContactNote", content=b"", headers={**world.alice.headers, "Content-Type": "application/json"}
        )
        assert assert_error(response, 400)["message"] == "The argument cannot be null"
        assert response.json()["error"]["code"] == "BAD_REQUEST"
        assert await count_notes(database) == 0

    async def test_defaults(self, client: httpx.AsyncClient, world: World) -> None:
        body = await create_note(client, world.alice, world.contact.id)
        assert body["type"] == "General" and body["note"] == "" and body["important"] is False
        assert body["isPrivate"] is False and body["noteDate"] == _day(body["createDateTimeUtc"])

    async def test_is_private_is_accepted_for_private(self, client: httpx.AsyncClient, world: World) -> None:
        assert (await create_note(client, world.alice, world.contact.id, isPrivate=True))["isPrivate"] is True
        assert (await create_note(client, world.alice, world.contact.id, private="True"))["isPrivate"] is True

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"note": "no contact"}, "contactId"),
            ({"contactId": "seven"}, "contactId"),
            ({"type": "Séance"}, "type"),
            ({"timeSpent": -1}, "timeSpent"),
            ({"noteDateTime": "yesterday"}, "noteDateTime"),
            ({"important": "perhaps"}, "important"),
            ({"reminder": {"message": "x"}}, "reminder.targetDate"),
            # Found by schemathesis: ids past what a database holds were a 500, numbers passed as dates and
            # booleans as minutes.
            ({"contactId": 2**63}, "contactId"),
            ({"reminder": {"message": "x", "targetDate": "2030-01-01", "owner": 2**63}}, "reminder.owner"),
            ({"noteDateTime": 0}, "noteDateTime"),
            ({"reminder": {"message": "x", "targetDate": 1700000000}}, "reminder.targetDate"),
            ({"timeSpent": False}, "timeSpent"),
        ],
    )
    async def test_bad_input_is_400_naming_the_field(
        self, client: httpx.AsyncClient, world: World, database: Database, payload: dict[str, Any], field: str
    ) -> None:
        body = (
            {"contactId": world.contact.id, **payload}
            if "contactId" not in payload and field != "contactId"
            else payload
        )
        response = await client.post("/api/ContactNote", json=body, headers=world.alice.headers)
        assert_error(response, 400, field)
        assert await count_notes(database) == 0

    async def test_type_matching_ignores_case(self, client: httpx.AsyncClient, world: World) -> None:
        assert (await create_note(client, world.alice, world.contact.id, type="tHaNk yOu"))["type"] == "Thank You"


class TestGetPutDelete:
    async def test_get_answers_the_created_note(self, client: httpx.AsyncClient, world: World) -> None:
        created = await create_note(client, world.alice, world.contact.id, note="hello", important=True)
        response = await client.get(f"/api/ContactNote/{created['id']}", headers=world.bob.headers)
        assert response.status_code == 200
        assert response.json() == created

    # "²" is a digit to str.isdigit() that int() refuses: it was a 500 (found reading the code schemathesis hit).
    @pytest.mark.parametrize("note_id", ["0", "999999", "abc", "99999999999999999999999", "²"])
    async def test_missing_or_malformed_ids_are_404(
        self, client: httpx.AsyncClient, world: World, note_id: str
    ) -> None:
        response = await client.get(f"/api/ContactNote/{note_id}", headers=world.alice.headers)
        assert assert_error(response, 404)["error"]["code"] == "NOT_FOUND"

    async def test_put_replaces_the_full_model(self, client: httpx.AsyncClient, world: World) -> None:
        cid = world.contact.id
        created = await create_note(
            client, world.alice, cid, type="Call", note="x", important=True, timeSpent=5, noteDateTime="2026-01-01"
        )
        response = await client.put(
            f"/api/ContactNote/{created['id']}",
            json=fixture("update_note.request.json", contactId=cid),
            headers=world.alice.headers,
        )
        assert response.status_code == 200, response.text
        body = response.json()
        expected = fixture("update_note.response.json", contactId=cid, createDay=_day(created["createDateTimeUtc"]))
        expected["id"] = created["id"]
        assert_matches(body, expected)
        assert body["createDateTimeUtc"] == created["createDateTimeUtc"]

    async def test_put_cannot_move_a_note(self, client: httpx.AsyncClient, world: World) -> None:
        created = await create_note(client, world.alice, world.contact.id, note="x")
        response = await client.put(
            f"/api/ContactNote/{created['id']}",
            json={"contactId": world.other_contact.id, "note": "moved"},
            headers=world.alice.headers,
        )
        assert_error(response, 400, "contactId")
        again = await client.get(f"/api/ContactNote/{created['id']}", headers=world.alice.headers)
        assert again.json()["note"] == "x"

    async def test_put_keeps_tether_only_data(self, client: httpx.AsyncClient, world: World) -> None:
        tether = await client.post(
            "/api/contact-notes",
            json={"contactId": world.contact.oid, "note": "hi", "mentions": [world.bob.oid]},
            headers=world.alice.headers,
        )
        note_id = await _integer_id(client, world, tether.json()["data"]["_id"])
        response = await client.put(f"/api/ContactNote/{note_id}", json={"note": "edited"}, headers=world.alice.headers)
        assert response.status_code == 200
        from contactnotes.notes import service as notes

        async with unit_of_work(client._transport.app.state.database) as session:  # type: ignore[attr-defined]
            view = await notes.get_note(session, world.alice.principal, note_id)
        assert [m.oid for m in view.mentions] == [world.bob.oid]
        assert view.body == "edited" and view.is_edited

    async def test_delete_then_404_everywhere(self, client: httpx.AsyncClient, world: World) -> None:
        created = await create_note(client, world.alice, world.contact.id, important=True)
        response = await client.delete(f"/api/ContactNote/{created['id']}", headers=world.alice.headers)
        assert response.status_code == 200 and response.content == b""
        for method in ("GET", "PUT", "DELETE"):
            again = await client.request(
                method, f"/api/ContactNote/{created['id']}", json={"note": "x"}, headers=world.alice.headers
            )
            assert_error(again, 404)
        listed = await client.get(f"/api/ContactNote/ByContact/{world.contact.id}", headers=world.alice.headers)
        assert listed.json() == {"list": [], "total": 0}


async def _integer_id(client: httpx.AsyncClient, world: World, oid: str) -> int:
    from contactnotes.notes import service as notes

    async with unit_of_work(client._transport.app.state.database) as session:  # type: ignore[attr-defined]
        return (await notes.get_note(session, world.alice.principal, oid)).id


class TestByContact:
    async def test_the_client_call_reads_list(self, client: httpx.AsyncClient, world: World) -> None:
        first = await create_note(client, world.alice, world.contact.id, note="first")
        second = await create_note(client, world.alice, world.contact.id, note="second")
        response = await client.get(
            f"/api/ContactNote/ByContact/{world.contact.id}?sortBy=CreatedDateTime&descending=False&skip=0&take=10",
            headers=world.alice.headers,
        )
        assert response.status_code == 200
        body = response.json()
        assert list(body) == ["list", "total"] and body["total"] == 2
        assert [n["id"] for n in body["list"]] == [first["id"], second["id"]]
        assert body["list"][0] == first

    async def test_no_notes_is_an_empty_list(self, client: httpx.AsyncClient, world: World) -> None:
        for path in ("ByContact", "Important/ByContact"):
            response = await client.get(
                f"/api/ContactNote/{path}/{world.contact.id}?skip=0&take=10", headers=world.alice.headers
            )
            assert response.json() == {"list": [], "total": 0}

    @pytest.mark.parametrize(
        ("sort_by", "descending", "expected"),
        [
            ("CreatedDateTime", "False", ["a", "b", "c"]),
            ("createddatetime", "TRUE", ["c", "b", "a"]),
            ("NoteDate", "false", ["b", "c", "a"]),
            ("NOTEDATE", "True", ["a", "c", "b"]),
            ("ModifiedDateTime", "False", ["b", "c", "a"]),
            ("modifiedDateTime", "true", ["a", "c", "b"]),
            (None, None, ["a", "c", "b"]),
        ],
    )
    async def test_sort_by_and_descending_in_any_case(
        self,
        client: httpx.AsyncClient,
        world: World,
        sort_by: str | None,
        descending: str | None,
        expected: list[str],
    ) -> None:
        a = await create_note(client, world.alice, world.contact.id, note="a", noteDateTime="2026-03-01")
        await create_note(client, world.alice, world.contact.id, note="b", noteDateTime="2026-01-01")
        await create_note(client, world.alice, world.contact.id, note="c", noteDateTime="2026-02-01")
        await client.put(
            f"/api/ContactNote/{a['id']}", json={"note": "a", "noteDateTime": "2026-03-01"}, headers=world.alice.headers
        )
        params = {k: v for k, v in {"sortBy": sort_by, "descending": descending}.items() if v is not None}
        response = await client.get(
            f"/api/ContactNote/ByContact/{world.contact.id}", params=params, headers=world.alice.headers
        )
        assert [n["note"] for n in response.json()["list"]] == expected

    async def test_skip_and_take_page_with_the_total(self, client: httpx.AsyncClient, world: World) -> None:
        for i in range(5):
            await create_note(client, world.alice, world.contact.id, note=str(i), noteDateTime=f"2026-01-0{i + 1}")
        response = await client.get(
            f"/api/ContactNote/ByContact/{world.contact.id}?sortBy=NoteDate&descending=False&skip=1&take=2",
            headers=world.alice.headers,
        )
        assert response.json()["total"] == 5
        assert [n["note"] for n in response.json()["list"]] == ["1", "2"]

    async def test_take_defaults_to_ten(self, client: httpx.AsyncClient, world: World) -> None:
        for i in range(11):
            await create_note(client, world.alice, world.contact.id, note=str(i))
        response = await client.get(f"/api/ContactNote/ByContact/{world.contact.id}", headers=world.alice.headers)
        assert len(response.json()["list"]) == 10 and response.json()["total"] == 11

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ("take=1001", "take"),
            ("take=0", "take"),
            ("skip=-1", "skip"),
            ("sortBy=Id", "sortBy"),
            ("descending=maybe", "descending"),
        ],
    )
    async def test_bad_paging_is_400_naming_it(
        self, client: httpx.AsyncClient, world: World, query: str, field: str
    ) -> None:
        response = await client.get(
            f"/api/ContactNote/ByContact/{world.contact.id}?{query}", headers=world.alice.headers
        )
        assert_error(response, 400, field)

    async def test_take_up_to_1000_is_accepted(self, client: httpx.AsyncClient, world: World) -> None:
        response = await client.get(
            f"/api/ContactNote/ByContact/{world.contact.id}?take=1000", headers=world.alice.headers
        )
        assert response.status_code == 200

    @pytest.mark.parametrize("path", ["ByContact", "Important/ByContact"])
    @pytest.mark.parametrize("skip", [2**31, 6243005651741, 2**63 - 1])
    async def test_a_skip_past_32_bits_is_an_empty_page(
        self, client: httpx.AsyncClient, world: World, path: str, skip: int
    ) -> None:
        await create_note(client, world.alice, world.contact.id, note="x", important=True)
        response = await client.get(
            f"/api/ContactNote/{path}/{world.contact.id}?skip={skip}&take=10", headers=world.alice.headers
        )
        assert response.status_code == 200, response.text
        assert response.json() == {"list": [], "total": 1}

    async def test_important_lists_only_important_notes(self, client: httpx.AsyncClient, world: World) -> None:
        await create_note(client, world.alice, world.contact.id, note="plain")
        flagged = await create_note(client, world.alice, world.contact.id, note="flagged", important=True)
        response = await client.get(
            f"/api/ContactNote/Important/ByContact/{world.contact.id}?skip=0&take=10", headers=world.alice.headers
        )
        assert response.json() == {"list": [flagged], "total": 1}


class TestPaths:
    @pytest.mark.parametrize(
        "template",
        [
            "/api/contactnote/{note}",
            "/API/CONTACTNOTE/{note}",
            "/api/contactNote/bycontact/{contact}",
            "/api/ContactNote/important/BYCONTACT/{contact}",
            "/api/contactnote/types",
        ],
    )
    async def test_paths_match_ignoring_case(self, client: httpx.AsyncClient, world: World, template: str) -> None:
        created = await create_note(client, world.alice, world.contact.id, important=True)
        path = template.format(note=created["id"], contact=world.contact.id)
        response = await client.get(path, headers=world.alice.headers)
        assert response.status_code == 200, response.text

    async def test_writes_match_ignoring_case_too(self, client: httpx.AsyncClient, world: World) -> None:
        response = await client.post(
            "/api/contactnote", json={"contactId": world.contact.id}, headers=world.alice.headers
        )
        assert response.status_code == 200
        deleted = await client.delete(f"/api/CONTACTNOTE/{response.json()['id']}", headers=world.alice.headers)
        assert deleted.status_code == 200

    async def test_an_unknown_virtuous_path_is_404_in_the_virtuous_shape(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        response = await client.get("/api/contactnote/nothing/here", headers=world.alice.headers)
        assert_error(response, 404)
