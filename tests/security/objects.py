"""The objects the authorization matrix and the leak sweep act on, made through the real API."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from contactnotes.auth import service as auth
from contactnotes.contacts import service as contacts
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.models import Note, NoteRevision, NoteType, Reminder
from contactnotes.settings import Settings
from contactnotes.users import service as users
from tests.attachments.helpers import as_attachment, upload_pdf
from tests.events.conftest import work
from tests.factories import Persona, World

LOOPBACK_HOOK = "http://127.0.0.1:9/hook"  # nothing listens: deliveries fail fast, which is all we need
REMINDER = {"message": "follow up", "targetDate": "2030-01-01T00:00:00Z"}


async def tether_note(client: httpx.AsyncClient, persona: Persona, contact_oid: str, **fields: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/contact-notes", json={"contactId": contact_oid, "note": "n", **fields}, headers=persona.headers
    )
    assert response.status_code == 201, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


async def numeric_ids(database: Database, note_oid: str) -> tuple[int, int | None]:
    """The note's integer id (Virtuous addresses notes by it) and its reminder's, if any."""
    async with unit_of_work(database) as session:
        note_id = (await session.execute(select(Note.id).where(Note.oid == note_oid))).scalar_one()
        reminder_id = (await session.execute(select(Reminder.id).where(Reminder.note_id == note_id))).scalar()
    return note_id, reminder_id


async def latest_revision(database: Database, note_id: int) -> str | None:
    """The ObjectId of the note's newest revision (its history), if it has one."""
    async with unit_of_work(database) as session:
        statement = select(NoteRevision.oid).where(NoteRevision.note_id == note_id)
        return await session.scalar(statement.order_by(NoteRevision.number.desc()))


class Objects:
    """Makes each kind of object on demand; `ids(kind)` gives the values its path parameters take."""

    def __init__(self, client: httpx.AsyncClient, database: Database, settings: Settings, world: World) -> None:
        self.client, self.database, self.settings, self.world = client, database, settings, world
        self.note_types = 0
        self.members = 0

    async def note(self, persona: Persona, contact_oid: str, **fields: Any) -> dict[str, Any]:
        data = await tether_note(self.client, persona, contact_oid, **{"note": "draft", **fields})
        # Written as a draft, then edited by its author to read "n": every note has a revision to restore.
        edited = await self.client.patch(
            f"/api/contact-notes/{data['_id']}", json={"note": "n"}, headers=persona.headers
        )
        assert edited.status_code == 200, edited.text
        note_id, reminder_id = await numeric_ids(self.database, data["_id"])
        return {
            "tether": data["_id"],
            "virtuous": note_id,
            "reminder_oid": (data.get("reminder") or {}).get("_id"),
            "reminder_id": reminder_id,
            "revision": await latest_revision(self.database, note_id),
        }

    async def ids(self, kind: str) -> dict[str, Any]:
        w = self.world
        if kind in ("none", "contact"):
            return {"contact_oid": w.contact.oid, "contact_id": w.contact.id}
        if kind == "foreign_contact":
            return {"contact_oid": w.foreign_contact.oid, "contact_id": w.foreign_contact.id}
        if kind == "erasable_contact":  # a new Acme contact each time, with a note: an erasure removes it
            async with unit_of_work(self.database) as session:
                contact = await contacts.create_contact(session, w.acme.id, display_name="Erasable")
            await tether_note(self.client, w.alice, contact.oid)
            return {"contact_oid": contact.oid, "contact_id": contact.id}
        if kind in ("own", "reaction", "reminder", "notification"):
            uploaded = await upload_pdf(self.client, w.alice)
            note = await self.note(
                w.alice, w.contact.oid, mentions=[w.bob.oid], reminder=REMINDER, attachments=[as_attachment(uploaded)]
            )
            reacted = await self.client.post(
                f"/api/contact-notes/{note['tether']}/reaction", json={"emoji": "👍"}, headers=w.bob.headers
            )
            assert reacted.status_code == 200, reacted.text
            listed = await self.client.get("/api/notifications", headers=w.bob.headers)
            mine = [n for n in listed.json()["data"] if n["noteId"] == note["tether"]]
            return {**note, "notification": mine[0]["_id"], "contact_oid": w.contact.oid, "contact_id": w.contact.id}
        if kind == "team":
            return await self.note(w.bob, w.contact.oid)
        if kind == "private":
            return await self.note(w.alice, w.contact.oid, private=True)
        if kind == "foreign":
            return await self.note(w.carol, w.foreign_contact.oid)
        if kind == "attachment":
            presigned = await self.client.post(
                "/api/uploads/presign", json={"name": "a.txt", "size": 5}, headers=w.alice.headers
            )
            assert presigned.status_code == 200, presigned.text
            body = presigned.json()
            stored = await self.client.put(body["url"], content=b"hello")
            assert stored.status_code == 200, stored.text
            return {"key": body["key"]}
        if kind == "note_type":
            self.note_types += 1
            name = f"Matrix {self.note_types}"
            added = await self.client.post("/api/note-types", json={"name": name}, headers=w.ada.headers)
            assert added.status_code == 201, added.text
            async with unit_of_work(self.database) as session:
                found = select(NoteType.id).where(NoteType.org_id == w.acme.id, NoteType.name == name)
                type_id = (await session.execute(found)).scalar_one()
            return {"name": name, "type_id": type_id}
        if kind == "member":
            self.members += 1
            async with unit_of_work(self.database) as session:
                user = await users.create_user(
                    session, w.acme, email=f"member{self.members}@acme.example.com", full_name="Matrix Member"
                )
            return {"user_oid": user.oid}
        if kind == "foreign_member":
            return {"user_oid": w.carol.oid}
        if kind == "token":
            async with unit_of_work(self.database) as session:
                issued = await auth.issue_token(session, w.alice.user, name="matrix token")
            return {"token_id": issued.token.id}
        if kind == "spare_contact":
            self.members += 1
            made = await self.client.post(
                "/api/contacts", json={"displayName": f"Spare {self.members}"}, headers=w.alice.headers
            )
            assert made.status_code == 201, made.text
            return {"contact_oid": made.json()["data"]["_id"]}
        if kind == "webhook":
            return await self.webhook()
        raise AssertionError(f"unknown object kind {kind}")

    async def webhook(self) -> dict[str, Any]:
        w = self.world
        tether = await self.client.post("/api/webhooks", json={"url": LOOPBACK_HOOK}, headers=w.ada.headers)
        assert tether.status_code == 201, tether.text
        virtuous = await self.client.post(
            "/api/Webhook",
            json={"payloadUrl": LOOPBACK_HOOK, "secret": "s" * 20, "contactNoteCreate": True},
            headers=w.ada.headers,
        )
        assert virtuous.status_code in (200, 201), virtuous.text
        hook = tether.json()["data"]["_id"]
        await tether_note(self.client, w.alice, w.contact.oid)
        await work(self.settings, self.database)  # one delivery attempt, so there is a delivery to address
        deliveries = await self.client.get(f"/api/webhooks/{hook}/deliveries", headers=w.ada.headers)
        assert deliveries.status_code == 200, deliveries.text
        delivery = deliveries.json()["data"][0]["_id"]
        return {"tether": hook, "virtuous": virtuous.json()["id"], "delivery": delivery, "webhook_oid": hook}
