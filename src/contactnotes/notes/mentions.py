"""Mentions: finding @handles in a note body, and telling the people a note mentions (an inbox row and an
outbox event each, written with the change)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.jobs.events import EventType
from contactnotes.jobs.queue import Event, enqueue_many
from contactnotes.kit.clock import utc_now
from contactnotes.kit.ids import new_oid
from contactnotes.models import NotificationKind
from contactnotes.notes import snapshots
from contactnotes.notes.schemas import NoteView
from contactnotes.notes.snapshots import EventSnapshot, Notice
from contactnotes.notifications import repository
from contactnotes.users.schemas import UserSummary

# An @ that starts a word (so "bob@example.com" is an address, not a mention), then a handle.
_MENTION_RE = re.compile(r"(?<![\w@.+-])@([A-Za-z0-9][A-Za-z0-9_.-]{0,63})")


def handles_in(body: str) -> list[str]:
    """Lower-cased handles mentioned in the body, first appearance first, without duplicates."""
    seen: dict[str, None] = {}
    for match in _MENTION_RE.finditer(body):
        seen.setdefault(match.group(1).rstrip(".-").lower(), None)
    return [handle for handle in seen if handle]


@dataclass(frozen=True, slots=True)
class Mentioned:
    """The inbox rows and events that tell the people a change newly mentions (see `mention_notices`)."""

    user_ids: list[int]
    notification_oids: list[str]  # one per user, in order
    at: datetime
    events: list[Event]  # the users' events, then the change's own


def mention_notices(
    principal: Principal, *, note: NoteView, users: Sequence[UserSummary], then: Sequence[Event] = ()
) -> Mentioned:
    """One inbox row (and one outbox event) per newly mentioned user; the author is never told of their own
    mention. `note` is the note as this change leaves it: each event's snapshot. `then` are the change's own
    events, written after these. Nothing is written: the caller's repository writes it with the change."""
    recipients = list({u.id: u for u in users if u.id != principal.user_id}.values())
    at = utc_now()
    oids = [new_oid() for _ in recipients]
    kind = NotificationKind.MENTION.value
    mentioned = [
        Event(
            EventType.USER_MENTIONED,
            {"note_id": note.id, "user_id": user.id, "actor_id": principal.user_id},
            snapshots.dump(EventSnapshot(note=note, user=user, notice=Notice(oid, kind, at, note.modified_by))),
        )
        for user, oid in zip(recipients, oids, strict=True)
    ]
    return Mentioned([u.id for u in recipients], oids, at, [*mentioned, *then])


async def notify_mentioned(
    session: AsyncSession,
    principal: Principal,
    *,
    note: NoteView,
    users: Sequence[UserSummary],
    then: Sequence[Event] = (),
) -> list[int]:
    """Write `mention_notices` (the inbox rows, then the events, in one statement each). Returns the users
    notified."""
    notices = mention_notices(principal, note=note, users=users, then=then)
    await repository.add_mentions(
        session,
        org_id=principal.org_id,
        actor_id=principal.user_id,
        note_id=note.id,
        contact_id=note.contact.id,
        user_ids=notices.user_ids,
        oids=notices.notification_oids,
        at=notices.at,
    )
    await enqueue_many(session, principal.org_id, notices.events)
    return notices.user_ids
