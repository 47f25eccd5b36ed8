"""Idempotency keys: a write retried with the same key is done once; the retry gets the stored answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.errors import Conflict, Invalid, Unprocessable
from contactnotes.idempotency import repository
from contactnotes.kit.clock import utc_now

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
KEEP_FOR = timedelta(hours=24)


@dataclass(frozen=True)
class StoredAnswer:
    status_code: int
    body: bytes
    headers: dict[str, Any]


class Replay(Exception):
    """The request was already done under this key: answer with what was answered then."""

    def __init__(self, answer: StoredAnswer) -> None:
        super().__init__("idempotent replay")
        self.answer = answer


def _check_key(key: str) -> str:
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise Invalid.field(HEADER, f"{HEADER} must be 1 to {MAX_KEY_LENGTH} printable ASCII characters")
    return key


async def begin(session: AsyncSession, principal: Principal, key: str, fingerprint: str) -> int:
    """Claim the key for this request in the current transaction; returns the claim's id.

    Raises Replay when the same request was already done, Unprocessable when the key was used for another
    request, Conflict when the first request under this key is still running.
    """
    key = _check_key(key)
    org_id, user_id = principal.org_id, principal.user_id
    for _ in range(2):
        now = utc_now()
        claimed = await repository.claim(
            session, org_id=org_id, user_id=user_id, key=key, fingerprint=fingerprint, at=now
        )
        if claimed is not None:
            return claimed
        existing = await repository.find(session, org_id=org_id, user_id=user_id, key=key)
        if existing is None:
            continue  # the other claim rolled back between our insert and our read
        if existing.created_at < now - KEEP_FOR:
            await repository.remove(session, existing.id)  # expired: the key is free again
            continue
        if existing.fingerprint != fingerprint:
            raise Unprocessable(f"{HEADER} {key!r} was already used for a different request")
        if existing.completed_at is None or existing.status_code is None:
            raise Conflict(f"A request with {HEADER} {key!r} is still in progress")
        raise Replay(StoredAnswer(existing.status_code, existing.response_body or b"", existing.response_headers or {}))
    raise Conflict(f"A request with {HEADER} {key!r} is still in progress")


async def finish(session: AsyncSession, claim_id: int, answer: StoredAnswer) -> None:
    await repository.complete(
        session, claim_id, status_code=answer.status_code, body=answer.body, headers=answer.headers, at=utc_now()
    )


async def purge_expired(session: AsyncSession) -> int:
    return await repository.purge_older_than(session, utc_now() - KEEP_FOR)
