"""The request's unit of work, owned by the route (DialectRoute), not by a dependency.

The route commits after the endpoint has produced its answer and before the answer is sent, so that:
no client sees a success that is not committed; a failure anywhere rolls back everything, outbox rows
included; and an idempotent request's stored answer commits in the same transaction as its write.
"""

from __future__ import annotations

import contextlib
import hashlib

from fastapi import Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.db.engine import Database
from contactnotes.idempotency import service as idempotency

MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
READING = frozenset({"GET", "HEAD"})


class RequestTransaction:
    def __init__(self, database: Database, *, read_only: bool = False) -> None:
        self._database = database
        self._read_only = read_only
        self._session: AsyncSession | None = None
        self.idempotency_claim: int | None = None

    def session(self) -> AsyncSession:
        if self._session is None:
            database = self._database
            self._session = database.read_session() if self._read_only else database.session()
        return self._session

    async def commit(self, response: Response) -> None:
        if self._session is None:
            return
        if self.idempotency_claim is not None:
            answer = idempotency.StoredAnswer(
                response.status_code,
                bytes(response.body),
                {"content-type": response.headers.get("content-type", "application/json")},
            )
            await idempotency.finish(self._session, self.idempotency_claim, answer)
        await self._session.commit()

    async def release(self) -> None:
        """Commit what the request has done so far and hand its connection back to the pool, before a long
        wait on the network (a streamed upload body). The session stays usable: its next statement takes a
        fresh connection and transaction, which the route commits as usual. A claimed idempotency key keeps
        its transaction, since its answer must commit with the request's write."""
        if self._session is None or self.idempotency_claim is not None:
            return
        await self._session.commit()
        await self._session.close()

    async def rollback(self) -> None:
        # After a lost connection the rollback fails too; the request is answered from the first failure.
        if self._session is not None:
            with contextlib.suppress(Exception):
                await self._session.rollback()

    async def close(self) -> None:
        if self._session is not None:
            with contextlib.suppress(Exception):
                await self._session.close()


def current_transaction(request: Request) -> RequestTransaction:
    transaction: RequestTransaction | None = getattr(request.state, "transaction", None)
    if transaction is None:
        raise RuntimeError("database access outside a DialectRoute: use the dialect's route class")
    return transaction


async def claim_idempotency_key(request: Request, principal: Principal) -> None:
    """Honour an Idempotency-Key on a write. Multipart uploads and every route that streams its body are
    exempt: hashing their body would mean holding it whole, and each upload makes new objects anyway."""
    key = request.headers.get(idempotency.HEADER)
    content_type = request.headers.get("content-type", "")
    streamed = getattr(request.state, "streamed_body", False)  # upload routes (http.middleware.BodySizeLimit)
    if key is None or request.method not in MUTATING or content_type.startswith("multipart/") or streamed:
        return
    digest = hashlib.sha256()
    for part in (request.method, request.url.path, request.url.query):
        digest.update(part.encode() + b"\0")
    digest.update(await request.body())
    transaction = current_transaction(request)
    transaction.idempotency_claim = await idempotency.begin(transaction.session(), principal, key, digest.hexdigest())
