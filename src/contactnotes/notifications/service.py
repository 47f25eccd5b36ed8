"""Inbox notifications: rows written with the change, delivered onwards (email, stream, webhooks) by workers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.jobs.events import EventType
from contactnotes.jobs.queue import enqueue
from contactnotes.kit.clock import utc_now
from contactnotes.notifications import repository


async def notify_mentioned(
    session: AsyncSession, principal: Principal, *, note_id: int, contact_id: int, user_ids: Sequence[int]
) -> list[int]:
    """One inbox row (and one outbox event) per newly mentioned user; the author is never told of
    their own mention. Returns the users notified."""
    recipients = [user_id for user_id in dict.fromkeys(user_ids) if user_id != principal.user_id]
    await repository.add_mentions(
        session,
        org_id=principal.org_id,
        actor_id=principal.user_id,
        note_id=note_id,
        contact_id=contact_id,
        user_ids=recipients,
        at=utc_now(),
    )
    for user_id in recipients:
        await enqueue(
            session,
            principal.org_id,
            EventType.USER_MENTIONED,
            note_id=note_id,
            user_id=user_id,
            actor_id=principal.user_id,
        )
    return recipients
