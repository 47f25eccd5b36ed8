"""Mention and reminder emails through a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import email
from collections.abc import Iterator
from datetime import timedelta
from email.message import Message

import httpx
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.kit import clock
from contactnotes.kit.clock import utc_now
from contactnotes.models import Note, Reminder
from contactnotes.settings import Settings
from tests.events.conftest import create_note, work
from tests.events.processes import free_port
from tests.events.test_event_snapshots import SECRET, delete, patch
from tests.factories import World


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))  # type: ignore[attr-defined]
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield box, controller.port
    finally:
        controller.stop()


@pytest.fixture
def mail_settings(settings: Settings, mailbox: tuple[Mailbox, int]) -> Settings:
    return settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": mailbox[1], "smtp_security": "none", "email_hourly_cap": 2}
    )


def parts(message: Message) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_payload(decode=True).decode()  # type: ignore[union-attr]
        for part in message.walk()
        if part.get_content_type() in {"text/plain", "text/html"}
    }


async def test_a_mention_is_mailed_in_text_and_html_with_a_link_and_the_text_escaped(
    client: httpx.AsyncClient, world: World, database: Database, mail_settings: Settings, mailbox: tuple[Mailbox, int]
) -> None:
    box, _ = mailbox
    note = await create_note(
        client, world.alice.headers, world.contact.oid, note="@bob see <script>alert(1)</script> & call"
    )

    await work(mail_settings, database)

    [message] = box.to("bob@acme.example.com")
    assert "Alice Author mentioned you" in message["Subject"]
    body = parts(message)
    link = f"{mail_settings.public_base_url}/api/contact-notes/{note['_id']}"
    assert link in body["text/plain"] and link in body["text/html"]
    assert "<script>alert(1)</script> & call" in body["text/plain"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; call" in body["text/html"]
    assert "<script>" not in body["text/html"]
    assert box.to("alice@acme.example.com") == []  # the author is not told of their own note

    await work(mail_settings, database)
    assert len(box.to("bob@acme.example.com")) == 1  # handled once, mailed once


async def test_past_the_hourly_cap_the_rest_arrive_in_one_digest(
    client: httpx.AsyncClient, world: World, database: Database, mail_settings: Settings, mailbox: tuple[Mailbox, int]
) -> None:
    box, _ = mailbox
    # A short window stands in for the hour, so the digest comes due while the test waits.
    capped = mail_settings.model_copy(update={"email_window_seconds": 3})
    for number in range(5):
        await create_note(client, world.alice.headers, world.contact.oid, note=f"@bob number {number}")

    await work(capped, database)
    assert len(box.to("bob@acme.example.com")) == 2

    with clock.using(clock.ManualClock()) as now:
        await work(capped, database)
        assert len(box.to("bob@acme.example.com")) == 2  # the rest wait for the window to close
        now.advance(seconds=capped.email_window_seconds + 1)
        await work(capped, database)
    single, other, digest = box.to("bob@acme.example.com")
    assert "3 more notifications" in digest["Subject"]

    def numbers(message: Message) -> set[int]:
        text = parts(message)["text/plain"]
        return {n for n in range(5) if f"number {n}" in text}

    # Which two went alone depends on the order concurrent handlers ran; together they cover all five.
    assert len(numbers(single)) == len(numbers(other)) == 1 and len(numbers(digest)) == 3
    assert numbers(single) | numbers(other) | numbers(digest) == set(range(5))
    await work(capped, database)
    assert len(box.to("bob@acme.example.com")) == 3


async def add_reminder(database: Database, world: World, owner_id: int, note_id: int | None, message: str) -> None:
    # The reminders service lives in another module; the row is what the worker acts on.
    async with unit_of_work(database) as session:
        now = utc_now()
        session.add(
            Reminder(
                org_id=world.acme.id, note_id=note_id, contact_id=world.contact.id, owner_id=owner_id,
                created_by_id=owner_id, message=message, target_date=now - timedelta(minutes=1), updated_at=now,
                created_at=now,
            )
        )  # fmt: skip


async def test_a_due_reminder_is_mailed_to_its_owner_but_never_shows_another_users_private_note(
    client: httpx.AsyncClient, world: World, database: Database, mail_settings: Settings, mailbox: tuple[Mailbox, int]
) -> None:
    box, _ = mailbox
    mine = await create_note(client, world.alice.headers, world.contact.oid, note="alice's secret", private=True)
    other = await create_note(client, world.alice.headers, world.contact.oid, note="another secret", private=True)
    async with unit_of_work(database) as session:
        ids = {oid: await session.scalar(select(Note.id).where(Note.oid == oid)) for oid in (mine["_id"], other["_id"])}
    await add_reminder(database, world, world.alice.user.id, ids[mine["_id"]], "Follow up on the secret")
    await add_reminder(database, world, world.bob.user.id, ids[other["_id"]], "Bob may not see this note")

    await work(mail_settings, database)

    [alice_mail] = box.to("alice@acme.example.com")
    assert "Reminder due: Follow up on the secret" in alice_mail["Subject"]
    assert "alice's secret" in parts(alice_mail)["text/plain"]
    assert box.to("bob@acme.example.com") == []


async def test_a_mention_is_mailed_with_the_text_that_mentioned(
    client: httpx.AsyncClient, world: World, database: Database, mail_settings: Settings,
    mailbox: tuple[Mailbox, int],
) -> None:  # fmt: skip
    box, _ = mailbox
    note = await create_note(client, world.alice.headers, world.contact.oid, note="@bob the first words")
    await patch(client, world.alice.headers, note["_id"], note="@bob words written later")

    await work(mail_settings, database)

    [message] = box.to("bob@acme.example.com")
    assert "the first words" in parts(message)["text/plain"]
    assert "written later" not in parts(message)["text/plain"]


async def test_a_mention_in_a_note_deleted_or_made_private_before_the_worker_ran_is_not_mailed(
    client: httpx.AsyncClient, world: World, database: Database, mail_settings: Settings,
    mailbox: tuple[Mailbox, int],
) -> None:  # fmt: skip
    box, _ = mailbox
    gone = await create_note(client, world.alice.headers, world.contact.oid, note=f"@bob {SECRET}")
    await delete(client, world.alice.headers, gone["_id"])
    hidden = await create_note(client, world.alice.headers, world.contact.oid, note=f"@ada {SECRET}")
    await patch(client, world.alice.headers, hidden["_id"], note=SECRET, mentions=[], private=True)

    await work(mail_settings, database)

    assert box.to("bob@acme.example.com") == [] and box.to("ada@acme.example.com") == []
