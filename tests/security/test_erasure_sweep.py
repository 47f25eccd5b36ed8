"""After `erase`, nothing about the contact is anywhere: a public note about Jordan carries a random canary
that every reader sees before the erasure (so the sweep can fail); afterwards lists, queries, searches,
notifications, reminders, the outbox the stream replays from, webhook deliveries (and their redelivery),
emails and storage are searched for it, by every persona and both dialects."""

from __future__ import annotations

import secrets

import httpx
from sqlalchemy import select

from contactnotes.attachments.files import Files
from contactnotes.db.engine import Database
from contactnotes.models import ErasureRecord, NoteRevision, OutboxEvent, WebhookDelivery
from contactnotes.settings import Settings
from tests.attachments.helpers import as_attachment, upload
from tests.events.conftest import subscribe, work
from tests.events.receiver import Receiver
from tests.events.test_email import Mailbox, parts
from tests.factories import World
from tests.files import pdf_bytes

from .objects import numeric_ids, tether_note
from .test_leak_sweep import views


async def stored_anywhere(database: Database, canary: str) -> list[str]:
    """Rows of the outbox (what the stream replays), of the delivery log and of notes' edit history that
    still name the canary."""
    async with database.session() as session:
        outbox = (await session.execute(select(OutboxEvent.type, OutboxEvent.payload, OutboxEvent.snapshot))).all()
        bodies = (await session.scalars(select(WebhookDelivery.body))).all()
        revisions = (await session.scalars(select(NoteRevision.body))).all()
    return (
        [f"outbox {t}" for t, p, s in outbox if canary in f"{p}{s}"]
        + [b for b in bodies if canary in b]
        + [f"revision {b}" for b in revisions if canary in b]
    )


async def test_an_erased_contact_is_nowhere_afterwards(
    client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
    world: World,
    receiver: Receiver,
    mailbox: tuple[Mailbox, int],
) -> None:
    canary = "canary" + secrets.token_hex(12)
    box, smtp_port = mailbox
    mail_settings = settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": smtp_port, "smtp_security": "none"}
    )
    hook = await subscribe(client, world.ada.headers, receiver.url())
    [uploaded] = await upload(client, world.alice, (f"{canary}.pdf", pdf_bytes(2000)))
    delivered = await tether_note(
        client, world.alice, world.contact.oid, note=f"public {canary} @bob",
        reminder={"message": f"remind {canary}", "targetDate": "2030-01-01T00:00:00Z"},
        attachments=[as_attachment(uploaded, name=f"{canary}.pdf")],
    )  # fmt: skip
    await work(mail_settings, database)  # its webhook and Bob's e-mail go out before the erasure
    logged = (await client.get(f"/api/webhooks/{hook['_id']}/deliveries", headers=world.ada.headers)).json()["data"]
    assert logged and canary in receiver.wait_for(1)[0].body.decode()
    # A second note whose webhook and e-mail are still owed when the erasure comes.
    pending = await tether_note(client, world.bob, world.contact.oid, note=f"pending {canary} @alice")
    # Reworded: the canary is left only in the note's history (an earlier revision).
    reworded = await client.patch(
        f"/api/contact-notes/{pending['_id']}", json={"note": "pending, reworded @alice"}, headers=world.bob.headers
    )
    assert reworded.status_code == 200, reworded.text
    assert f"revision pending {canary} @alice" in await stored_anywhere(database, canary)
    react = await client.post(
        f"/api/contact-notes/{delivered['_id']}/reaction", json={"emoji": "👍"}, headers=world.bob.headers
    )
    assert react.status_code in (200, 201), react.text
    note_id, _ = await numeric_ids(database, delivered["_id"])
    ids = {"tether": delivered["_id"], "virtuous": note_id}
    before = await views(client, world, world.bob, canary, ids)
    assert canary in before["tether get"].text and canary in before[f"tether search {canary}"].text
    mails_before = len(box.messages)

    erased = await client.post(
        f"/api/admin/contacts/{world.contact.oid}/erase", json={"confirm": world.contact.oid}, headers=world.ada.headers
    )
    assert erased.status_code == 200, erased.text
    assert erased.json()["data"]["counts"]["notes"] == 2
    await work(mail_settings, database)  # owed mail and webhooks, the contact.erased event, the files job

    for persona in (world.alice, world.bob, world.ada, world.carol):
        for name, response in (await views(client, world, persona, canary, ids)).items():
            assert canary not in response.text, f"{name} shows the canary to {persona.user.handle}"
            assert response.status_code in (200, 404), f"{name}: {response.status_code} {response.text}"
    assert (await client.get(f"/api/contacts/{world.contact.oid}", headers=world.ada.headers)).status_code == 404
    assert await stored_anywhere(database, canary) == []
    # The delivery log forgot the erased events, and redelivering one is 404.
    after = (await client.get(f"/api/webhooks/{hook['_id']}/deliveries", headers=world.ada.headers)).json()["data"]
    assert [d["eventType"] for d in after] == ["contact.erased"]
    redeliver = await client.post(
        f"/api/webhooks/{hook['_id']}/deliveries/{logged[0]['_id']}/redeliver", headers=world.ada.headers
    )
    assert redeliver.status_code == 404
    bodies = [d.body.decode() for d in receiver.wait_for(2)]
    assert canary not in bodies[-1] and '"type":"contact.erased"' in bodies[-1]
    for message in box.messages[mails_before:]:
        assert canary not in str(message["Subject"]) and all(canary not in p for p in parts(message).values())
    files = Files.from_settings(settings)
    try:
        assert await files.store.head(uploaded["key"]) is None
    finally:
        await files.close()
    async with database.session() as session:
        [record] = (await session.scalars(select(ErasureRecord))).all()
    assert record.erased_by == "ada@acme.example.com" and record.contact_oid == world.contact.oid
    assert canary not in f"{record.counts}{record.ids}"
    assert pending["_id"] not in (await client.get("/api/notifications", headers=world.alice.headers)).text


async def test_erasing_asks_an_admin_of_the_contacts_organization_and_a_confirmation(
    client: httpx.AsyncClient, world: World
) -> None:
    url = f"/api/admin/contacts/{world.contact.oid}/erase"
    confirm = {"confirm": world.contact.oid}
    assert (await client.post(url, json=confirm, headers=world.bob.headers)).status_code == 403
    assert (await client.post(url, json=confirm, headers=world.carol.headers)).status_code == 404
    wrong = await client.post(url, json={"confirm": "yes"}, headers=world.ada.headers)
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "confirm"
    assert (await client.get(f"/api/contacts/{world.contact.oid}", headers=world.ada.headers)).status_code == 200


async def timeline(client: httpx.AsyncClient, world: World, contact_oid: str) -> tuple[list[str], int]:
    """The note ids on a contact's timeline as an admin sees it, and the total it announces (the counter)."""
    response = await client.get(
        "/api/contact-notes", params={"contactId": contact_oid, "limit": 50}, headers=world.ada.headers
    )
    assert response.status_code == 200, response.text
    return [note["_id"] for note in response.json()["data"]], response.json()["pagination"]["total"]


async def test_erasing_a_contact_takes_its_notes_history_and_unlinks_it_from_notes_about_others(
    client: httpx.AsyncClient, database: Database, world: World
) -> None:
    canary = "canary" + secrets.token_hex(12)
    jordan, priya = world.contact.oid, world.other_contact.oid
    edited = await tether_note(client, world.alice, jordan, note=f"first {canary}")
    reworded = await client.patch(
        f"/api/contact-notes/{edited['_id']}", json={"note": "reworded"}, headers=world.alice.headers
    )
    assert reworded.status_code == 200, reworded.text
    # Jordan's note linked to Priya goes; Priya's note linked to Jordan stays, for Priya.
    about_jordan = await tether_note(client, world.bob, jordan, note="Jordan's", contactIds=[jordan, priya])
    about_both = await tether_note(client, world.bob, priya, note="met them both", contactIds=[priya, jordan])
    assert about_both["_id"] in (await timeline(client, world, jordan))[0]
    assert about_jordan["_id"] in (await timeline(client, world, priya))[0]
    assert f"revision first {canary}" in await stored_anywhere(database, canary)

    erased = await client.post(
        f"/api/admin/contacts/{jordan}/erase", json={"confirm": jordan}, headers=world.ada.headers
    )
    assert erased.status_code == 200, erased.text
    counts = erased.json()["data"]["counts"]
    assert (counts["notes"], counts["unlinked_notes"]) == (2, 1)

    assert await stored_anywhere(database, canary) == []
    async with database.session() as session:
        assert (await session.scalars(select(NoteRevision.note_id))).all() == []
    shared = await client.get(f"/api/contact-notes/{about_both['_id']}", headers=world.ada.headers)
    assert shared.status_code == 200 and shared.json()["data"]["contactIds"] == [priya]
    ids, total = await timeline(client, world, priya)
    assert about_both["_id"] in ids and about_jordan["_id"] not in ids
    assert total == len(ids)  # the counter followed the link and the note that went
    gone = await client.get(f"/api/contact-notes/{about_jordan['_id']}", headers=world.ada.headers)
    assert gone.status_code == 404
