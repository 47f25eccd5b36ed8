"""SQL for idempotency keys; every statement names the organization and user the key belongs to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.models import IdempotencyKey


async def claim(
    session: AsyncSession, *, org_id: int, user_id: int, key: str, fingerprint: str, at: datetime
) -> int | None:
    """Insert the key; None when it exists. On PostgreSQL a concurrent uncommitted claim of the same key makes
    this wait for that transaction, so a duplicate request sees the first one's outcome, never a half."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(IdempotencyKey)
        .values(org_id=org_id, user_id=user_id, key=key, fingerprint=fingerprint, created_at=at)
        .on_conflict_do_nothing(index_elements=["org_id", "user_id", "key"])
        .returning(IdempotencyKey.id)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def find(session: AsyncSession, *, org_id: int, user_id: int, key: str) -> IdempotencyKey | None:
    statement = select(IdempotencyKey).where(
        IdempotencyKey.org_id == org_id, IdempotencyKey.user_id == user_id, IdempotencyKey.key == key
    )
    return (await session.scalars(statement)).first()


async def remove(session: AsyncSession, key_id: int) -> None:
    await session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == key_id))


async def complete(
    session: AsyncSession, key_id: int, *, status_code: int, body: bytes, headers: dict[str, Any], at: datetime
) -> None:
    await session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.id == key_id)
        .values(status_code=status_code, response_body=body, response_headers=headers, completed_at=at)
    )


async def purge_older_than(session: AsyncSession, cutoff: datetime) -> int:
    result = await session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff))
    return int(result.rowcount)  # type: ignore[attr-defined]
