"""How long a page of a contact's timeline takes at depth, by offset and by cursor, on PostgreSQL.

    PYTHONPATH=src python bench/tether_timeline_pages.py [--notes 1000000]

Creates (and drops) its own database on 127.0.0.1:5432, loads one contact with N notes by SQL, then times
GET /api/contact-notes through the app (no network) for the first page, a page by OFFSET near the end, and a
page by cursor near the end; and the COUNT behind `pagination.total` alone.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx
from sqlalchemy import text

from contactnotes.app import create_app
from contactnotes.auth import service as auth
from contactnotes.contacts import service as contacts
from contactnotes.db import migrate
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.orgs import service as orgs
from contactnotes.settings import Settings
from contactnotes.users import service as users

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
NAME = "contactnotes_bench_timeline"
URL = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{NAME}"


async def recreate() -> None:
    connection = await asyncpg.connect(ADMIN)
    await connection.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
    await connection.execute(f'CREATE DATABASE "{NAME}"')
    await connection.close()


async def drop() -> None:
    connection = await asyncpg.connect(ADMIN)
    await connection.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
    await connection.close()


async def load(database: Database, notes: int) -> tuple[str, str]:
    async with unit_of_work(database) as session:
        org = await orgs.create_org(session, "Bench")
        user = await users.create_user(session, org, email="bench@example.com", full_name="Bench")
        contact = await contacts.create_contact(session, org.id, display_name="Busy Contact")
        token = (await auth.issue_token(session, user, name="bench")).secret
        await session.execute(
            text(
                "INSERT INTO notes (oid, org_id, contact_id, author_id, modified_by_id, body, type, important,"
                " is_private, note_date, created_at, updated_at, is_edited)"
                " SELECT lpad(to_hex(n), 24, '0'), :org, :contact, :user, :user, 'note ' || n, 'General', false,"
                " n % 10 = 0, now() - n * interval '1 minute', now(), now(), false"
                " FROM generate_series(1, :n) AS n"
            ),
            {"org": org.id, "contact": contact.id, "user": user.id, "n": notes},
        )
    async with database.engine.begin() as connection:  # committed: planner statistics are transactional
        await connection.execute(text("ANALYZE"))
    return token, contact.oid


async def timed(client: httpx.AsyncClient, params: dict[str, str], token: str, runs: int = 15) -> tuple[float, dict]:
    samples, body = [], {}
    for _ in range(runs):
        start = time.perf_counter()
        response = await client.get("/api/contact-notes", params=params, headers={"Authorization": f"Bearer {token}"})
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.text
        body = response.json()
    return statistics.median(samples), body


async def main(notes: int) -> None:
    settings = Settings(database_url=URL, var_dir=Path(tempfile.mkdtemp()), _env_file=None)
    database = Database(settings)
    token, contact = await load(database, notes)
    app = create_app(settings, database)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        base = {"contactId": contact, "limit": "25"}
        first, body = await timed(client, base, token)
        visible = body["pagination"]["total"]
        deep_offset = visible - 50
        by_offset, _ = await timed(client, {**base, "offset": str(deep_offset)}, token)
        # Walk to the same depth by cursor once (not timed), then time that deep cursor page.
        _, deep = await timed(client, {**base, "offset": str(deep_offset - 25)}, token, runs=1)
        by_cursor, _ = await timed(client, {**base, "cursor": deep["pagination"]["nextCursor"]}, token)
    async with unit_of_work(database) as session:
        start = time.perf_counter()
        for _ in range(15):
            await session.execute(
                text(
                    "SELECT count(*) FROM notes WHERE contact_id = (SELECT id FROM contacts WHERE oid = :c)"
                    " AND deleted_at IS NULL AND (NOT is_private OR author_id = 1)"
                ),
                {"c": contact},
            )
        count_ms = (time.perf_counter() - start) * 1000 / 15
    await database.dispose()
    print(f"notes: {notes:,} (visible {visible:,}), page size 25, median of 15")
    print(f"first page:                 {first:8.1f} ms")
    print(f"offset {deep_offset:>9,}:          {by_offset:8.1f} ms")
    print(f"cursor at the same depth:   {by_cursor:8.1f} ms")
    print(f"COUNT for total alone:      {count_ms:8.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=1_000_000)
    arguments = parser.parse_args()
    asyncio.run(recreate())
    migrate.upgrade(URL)
    try:
        asyncio.run(main(arguments.notes))
    finally:
        asyncio.run(drop())
