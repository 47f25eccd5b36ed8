"""Attaching: a key must be a stored upload of the caller's organization, checked before anything is written."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.models import Note, Upload
from contactnotes.notes import service as notes
from contactnotes.notes.schemas import NoteUpdate
from tests.attachments.helpers import as_attachment, assert_tether_error, create_note, upload_pdf
from tests.factories import World


async def count_notes(database: Database) -> int:
    async with unit_of_work(database) as session:
        return int(await session.scalar(select(func.count()).select_from(Note)) or 0)


class TestAttach:
    async def test_another_organizations_key_is_refused_like_a_key_that_does_not_exist(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        mine = await upload_pdf(client, world.alice)
        theirs = await upload_pdf(client, world.carol)
        invented = {**as_attachment(theirs), "key": theirs["key"].replace(world.globex.oid, world.acme.oid)}

        foreign = await create_note(
            client, world.alice, world.contact.oid, [as_attachment(mine), as_attachment(theirs)]
        )
        missing = await create_note(client, world.alice, world.contact.oid, [as_attachment(mine), invented])

        foreign_body = assert_tether_error(foreign, 400, "attachments[1].key")
        missing_body = assert_tether_error(missing, 400, "attachments[1].key")
        # Same words for both: the answer does not confirm that the other organization's key exists.
        assert foreign_body["message"] == missing_body["message"]
        assert foreign_body["errors"] == missing_body["errors"]
        assert world.globex.oid not in foreign_body["message"]
        assert await count_notes(database) == 0

    async def test_every_bad_key_is_named(self, client: httpx.AsyncClient, world: World) -> None:
        mine = await upload_pdf(client, world.alice)
        bad = {"key": "orgs/65a0.../notes/w2.pdf", "name": "w2.pdf", "size": 1, "type": "application/pdf"}
        response = await create_note(client, world.alice, world.contact.oid, [bad, as_attachment(mine), bad])
        body = assert_tether_error(response, 400)
        assert [e["field"] for e in body["errors"]] == ["attachments[0].key", "attachments[2].key"]

    async def test_a_teammates_upload_is_refused(self, client: httpx.AsyncClient, world: World) -> None:
        # An upload is its uploader's until a note takes it (tests/attachments/test_ownership.py).
        bobs = await upload_pdf(client, world.bob)
        response = await create_note(client, world.alice, world.contact.oid, [as_attachment(bobs)])
        assert_tether_error(response, 400, "attachments[0].key")

    async def test_size_and_type_come_from_the_stored_file_and_the_name_from_the_caller(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        uploaded = await upload_pdf(client, world.alice, size=7777)
        claimed = {"key": uploaded["key"], "name": "Renamed.pdf", "size": 1, "type": "text/html"}
        response = await create_note(client, world.alice, world.contact.oid, [claimed])
        [attachment] = response.json()["data"]["attachments"]
        assert (attachment["name"], attachment["size"], attachment["type"]) == ("Renamed.pdf", 7777, "application/pdf")
        async with unit_of_work(database) as session:
            upload = (await session.scalars(select(Upload).where(Upload.key == uploaded["key"]))).one()
        assert upload.attached_at is not None

    async def test_size_and_type_may_be_left_out_on_create_and_on_edit(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        first = await upload_pdf(client, world.alice, "first.pdf", size=4321)
        second = await upload_pdf(client, world.alice, "second.pdf", size=1234)
        response = await create_note(
            client, world.alice, world.contact.oid, [{"key": first["key"], "name": "Engagement.pdf"}]
        )
        assert response.status_code == 201, response.text
        [attachment] = response.json()["data"]["attachments"]
        assert (attachment["name"], attachment["size"], attachment["type"]) == (
            "Engagement.pdf",
            4321,
            "application/pdf",
        )
        edited = await client.patch(
            f"/api/contact-notes/{response.json()['data']['_id']}",
            json={"attachments": [{"key": second["key"], "name": "Return.pdf"}]},
            headers=world.alice.headers,
        )
        assert edited.status_code == 200, edited.text
        [attachment] = edited.json()["data"]["attachments"]
        assert (attachment["name"], attachment["size"], attachment["type"]) == ("Return.pdf", 1234, "application/pdf")

    async def test_an_edit_checks_keys_and_replaces_the_list(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        first = await upload_pdf(client, world.alice, "first.pdf")
        theirs = await upload_pdf(client, world.carol)
        created = (await create_note(client, world.alice, world.contact.oid, [as_attachment(first)])).json()["data"]
        from contactnotes.attachments import service as attachments
        from contactnotes.attachments.schemas import AttachmentIn
        from contactnotes.errors import Invalid

        async with unit_of_work(database) as session:
            try:
                await notes.update_note(
                    session,
                    world.alice.principal,
                    created["_id"],
                    NoteUpdate(attachments=[AttachmentIn(theirs["key"], "x.pdf")]),
                )
                raise AssertionError("another organization's key was attached")
            except Invalid as refused:
                assert [p.field for p in refused.problems] == ["attachments[0].key"]
                assert attachments.UNKNOWN_KEY in refused.message
        async with unit_of_work(database) as session:
            view = await notes.get_note(session, world.alice.principal, created["_id"])
        assert [a.key for a in view.attachments] == [first["key"]]


class TestOtherWriters:
    async def test_an_edit_that_does_not_name_attachments_keeps_them(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        # What the Virtuous API does: it has no attachment field, so its edits leave the list alone.
        uploaded = await upload_pdf(client, world.alice)
        created = (await create_note(client, world.alice, world.contact.oid, [as_attachment(uploaded)])).json()["data"]
        async with unit_of_work(database) as session:
            view, _ = await notes.update_note(session, world.alice.principal, created["_id"], NoteUpdate(body="edited"))
        assert [a.key for a in view.attachments] == [uploaded["key"]]
