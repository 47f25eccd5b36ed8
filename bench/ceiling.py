"""The ceiling: the statements a correct create-with-mention needs, sent one by one, with nothing else.

A bare Starlette + asyncpg endpoint doing what POST /api/contact-notes must do — token look-up; contact and
mentioned users checked against the organization; the note, mention, notification and two outbox inserts
(note created, user mentioned); one transaction — so the app can be measured against the database's limit.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

DSN = os.environ.get("BENCH_DSN", "postgresql://postgres@127.0.0.1:5432/contactnotes_bench")
pool: asyncpg.Pool | None = None


def oid() -> str:
    return int(time.time()).to_bytes(4, "big").hex() + secrets.token_hex(8)


async def create(request: Request) -> Response:
    assert pool is not None
    token = request.headers.get("authorization", "")[7:]
    body = json.loads(await request.body())
    now = datetime.now(UTC)
    async with pool.acquire() as db, db.transaction():
        principal = await db.fetchrow(
            "SELECT t.org_id, t.user_id, t.revoked_at, t.expires_at, u.oid, u.full_name, u.email "
            "FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN organizations o ON o.id = t.org_id "
            "WHERE t.token_hash = $1",
            hashlib.sha256(token.encode()).hexdigest(),
        )
        if principal is None or principal["revoked_at"] is not None:
            return JSONResponse({"success": False, "message": "Invalid token"}, status_code=401)
        org_id, user_id = principal["org_id"], principal["user_id"]
        contact = await db.fetchrow(
            "SELECT id, oid FROM contacts WHERE org_id = $1 AND oid = $2", org_id, body["contactId"]
        )
        if contact is None:
            return JSONResponse({"success": False, "message": "Contact not found"}, status_code=404)
        mentioned = await db.fetch(
            "SELECT id, oid FROM users WHERE org_id = $1 AND oid = ANY($2::varchar[])", org_id, body["mentions"]
        )
        note_oid = oid()
        note_id = await db.fetchval(
            "INSERT INTO notes (oid, org_id, contact_id, author_id, modified_by_id, body, type, important, "
            "is_private, note_date, created_at, updated_at, is_edited) "
            "VALUES ($1, $2, $3, $4, $4, $5, 'General', false, false, $6, $6, $6, false) RETURNING id",
            note_oid, org_id, contact["id"], user_id, body["note"], now,
        )  # fmt: skip
        # One statement per row, one round trip each: the ceiling is the plain sequence, not a batched one.
        for m in mentioned:
            await db.execute(
                "INSERT INTO note_mentions (note_id, user_id, created_at) VALUES ($1, $2, $3)", note_id, m["id"], now
            )
            await db.execute(
                "INSERT INTO notifications (oid, org_id, user_id, kind, actor_id, note_id, contact_id, created_at) "
                "VALUES ($1, $2, $3, 'mention', $4, $5, $6, $7)",
                oid(), org_id, m["id"], user_id, note_id, contact["id"], now,
            )  # fmt: skip
        outbox = [("note.created", {"note_id": note_id, "actor_id": user_id})] + [
            ("user.mentioned", {"note_id": note_id, "user_id": m["id"], "actor_id": user_id}) for m in mentioned
        ]
        for kind, payload in outbox:
            await db.execute(
                "INSERT INTO outbox_events (event_id, org_id, type, payload, available_at, attempts, created_at) "
                "VALUES ($1, $2, $3, $4, $5, 0, $5)",
                str(uuid.uuid4()), org_id, kind, json.dumps(payload), now,
            )  # fmt: skip
    data = {
        "_id": note_oid,
        "contactId": contact["oid"],
        "userId": {"_id": principal["oid"], "fullName": principal["full_name"], "email": principal["email"]},
        "note": body["note"],
        "mentions": [m["oid"] for m in mentioned],
        "attachments": [],
        "reactions": [],
        "isEdited": False,
        "createdAt": now.isoformat(),
    }
    return JSONResponse({"success": True, "message": "Contact note created", "data": data}, status_code=201)


async def ready(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    global pool
    # The same number of connections as the app's default pool (10 kept + 10 overflow).
    pool = await asyncpg.create_pool(DSN, min_size=10, max_size=20)
    yield
    await pool.close()


app = Starlette(routes=[Route("/create", create, methods=["POST"]), Route("/readyz", ready)], lifespan=lifespan)
