"""POST /api/ContactNote/Email: the note reaches the address through a worker and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import httpx

from contactnotes.db.engine import Database
from contactnotes.settings import Settings
from tests.events.conftest import work
from tests.events.test_email import Mailbox, mail_settings, mailbox, parts
from tests.factories import World

__all__ = ["mail_settings", "mailbox"]  # fixtures used by name


async def virtuous_note(client: httpx.AsyncClient, world: World, **fields: object) -> dict:  # type: ignore[type-arg]
    response = await client.post(
        "/api/ContactNote", json={"contactId": world.contact.id, **fields}, headers=world.alice.headers
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def email(client: httpx.AsyncClient, world: World, headers: dict[str, str], **body: object) -> httpx.Response:
    return await client.post("/api/ContactNote/Email", json=body, headers=headers)


async def test_the_note_is_mailed_after_commit_with_the_covering_message(
    client: httpx.AsyncClient, world: World, database: Database, mail_settings: Settings, mailbox: tuple[Mailbox, int]
) -> None:
    box, _ = mailbox
    note = await virtuous_note(client, world, note="Pledged <b>$500</b> & a match")
    sent = await email(
        client, world, world.bob.headers, contactNoteId=note["id"], toEmail="Board@Example.org", body="For Monday."
    )
    assert sent.status_code == 200, sent.text
    assert sent.json()["id"] == note["id"]
    assert box.messages == []  # nothing leaves before a worker takes the event

    await work(mail_settings, database)

    [message] = box.to("board@example.org")
    assert message["Subject"] == "A note about Jordan Lee, from Bob Teammate"
    body = parts(message)
    assert "Bob Teammate sent you a note about Jordan Lee:" in body["text/plain"]
    assert "For Monday." in body["text/plain"] and "Pledged <b>$500</b> & a match" in body["text/plain"]
    assert "Pledged &lt;b&gt;$500&lt;/b&gt; &amp; a match" in body["text/html"]
    await work(mail_settings, database)
    assert len(box.messages) == 1  # handled once


async def test_a_subject_is_used_and_a_note_deleted_meanwhile_is_not_sent(
    client: httpx.AsyncClient, world: World, database: Database, mail_settings: Settings, mailbox: tuple[Mailbox, int]
) -> None:
    box, _ = mailbox
    kept = await virtuous_note(client, world, note="kept")
    gone = await virtuous_note(client, world, note="gone")
    assert (
        await email(client, world, world.alice.headers, noteId=kept["id"], toEmail="a@example.org", subject="FYI")
    ).status_code == 200
    assert (
        await email(client, world, world.alice.headers, contactNoteId=gone["id"], toEmail="b@example.org")
    ).status_code == 200
    assert (await client.delete(f"/api/ContactNote/{gone['id']}", headers=world.alice.headers)).status_code == 200

    await work(mail_settings, database)

    assert [m["To"] for m in box.messages] == ["a@example.org"]
    assert box.messages[0]["Subject"] == "FYI"


async def test_what_the_caller_cannot_read_cannot_be_sent(
    client: httpx.AsyncClient, world: World, mail_settings: Settings
) -> None:
    private = await virtuous_note(client, world, note="mine", private=True)
    for persona in (world.bob, world.carol):
        refused = await email(client, world, persona.headers, contactNoteId=private["id"], toEmail="x@example.org")
        assert refused.status_code == 404, refused.text
    missing = await email(client, world, world.alice.headers, toEmail="x@example.org")
    assert missing.status_code == 400 and missing.json()["error"]["details"][0]["field"] == "contactNoteId"


async def test_each_user_sends_at_most_the_email_cap_per_window(
    client: httpx.AsyncClient, world: World, mail_settings: Settings, database: Database
) -> None:
    from contactnotes.app import create_app

    app = create_app(mail_settings, database)  # email_hourly_cap is 2 in mail_settings
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as capped:
        note = await virtuous_note(capped, world, note="n")
        statuses = [
            (
                await email(capped, world, world.alice.headers, contactNoteId=note["id"], toEmail="x@example.org")
            ).status_code
            for _ in range(3)
        ]
        other = await email(capped, world, world.bob.headers, contactNoteId=note["id"], toEmail="x@example.org")
    assert statuses == [200, 200, 429]
    assert other.status_code == 200
