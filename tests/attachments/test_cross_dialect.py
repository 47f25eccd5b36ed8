"""A file attached through TetherAI's API stays with the note whichever API edits it (issue 5's done-when)."""

from __future__ import annotations

import httpx

from tests.attachments.conftest import fetch
from tests.attachments.helpers import as_attachment, upload
from tests.factories import World
from tests.files import pdf_bytes


async def test_an_attachment_survives_a_virtuous_edit_and_serves_the_same_bytes(
    client: httpx.AsyncClient, world: World
) -> None:
    content = pdf_bytes(20_000, seed=7)
    [uploaded] = await upload(client, world.alice, ("engagement.pdf", content))
    created = await client.post(
        "/api/contact-notes",
        json={"contactId": world.contact.oid, "note": "Signed letter", "attachments": [as_attachment(uploaded)]},
        headers=world.alice.headers,
    )
    assert created.status_code == 201, created.text
    note = created.json()["data"]

    # Through Virtuous the same note, by integer id: no attachment field, but the note is the same.
    ours = await client.get(f"/api/ContactNote/ByContact/{world.contact.id}?take=10", headers=world.alice.headers)
    [virtuous] = ours.json()["list"]
    assert virtuous["note"] == "Signed letter" and "attachments" not in virtuous
    edited = await client.put(
        f"/api/ContactNote/{virtuous['id']}",
        json={"contactId": world.contact.id, "note": "Signed letter, filed", "type": "Letter"},
        headers=world.alice.headers,
    )
    assert edited.status_code == 200, edited.text

    again = (await client.get(f"/api/contact-notes/{note['_id']}", headers=world.alice.headers)).json()["data"]
    assert again["note"] == "Signed letter, filed" and again["type"] == "Letter"
    [attachment] = again["attachments"]
    assert attachment["key"] == uploaded["key"] and attachment["name"] == "engagement.pdf"
    download = await fetch(client, attachment["signedUrl"])
    assert download.status_code == 200 and download.content == content

    # Deleted through Virtuous: the link dies at once.
    assert (await client.delete(f"/api/ContactNote/{virtuous['id']}", headers=world.alice.headers)).status_code == 200
    assert (await fetch(client, attachment["signedUrl"])).status_code == 404
