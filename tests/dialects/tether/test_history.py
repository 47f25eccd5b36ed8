"""GET /api/contact-notes/{id}/history and restoring a revision: what a client sees, on both databases."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.models import Note, NoteRevision
from contactnotes.orgs import service as orgs
from tests.dialects.tether.support import ISO_MILLIS_Z, OBJECT_ID, assert_tether_error, create_note
from tests.factories import Persona, World


async def edit(client: httpx.AsyncClient, persona: Persona, note_oid: str, **fields: Any) -> dict[str, Any]:
    response = await client.patch(f"/api/contact-notes/{note_oid}", json=fields, headers=persona.headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


async def history(
    client: httpx.AsyncClient, persona: Persona, note_oid: str, status: int = 200, **params: Any
) -> dict[str, Any]:
    response = await client.get(f"/api/contact-notes/{note_oid}/history", params=params, headers=persona.headers)
    assert response.status_code == status, response.text
    return response.json()  # type: ignore[no-any-return]


async def restore(client: httpx.AsyncClient, persona: Persona, note_oid: str, revision: str) -> httpx.Response:
    return await client.post(f"/api/contact-notes/{note_oid}/history/{revision}/restore", headers=persona.headers)


async def set_history_visibility(database: Database, org: str, value: str) -> None:
    async with unit_of_work(database) as session:
        await orgs.set_history_visibility(session, org, value)


async def revision_rows(database: Database, note_oid: str) -> int:
    async with unit_of_work(database) as session:
        note_id = (await session.execute(select(Note.id).where(Note.oid == note_oid))).scalar_one()
        return int(await session.scalar(select(func.count()).where(NoteRevision.note_id == note_id)) or 0)


class TestHistory:
    async def test_each_edit_is_a_revision_newest_first_with_a_word_diff_of_the_body(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        note = await create_note(client, world.alice, world.contact.oid, note="Met Jordan on Tuesday at noon")
        await edit(client, world.alice, note["_id"], note="Met Jordan on Wednesday at noon")
        await edit(client, world.alice, note["_id"], type="Email", important=True)

        body = await history(client, world.bob, note["_id"])
        assert body["success"] is True and body["message"] == "Contact note history retrieved"
        assert body["pagination"] == {"total": 2, "limit": 20, "offset": 0, "hasMore": False}
        assert body["canRestore"] is False  # Bob is neither the author nor an admin
        newest, first = body["data"]
        assert [newest["number"], first["number"]] == [2, 1]
        assert newest["changed"] == ["type", "important"] and newest["noteDiff"] == []
        assert (newest["before"]["type"], newest["after"]["type"]) == ("General", "Email")
        assert (newest["before"]["important"], newest["after"]["important"]) == (False, True)
        assert first["changed"] == ["note"]
        assert first["noteDiff"] == [
            {"op": "equal", "text": "Met Jordan on "},
            {"op": "delete", "text": "Tuesday "},
            {"op": "insert", "text": "Wednesday "},
            {"op": "equal", "text": "at noon"},
        ]
        assert first["before"]["note"] == "Met Jordan on Tuesday at noon"
        assert first["after"] == newest["before"]
        assert first["editedBy"]["_id"] == world.alice.oid and first["editedBy"]["fullName"] == "Alice Author"
        assert OBJECT_ID.match(first["_id"]) and ISO_MILLIS_Z.match(first["editedAt"])

    async def test_a_note_never_edited_or_saved_unchanged_has_no_revisions(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        note = await create_note(client, world.alice, world.contact.oid, note="as written")
        assert (await history(client, world.alice, note["_id"]))["data"] == []
        await edit(client, world.alice, note["_id"], note="as written", mentions=[world.bob.oid])
        body = await history(client, world.alice, note["_id"])
        assert body["data"] == [] and body["pagination"]["total"] == 0

    async def test_pages_keep_each_revisions_after_state(self, client: httpx.AsyncClient, world: World) -> None:
        note = await create_note(client, world.alice, world.contact.oid, note="one")
        for text in ("two", "three", "four"):
            await edit(client, world.alice, note["_id"], note=text)
        middle = await history(client, world.alice, note["_id"], limit=1, offset=1)
        assert middle["pagination"] == {"total": 3, "limit": 1, "offset": 1, "hasMore": True}
        (revision,) = middle["data"]
        assert (revision["number"], revision["before"]["note"], revision["after"]["note"]) == (2, "two", "three")

    async def test_edits_through_the_virtuous_api_are_revisions_too(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        created = await client.post(
            "/api/ContactNote", json={"contactId": world.contact.id, "note": "first words"}, headers=world.alice.headers
        )
        assert created.status_code in (200, 201), created.text
        note_id = created.json()["id"]
        put = await client.put(
            f"/api/ContactNote/{note_id}", json={"note": "second words", "type": "Call"}, headers=world.alice.headers
        )
        assert put.status_code == 200, put.text
        async with unit_of_work(database) as session:
            oid = (await session.execute(select(Note.oid).where(Note.id == note_id))).scalar_one()
        (revision,) = (await history(client, world.bob, oid))["data"]
        assert "note" in revision["changed"] and "type" in revision["changed"]
        assert revision["noteDiff"] == [
            {"op": "delete", "text": "first "},
            {"op": "insert", "text": "second "},
            {"op": "equal", "text": "words"},
        ]

    async def test_hostile_markup_in_a_body_is_diffed_as_text(self, client: httpx.AsyncClient, world: World) -> None:
        note = await create_note(client, world.alice, world.contact.oid, note="<script>alert(1)</script> ok")
        await edit(client, world.alice, note["_id"], note='<img src=x onerror="alert(2)"> ok')
        response = await client.get(f"/api/contact-notes/{note['_id']}/history", headers=world.alice.headers)
        assert response.headers["content-type"].startswith("application/json")
        (revision,) = response.json()["data"]
        # Segments are plain text: exactly the characters of the bodies, for the client to escape.
        assert revision["noteDiff"] == [
            {"op": "delete", "text": "<script>alert(1)</script> "},
            {"op": "insert", "text": '<img src=x onerror="alert(2)"> '},
            {"op": "equal", "text": "ok"},
        ]


# Who sees a note's history: (note, reader) -> status. "deleted" is Alice's note after she deleted it.
VISIBILITY = [
    ("public", "alice", 200), ("public", "bob", 200), ("public", "ada", 200), ("public", "carol", 404),
    ("private", "alice", 200), ("private", "bob", 404), ("private", "ada", 404), ("private", "carol", 404),
    ("deleted", "alice", 404), ("deleted", "bob", 404), ("deleted", "ada", 404), ("deleted", "carol", 404),
]  # fmt: skip


class TestWhoSeesHistory:
    @pytest.mark.parametrize(("kind", "reader", "status"), VISIBILITY)
    async def test_history_is_as_visible_as_the_note(
        self, client: httpx.AsyncClient, world: World, kind: str, reader: str, status: int
    ) -> None:
        note = await create_note(client, world.alice, world.contact.oid, note="secret plan", private=kind == "private")
        await edit(client, world.alice, note["_id"], note="revised secret plan")
        if kind == "deleted":
            deleted = await client.delete(f"/api/contact-notes/{note['_id']}", headers=world.alice.headers)
            assert deleted.status_code == 200
        response = await client.get(f"/api/contact-notes/{note['_id']}/history", headers=getattr(world, reader).headers)
        if status == 404:
            assert_tether_error(response, 404)
            assert "secret" not in response.text
        else:
            assert response.status_code == 200 and response.json()["data"][0]["before"]["note"] == "secret plan"

    async def test_a_deleted_notes_revisions_are_removed_with_it(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        note = await create_note(client, world.alice, world.contact.oid, note="v1")
        await edit(client, world.alice, note["_id"], note="v2")
        assert await revision_rows(database, note["_id"]) == 1
        assert (await client.delete(f"/api/contact-notes/{note['_id']}", headers=world.ada.headers)).status_code == 200
        assert await revision_rows(database, note["_id"]) == 0

    async def test_an_organization_can_keep_history_to_its_admins(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        note = await create_note(client, world.alice, world.contact.oid, note="v1")
        await edit(client, world.alice, note["_id"], note="v2")
        await set_history_visibility(database, "Acme", "admins")
        for member in (world.alice, world.bob):  # the author too: the setting names admins only
            body = await history(client, member, note["_id"], status=403)
            assert "only admins" in body["message"]
        assert (await history(client, world.ada, note["_id"]))["pagination"]["total"] == 1
        await history(client, world.carol, note["_id"], status=404)  # another organization's: still not found
        revision = (await history(client, world.ada, note["_id"]))["data"][0]["_id"]
        assert (await restore(client, world.alice, note["_id"], revision)).status_code == 403
        # Globex's setting is its own.
        foreign = await create_note(client, world.carol, world.foreign_contact.oid, note="g1")
        await edit(client, world.carol, foreign["_id"], note="g2")
        assert (await history(client, world.carol, foreign["_id"]))["pagination"]["total"] == 1

        await set_history_visibility(database, "Acme", "everyone")
        assert (await history(client, world.bob, note["_id"]))["pagination"]["total"] == 1


class TestRestore:
    async def test_restoring_brings_back_the_version_before_the_edit_as_a_new_edit(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        note = await create_note(client, world.alice, world.contact.oid, note="draft", type="Call", timeSpent=5)
        await edit(client, world.alice, note["_id"], note="final", type="Email", timeSpent=30)
        await edit(client, world.alice, note["_id"], note="final, signed")
        first = (await history(client, world.alice, note["_id"]))["data"][-1]

        restored = await restore(client, world.alice, note["_id"], first["_id"])
        assert restored.status_code == 200, restored.text
        data = restored.json()["data"]
        assert (data["note"], data["type"], data["timeSpent"]) == ("draft", "Call", 5)
        assert data["isEdited"] is True
        body = await history(client, world.alice, note["_id"])
        assert body["pagination"]["total"] == 3 and body["canRestore"] is True
        newest = body["data"][0]
        assert newest["before"]["note"] == "final, signed" and newest["after"]["note"] == "draft"
        assert newest["changed"] == ["note", "type", "timeSpent"]

    async def test_an_admin_may_restore_and_is_named_as_the_editor(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        note = await create_note(client, world.alice, world.contact.oid, note="kind words")
        await edit(client, world.alice, note["_id"], note="unkind words")
        (revision,) = (await history(client, world.ada, note["_id"]))["data"]
        assert (await history(client, world.ada, note["_id"]))["canRestore"] is True
        restored = await restore(client, world.ada, note["_id"], revision["_id"])
        assert restored.status_code == 200 and restored.json()["data"]["note"] == "kind words"
        newest = (await history(client, world.alice, note["_id"]))["data"][0]
        assert newest["editedBy"]["_id"] == world.ada.oid

    async def test_others_cannot_restore(self, client: httpx.AsyncClient, world: World) -> None:
        note = await create_note(client, world.alice, world.contact.oid, note="v1")
        await edit(client, world.alice, note["_id"], note="v2")
        (revision,) = (await history(client, world.alice, note["_id"]))["data"]
        assert_tether_error(await restore(client, world.bob, note["_id"], revision["_id"]), 403)
        assert_tether_error(await restore(client, world.carol, note["_id"], revision["_id"]), 404)
        current = await client.get(f"/api/contact-notes/{note['_id']}", headers=world.alice.headers)
        assert current.json()["data"]["note"] == "v2"

    async def test_a_revision_of_another_note_or_no_revision_is_404(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        note = await create_note(client, world.alice, world.contact.oid, note="v1")
        other = await create_note(client, world.alice, world.contact.oid, note="w1")
        await edit(client, world.alice, other["_id"], note="w2")
        (revision,) = (await history(client, world.alice, other["_id"]))["data"]
        assert_tether_error(await restore(client, world.alice, note["_id"], revision["_id"]), 404)
        assert_tether_error(await restore(client, world.alice, note["_id"], "65c2d0e0f0a0b0c0d0e0f0a9"), 404)
        assert_tether_error(await restore(client, world.alice, note["_id"], "nope"), 400, "revisionId")

    async def test_a_private_notes_revisions_are_restored_by_its_author_only(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        note = await create_note(client, world.alice, world.contact.oid, note="mine", private=True)
        await edit(client, world.alice, note["_id"], note="still mine")
        (revision,) = (await history(client, world.alice, note["_id"]))["data"]
        assert_tether_error(await restore(client, world.ada, note["_id"], revision["_id"]), 404)
        assert (await restore(client, world.alice, note["_id"], revision["_id"])).status_code == 200
