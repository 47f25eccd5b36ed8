"""SQL for inbox rows. Reads are scoped to the recipient (and so to their organization)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.kit.ids import new_oid
from contactnotes.models import Notification, NotificationKind


async def add_mentions(
    session: AsyncSession,
    *,
    org_id: int,
    actor_id: int,
    note_id: int,
    contact_id: int,
    user_ids: Sequence[int],
    at: datetime,
) -> None:
    if not user_ids:
        return
    await session.execute(
        insert(Notification),
        [
            {
                "oid": new_oid(),
                "org_id": org_id,
                "user_id": user_id,
                "kind": NotificationKind.MENTION.value,
                "actor_id": actor_id,
                "note_id": note_id,
                "contact_id": contact_id,
                "created_at": at,
            }
            for user_id in user_ids
        ],
    )
