"""One note, many contacts: a note linked to several contacts is on each one's timeline once, counted
once for each, found by search under each, and shown with all of them; its primary contact stays."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import delete, text

from contactnotes.contacts import service as contacts
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.models import Contact, Note
from contactnotes.notes import browsing
from tests.dialects.tether.support import assert_tether_error
from tests.factories import World

NOTES = "/api/contact-notes"


@pytest.fixture
async def third(database: Database, world: World) -> Contact:
    async with unit_of_work(database) as session:
        return await contacts.create_contact(session, world.acme.id, display_name="Sam Okafor")


async def create(client: httpx.AsyncClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    response = await client.post(NOTES, json=fields, headers=headers)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def timeline(client: httpx.AsyncClient, headers: dict[str, str], contact_oid: str) -> dict[str, Any]:
    response = await client.get(NOTES, params={"contactId": contact_oid, "limit": 50}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def ids_on(client: httpx.AsyncClient, headers: dict[str, str], contact_oid: str) -> list[str]:
    return [note["_id"] for note in (await timeline(client, headers, contact_oid))["data"]]


async def total_on(client: httpx.AsyncClient, headers: dict[str, str], contact_oid: str) -> int:
    return int((await timeline(client, headers, contact_oid))["pagination"]["total"])


async def plain_count(database: Database, contact_id: int, org_id: int, user_id: int) -> int:
    """What the counters must agree with: a COUNT over the links, as a person would count."""
    statement = text(
        "SELECT count(*) FROM notes n JOIN note_contacts l ON l.note_id = n.id WHERE l.contact_id = :c"
        " AND n.org_id = :o AND n.deleted_at IS NULL AND (NOT n.is_private OR n.author_id = :u)"
    )
    async with database.engine.connect() as connection:
        return int((await connection.execute(statement, {"c": contact_id, "o": org_id, "u": user_id})).scalar_one())


class TestCreate:
    async def test_a_meeting_with_three_people_is_on_each_timeline_once(
        self, client: httpx.AsyncClient, world: World, third: Contact
    ) -> None:
        everyone = [world.contact.oid, world.other_contact.oid, third.oid]
        meeting = await create(
            client, world.alice.headers, contactId=world.contact.oid, contactIds=everyone, note="Board meeting"
        )
        alone = await create(client, world.alice.headers, contactId=world.other_contact.oid, note="Call")

        assert meeting["contactId"] == world.contact.oid
        assert meeting["contactIds"] == [world.contact.oid, world.other_contact.oid, third.oid]
        assert [c["displayName"] for c in meeting["contacts"]] == ["Jordan Lee", "Priya Natarajan", "Sam Okafor"]
        assert alone["contactIds"] == [world.other_contact.oid]
        assert await ids_on(client, world.bob.headers, world.contact.oid) == [meeting["_id"]]
        assert await ids_on(client, world.bob.headers, world.other_contact.oid) == [alone["_id"], meeting["_id"]]
        assert await ids_on(client, world.bob.headers, third.oid) == [meeting["_id"]]
        assert await total_on(client, world.bob.headers, world.other_contact.oid) == 2
        assert await total_on(client, world.bob.headers, third.oid) == 1
        # Read back one by one, the note names every contact too, the primary one first.
        again = await client.get(f"{NOTES}/{meeting['_id']}", headers=world.bob.headers)
        assert again.json()["data"]["contactIds"] == meeting["contactIds"]

    async def test_contact_ids_alone_make_the_first_one_primary(
        self, client: httpx.AsyncClient, world: World, third: Contact
    ) -> None:
        note = await create(client, world.alice.headers, contactIds=[third.oid, world.contact.oid], note="x")
        assert note["contactId"] == third.oid
        assert note["contactIds"] == [third.oid, world.contact.oid]

    async def test_repeated_ids_link_once(self, client: httpx.AsyncClient, world: World) -> None:
        both = [world.contact.oid, world.other_contact.oid, world.other_contact.oid, world.contact.oid]
        note = await create(client, world.alice.headers, contactId=world.contact.oid, contactIds=both)
        assert note["contactIds"] == [world.contact.oid, world.other_contact.oid]
        assert await ids_on(client, world.alice.headers, world.other_contact.oid) == [note["_id"]]

    async def test_contact_ids_without_the_primary_contact_are_422(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        response = await client.post(
            NOTES,
            json={"contactId": world.contact.oid, "contactIds": [world.other_contact.oid]},
            headers=world.alice.headers,
        )
        assert_tether_error(response, 422, "contactIds")

    async def test_an_empty_set_is_422(self, client: httpx.AsyncClient, world: World) -> None:
        response = await client.post(
            NOTES, json={"contactId": world.contact.oid, "contactIds": []}, headers=world.alice.headers
        )
        assert_tether_error(response, 422, "contactIds")

    async def test_another_organizations_contact_is_refused_like_one_that_does_not_exist(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        answers = []
        for stranger in (world.foreign_contact.oid, "0123456789abcdef01234567"):
            response = await client.post(
                NOTES,
                json={"contactId": world.contact.oid, "contactIds": [world.contact.oid, stranger], "note": "x"},
                headers=world.alice.headers,
            )
            body = assert_tether_error(response, 422, "contactIds[1]")
            answers.append(body["errors"][0]["message"].replace(stranger, "<id>"))
            assert "Globex" not in response.text
        assert answers[0] == answers[1]  # nothing tells that the first one exists elsewhere
        assert await ids_on(client, world.alice.headers, world.contact.oid) == []

    async def test_a_note_of_another_organization_cannot_reach_its_contacts(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        response = await client.post(
            NOTES,
            json={"contactId": world.foreign_contact.oid, "contactIds": [world.foreign_contact.oid, world.contact.oid]},
            headers=world.carol.headers,
        )
        assert_tether_error(response, 422, "contactIds[1]")
        assert await ids_on(client, world.alice.headers, world.contact.oid) == []


class TestPatch:
    async def test_the_set_replaces_the_links_and_each_timeline_follows(
        self, client: httpx.AsyncClient, world: World, third: Contact
    ) -> None:
        note = await create(
            client, world.alice.headers, contactId=world.contact.oid, contactIds=[world.contact.oid, third.oid]
        )
        response = await client.patch(
            f"{NOTES}/{note['_id']}",
            json={"contactIds": [world.contact.oid, world.other_contact.oid]},
            headers=world.alice.headers,
        )
        assert response.status_code == 200, response.text
        assert response.json()["data"]["contactIds"] == [world.contact.oid, world.other_contact.oid]
        assert await ids_on(client, world.bob.headers, third.oid) == []
        assert await total_on(client, world.bob.headers, third.oid) == 0
        assert await ids_on(client, world.bob.headers, world.other_contact.oid) == [note["_id"]]
        assert await total_on(client, world.bob.headers, world.other_contact.oid) == 1
        assert await ids_on(client, world.bob.headers, world.contact.oid) == [note["_id"]]

    async def test_unlinking_the_last_contact_is_refused(self, client: httpx.AsyncClient, world: World) -> None:
        note = await create(client, world.alice.headers, contactId=world.contact.oid)
        response = await client.patch(f"{NOTES}/{note['_id']}", json={"contactIds": []}, headers=world.alice.headers)
        body = assert_tether_error(response, 422, "contactIds")
        assert "last" in body["message"]
        assert await ids_on(client, world.alice.headers, world.contact.oid) == [note["_id"]]

    async def test_the_primary_contact_cannot_be_unlinked(self, client: httpx.AsyncClient, world: World) -> None:
        note = await create(client, world.alice.headers, contactId=world.contact.oid)
        response = await client.patch(
            f"{NOTES}/{note['_id']}", json={"contactIds": [world.other_contact.oid]}, headers=world.alice.headers
        )
        assert_tether_error(response, 422, "contactIds")
        assert await ids_on(client, world.alice.headers, world.other_contact.oid) == []

    async def test_another_organizations_contact_is_refused_naming_it(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        note = await create(client, world.alice.headers, contactId=world.contact.oid)
        response = await client.patch(
            f"{NOTES}/{note['_id']}",
            json={"contactIds": [world.contact.oid, world.foreign_contact.oid]},
            headers=world.alice.headers,
        )
        assert_tether_error(response, 422, "contactIds[1]")
        assert "Globex" not in response.text

    async def test_a_teammate_cannot_relink_someone_elses_note(self, client: httpx.AsyncClient, world: World) -> None:
        note = await create(client, world.alice.headers, contactId=world.contact.oid)
        response = await client.patch(
            f"{NOTES}/{note['_id']}",
            json={"contactIds": [world.contact.oid, world.other_contact.oid]},
            headers=world.bob.headers,
        )
        assert_tether_error(response, 403)
        assert await ids_on(client, world.bob.headers, world.other_contact.oid) == []


class TestCounts:
    async def test_counters_follow_every_change_for_every_linked_contact(
        self, client: httpx.AsyncClient, world: World, database: Database, third: Contact
    ) -> None:
        """After each change, the totals of each contact equal a plain count over the links, for the author
        and for a teammate (who does not see the author's private notes)."""
        alice, bob = world.alice, world.bob
        linked = [world.contact.oid, world.other_contact.oid, third.oid]

        async def check() -> None:
            for who in (alice, bob):
                for contact in (world.contact, world.other_contact, third):
                    expected = await plain_count(database, contact.id, who.org.id, who.user.id)
                    assert await total_on(client, who.headers, contact.oid) == expected, (who.user.handle, contact)

        public = await create(client, alice.headers, contactId=world.contact.oid, contactIds=linked, important=True)
        private = await create(client, alice.headers, contactId=third.oid, contactIds=linked[::-1], private=True)
        await check()
        assert await total_on(client, bob.headers, world.other_contact.oid) == 1
        assert await total_on(client, alice.headers, world.other_contact.oid) == 2
        for change in ({"private": True}, {"private": False}, {"important": False}, {"contactIds": linked[:1]}):
            response = await client.patch(f"{NOTES}/{public['_id']}", json=change, headers=alice.headers)
            assert response.status_code == 200, response.text
            await check()
        response = await client.patch(f"{NOTES}/{public['_id']}", json={"contactIds": linked}, headers=alice.headers)
        assert response.status_code == 200
        await check()
        assert (await client.delete(f"{NOTES}/{private['_id']}", headers=alice.headers)).status_code == 200
        await check()
        assert (await client.delete(f"{NOTES}/{public['_id']}", headers=alice.headers)).status_code == 200
        await check()
        assert await total_on(client, alice.headers, world.other_contact.oid) == 0

    async def test_a_note_removed_from_the_database_leaves_no_count_behind(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        """An erasure deletes rows: the counters of the contacts linked besides the primary one follow."""
        linked = [world.contact.oid, world.other_contact.oid]
        note = await create(client, world.alice.headers, contactId=world.contact.oid, contactIds=linked)
        async with unit_of_work(database) as session:
            await session.execute(delete(Note).where(Note.oid == note["_id"]))
        assert await total_on(client, world.bob.headers, world.other_contact.oid) == 0
        assert await total_on(client, world.bob.headers, world.contact.oid) == 0

    async def test_the_web_contact_list_counts_and_dates_linked_notes(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        linked = [world.contact.oid, world.other_contact.oid]
        await create(client, world.alice.headers, contactId=world.contact.oid, contactIds=linked)
        await create(client, world.alice.headers, contactId=world.contact.oid, contactIds=linked, private=True)
        async with unit_of_work(database) as session:
            for who, expected in ((world.alice, 2), (world.bob, 1)):
                page = await browsing.contacts_page(session, who.principal, search="Priya", limit=10)
                [item] = page.items
                assert item.note_count == expected
                assert item.last_note_at is not None


class TestSearchAndFilters:
    async def test_search_within_each_linked_contact_finds_the_note_once(
        self, client: httpx.AsyncClient, world: World, third: Contact
    ) -> None:
        linked = [world.contact.oid, world.other_contact.oid, third.oid]
        note = await create(
            client, world.alice.headers, contactId=world.contact.oid, contactIds=linked, note="quarterly pledge"
        )
        for contact_oid in [*linked, None]:
            params = {"q": "pledge", **({"contactId": contact_oid} if contact_oid else {})}
            response = await client.get(f"{NOTES}/search", params=params, headers=world.bob.headers)
            assert response.status_code == 200, response.text
            assert [hit["_id"] for hit in response.json()["data"]] == [note["_id"]], contact_oid

    async def test_a_filtered_web_timeline_shows_linked_notes(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        from contactnotes.notes.schemas import TimelineFilter

        linked = [world.contact.oid, world.other_contact.oid]
        note = await create(client, world.alice.headers, contactId=world.contact.oid, contactIds=linked, important=True)
        async with unit_of_work(database) as session:
            found = await browsing.timeline(
                session, world.bob.principal, world.other_contact.oid, TimelineFilter(important=True), limit=10
            )
        assert [n.oid for n in found.items] == [note["_id"]]
        assert [c.oid for c in found.items[0].contacts] == linked


class TestVirtuous:
    async def test_by_contact_lists_linked_notes_and_contact_id_stays_the_primary(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        linked = [world.contact.oid, world.other_contact.oid]
        note = await create(client, world.alice.headers, contactId=world.contact.oid, contactIds=linked)
        response = await client.get(f"/api/ContactNote/ByContact/{world.other_contact.id}", headers=world.bob.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["total"] == 1
        [listed] = body["list"]
        assert listed["contactId"] == world.contact.id
        one = await client.get(f"/api/ContactNote/{listed['id']}", headers=world.bob.headers)
        assert one.status_code == 200 and one.json()["contactId"] == world.contact.id
        assert note["_id"]
