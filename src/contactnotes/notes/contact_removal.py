"""Deleting a contact with its notes and files, after a confirmation that says how much goes with it.

An organization admin's act: it removes teammates' notes too, private ones included. The rows go in the
request's transaction; the stored files go afterwards, in the worker (EventType.FILES_REMOVED). No
note.deleted event is sent for each note: subscribers and open timelines learn nothing of a contact's
removal (docs/web.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.attachments.removal import KEYS_PER_ITEM
from contactnotes.auth.principal import Principal
from contactnotes.contacts import service as contacts
from contactnotes.contacts.schemas import ContactView
from contactnotes.errors import Forbidden
from contactnotes.jobs.events import EventType
from contactnotes.jobs.queue import Event, enqueue_many
from contactnotes.notes import contact_removal_repository as repository


@dataclass(frozen=True, slots=True)
class ContactRemoval:
    contact: ContactView
    notes: int
    files: int


def _require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden("Only an organization admin can delete a contact and its notes")


async def what_goes(session: AsyncSession, principal: Principal, contact_oid: str) -> ContactRemoval:
    """What deleting the contact would remove (the confirmation's numbers)."""
    contact = await contacts.get_contact(session, principal.org_id, contact_oid)  # another organization's: 404
    _require_admin(principal)
    notes, files = await repository.counts(session, principal.org_id, contact.id)
    return ContactRemoval(contacts.contact_view(contact), notes, files)


async def delete_contact(session: AsyncSession, principal: Principal, contact_oid: str) -> ContactRemoval:
    contact = await contacts.get_contact(session, principal.org_id, contact_oid)
    _require_admin(principal)
    notes, files = await repository.counts(session, principal.org_id, contact.id)
    removed = ContactRemoval(contacts.contact_view(contact), notes, files)
    keys = await repository.file_keys(session, principal.org_id, contact.id)
    await repository.delete_all(session, principal.org_id, contact.id, keys)
    batches = [keys[i : i + KEYS_PER_ITEM] for i in range(0, len(keys), KEYS_PER_ITEM)]
    await enqueue_many(session, principal.org_id, [Event(EventType.FILES_REMOVED, {"keys": b}) for b in batches])
    return removed
