"""A stored file belongs to its uploader until a note takes it, then to that note for good.

Attaching a key that another note carries or carried (live, private or deleted), or a teammate's upload, is
refused with 400 naming `attachments[i].key`; a deleted note's files stay dead.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.attachments.conftest import fetch
from tests.attachments.helpers import as_attachment, assert_tether_error, create_note, upload_pdf
from tests.factories import Persona, World


async def note_with_file(client: httpx.AsyncClient, world: World, persona: Persona) -> tuple[dict[str, Any], str]:
    """A note of `persona` carrying a fresh upload of theirs; (the attachment as sent, the note's id)."""
    uploaded = await upload_pdf(client, persona)
    created = await create_note(client, persona, world.contact.oid, [as_attachment(uploaded)])
    assert created.status_code == 201, created.text
    return as_attachment(uploaded), created.json()["data"]["_id"]


async def patch(client: httpx.AsyncClient, persona: Persona, note_id: str, body: dict[str, Any]) -> httpx.Response:
    return await client.patch(f"/api/contact-notes/{note_id}", json=body, headers=persona.headers)


class TestTakingAnotherNotesFile:
    async def test_a_deleted_notes_file_cannot_be_attached_by_a_teammate_and_stays_dead(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        attachment, alices = await note_with_file(client, world, world.alice)
        link = (await client.get(f"/api/contact-notes/{alices}", headers=world.alice.headers)).json()["data"][
            "attachments"
        ][0]["signedUrl"]
        deleted = await client.delete(f"/api/contact-notes/{alices}", headers=world.alice.headers)
        assert deleted.status_code == 200, deleted.text
        assert_tether_error(await client.get(link), 404)

        taken = await create_note(client, world.bob, world.contact.oid, [attachment])
        assert_tether_error(taken, 400, "attachments[0].key")
        # Nor through an edit of a note Bob already has.
        bobs = (await create_note(client, world.bob, world.contact.oid, [])).json()["data"]["_id"]
        assert_tether_error(
            await patch(client, world.bob, bobs, {"attachments": [attachment]}), 400, "attachments[0].key"
        )
        assert_tether_error(await client.get(link), 404)

    async def test_a_note_made_private_keeps_its_file_from_teammates(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        attachment, alices = await note_with_file(client, world, world.alice)
        made_private = await patch(client, world.alice, alices, {"isPrivate": True})
        assert made_private.status_code == 200, made_private.text

        taken = await create_note(client, world.bob, world.contact.oid, [attachment])
        body = assert_tether_error(taken, 400, "attachments[0].key")
        assert body["errors"][0]["field"] == "attachments[0].key"
        listed = await client.get(
            "/api/contact-notes", params={"contactId": world.contact.oid}, headers=world.bob.headers
        )
        assert listed.json()["data"] == []  # nothing of Alice's private note reached Bob

    async def test_a_live_notes_file_cannot_be_attached_to_a_second_note_even_by_its_author(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        attachment, first = await note_with_file(client, world, world.alice)
        assert_tether_error(
            await create_note(client, world.alice, world.contact.oid, [attachment]), 400, "attachments[0].key"
        )
        await client.delete(f"/api/contact-notes/{first}", headers=world.alice.headers)
        assert_tether_error(
            await create_note(client, world.alice, world.contact.oid, [attachment]), 400, "attachments[0].key"
        )

    async def test_a_teammates_fresh_upload_cannot_be_attached(self, client: httpx.AsyncClient, world: World) -> None:
        bobs = await upload_pdf(client, world.bob)
        response = await create_note(client, world.alice, world.contact.oid, [as_attachment(bobs)])
        assert_tether_error(response, 400, "attachments[0].key")
        assert (await fetch(client, bobs["signedUrl"])).status_code == 200  # still Bob's, still his to attach
        mine = await create_note(client, world.bob, world.contact.oid, [as_attachment(bobs)])
        assert mine.status_code == 201, mine.text


class TestItsOwnNote:
    async def test_an_edit_may_restate_drop_and_bring_back_its_own_file(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        attachment, note_id = await note_with_file(client, world, world.alice)
        another = as_attachment(await upload_pdf(client, world.alice, "second.pdf"))

        both = await patch(client, world.alice, note_id, {"attachments": [attachment, another]})
        assert both.status_code == 200, both.text
        dropped = await patch(client, world.alice, note_id, {"attachments": [another]})
        assert dropped.status_code == 200, dropped.text
        back = await patch(client, world.alice, note_id, {"attachments": [another, attachment]})
        assert back.status_code == 200, back.text
        links = [a["signedUrl"] for a in back.json()["data"]["attachments"]]
        assert [(await fetch(client, link)).status_code for link in links] == [200, 200]
