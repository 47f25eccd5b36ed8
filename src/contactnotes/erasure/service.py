"""Erasing a contact (GDPR art. 17): the contact, the notes whose primary contact it is (with their
revisions, mentions, reactions and files), its links to other contacts' notes (those notes stay), its
reminders and notifications, and every trace of them in the outbox, webhook deliveries and stored answers.
The web app's "Delete contact" is this same erasure (web/contact_edit.py).

One transaction removes the rows and writes the audit record (counts and ids, never content); the files
leave storage after the commit, by the worker (an `erasure.files` job), and a `contact.erased` event tells
webhook receivers. Only an organization admin may erase.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.contacts import service as contacts
from contactnotes.contacts.schemas import ContactView
from contactnotes.erasure import repository
from contactnotes.errors import Forbidden, Invalid
from contactnotes.jobs.events import EventType
from contactnotes.jobs.queue import Event, enqueue_many
from contactnotes.kit.clock import utc_now
from contactnotes.kit.ids import new_oid


@dataclass(frozen=True, slots=True)
class ErasureSummary:
    oid: str  # the audit record's
    contact_id: int
    contact_oid: str
    erased_by: str
    erased_at: str
    counts: dict[str, int]


@dataclass(frozen=True, slots=True)
class ErasurePreview:
    """What erasing the contact removes, as a person confirming it is told: live notes and their files."""

    contact: ContactView
    notes: int
    files: int


def _require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden("Only organization admins erase contacts")


async def what_goes(session: AsyncSession, principal: Principal, ref: int | str) -> ErasurePreview:
    """The confirmation's numbers, before an erasure."""
    contact = await contacts.get_contact(session, principal.org_id, ref)  # another organization's: 404
    _require_admin(principal)
    notes, files = await repository.live_counts(session, principal.org_id, contact.id)
    return ErasurePreview(contacts.contact_view(contact), notes, files)


def _refers_to(payload: dict[str, Any], ids: dict[str, set[int]]) -> bool:
    """Whether an outbox payload names one of the erased rows (payloads carry ids only)."""
    return any(payload.get(name) in wanted for name, wanted in ids.items())


# Each kind of row that concerns a contact is found by one function of the repository, and deleted in
# repository.delete_everything. A note's revisions need no entry: they go with the note (ON DELETE CASCADE,
# checked on both databases by tests/security/test_erasure_sweep.py). A note about another contact that is
# linked to this one stays: only the link goes.


async def erase_contact(
    session: AsyncSession,
    principal: Principal | None,
    org_id: int,
    ref: int | str,
    *,
    confirm: str | None = None,
    operator: str | None = None,
) -> ErasureSummary:
    """`principal` None: the operator's command line (which asked for confirmation itself), named by
    `operator`. An admin repeats the contact's id in `confirm`."""
    contact = await contacts.get_contact(session, org_id, ref)  # first: another organization's contact is 404
    if principal is not None:
        _require_admin(principal)
        check_confirmation(ref, confirm)
    note_rows = await repository.note_ids(session, org_id, contact.id)
    notes = [note_id for note_id, _ in note_rows]
    unlinked = await repository.linked_note_ids(session, org_id, contact.id)
    reminders = await repository.reminder_ids(session, org_id, contact.id)
    notifications = await repository.notification_ids(session, org_id, contact.id, notes, reminders)
    uploads, keys = await repository.file_keys(session, org_id, notes)
    oids = [contact.oid, *(oid for _, oid in note_rows)]

    named = {"note_id": set(notes), "reminder_id": set(reminders), "notification_id": set(notifications)}
    outbox = [(row_id, event_id) for row_id, event_id, payload in await repository.outbox_rows(session, org_id)
              if _refers_to(payload, named)]  # fmt: skip
    deliveries = await repository.deliveries_about(session, org_id, [e for _, e in outbox], oids)
    # Delivery jobs of those deliveries go too (their payload names the delivery only).
    outbox_ids = {row_id for row_id, _ in outbox}
    outbox_ids.update(
        row_id
        for row_id, _, payload in await repository.outbox_rows(session, org_id)
        if payload.get("delivery_id") in set(deliveries)
    )
    answers = [
        answer_id
        for answer_id, body in await repository.stored_answers(session, org_id)
        if any(oid.encode() in body for oid in oids)
    ]
    await repository.delete_everything(
        session, org_id, contact.id, notes=notes, unlinked=unlinked, reminders=reminders, notifications=notifications,
        uploads=uploads, keys=keys, outbox=sorted(outbox_ids), deliveries=deliveries, answers=answers,
    )  # fmt: skip

    now = utc_now()
    counts = {
        "notes": len(notes),
        "reminders": len(reminders),
        "notifications": len(notifications),
        "files": len(keys),
        "events": len(outbox_ids),
        "webhook_deliveries": len(deliveries),
        "unlinked_notes": len(unlinked),
    }
    erased_by = principal.email if principal is not None else (operator or "command line")
    record_oid = new_oid()
    await repository.add_record(
        session,
        {
            "oid": record_oid,
            "org_id": org_id,
            "contact_id": contact.id,
            "contact_oid": contact.oid,
            "erased_by_id": principal.user_id if principal is not None else None,
            "erased_by": erased_by,
            "erased_at": now,
            "counts": counts,
            "ids": {
                "notes": notes,
                "unlinked_notes": unlinked,
                "reminders": reminders,
                "notifications": notifications,
                "uploads": uploads,
            },
        },
    )
    summary = ErasureSummary(record_oid, contact.id, contact.oid, erased_by, now.isoformat(), counts)
    announced = {"erasure": record_oid, "contactId": contact.oid, "contactIntId": contact.id, "counts": counts}
    await enqueue_many(
        session,
        org_id,
        [
            Event(EventType.CONTACT_ERASED, {"contact_id": contact.id}, {"erasure": announced}),
            # Storage keys hold file names: the job forgets them once the files are gone (erasure/handlers.py).
            Event(EventType.ERASURE_FILES, {"keys": keys}),
        ],
    )
    return summary


def check_confirmation(ref: int | str, confirm: str | None) -> None:
    """The API asks the caller to repeat the contact's id, so that no stray request erases anyone."""
    if confirm is None or confirm.strip() != str(ref):
        raise Invalid.field("confirm", "Repeat the contact's id in `confirm` to erase it", "CONFIRMATION_REQUIRED")
