"""Sending a note to an email address on request (Virtuous's POST /api/ContactNote/Email).

Queued in the request's transaction; a worker mails it after commit (mail.delivery.send_note).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.errors import Invalid
from contactnotes.jobs.events import EventType
from contactnotes.jobs.queue import enqueue
from contactnotes.notes import service as notes
from contactnotes.notes.schemas import NoteView
from contactnotes.users.service import normalize_email

MAX_EMAIL_SUBJECT = 200
MAX_EMAIL_MESSAGE = 10_000


async def email_note(
    session: AsyncSession,
    principal: Principal,
    note_ref: int | str,
    *,
    to: str,
    subject: str | None = None,
    message: str | None = None,
) -> NoteView:
    """Send a note the caller can see to an email address: queued here, mailed by a worker after commit
    (mail.delivery.send_note). Any note the caller can read may be sent; another's private note is 404."""
    note = await notes.get_note(session, principal, note_ref)
    address = normalize_email(to, "toEmail")
    if subject is not None and len(subject) > MAX_EMAIL_SUBJECT:
        raise Invalid.field("subject", f"A subject has at most {MAX_EMAIL_SUBJECT} characters", "TOO_LONG")
    if message is not None and len(message) > MAX_EMAIL_MESSAGE:
        raise Invalid.field("message", f"A message has at most {MAX_EMAIL_MESSAGE} characters", "TOO_LONG")
    # The address and words are what was asked, not state a handler could re-read, so they travel with the ids.
    await enqueue(
        session,
        principal.org_id,
        EventType.NOTE_EMAILED,
        note_id=note.id,
        user_id=principal.user_id,
        to=address,
        subject=(subject or "").strip() or None,
        message=(message or "").strip() or None,
    )
    return note
