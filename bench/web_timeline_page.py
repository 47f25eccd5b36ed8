"""The web app's timeline page against the JSON list page, for the same first 25 notes, on PostgreSQL; and its
contact list (first page and a deep page) over 10,000 contacts.

    PYTHONPATH=src python -m bench.web_timeline_page [--notes 100000]

Creates (and drops) its own database on 127.0.0.1:5432, loads one contact with N notes by SQL, then times both
answers through the app in process (no network): the server's time, median of the runs. `make bench` measures
the same pair under load with wrk.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx
from sqlalchemy import text

from bench.tether_timeline_pages import ADMIN, load
from contactnotes.app import create_app
from contactnotes.auth import sessions
from contactnotes.db import migrate
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.settings import Settings
from contactnotes.users import repository as users_repository

NAME = "contactnotes_bench_web_page"
CONTACTS = 10_000
URL = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{NAME}"


async def recreate(drop_only: bool = False) -> None:
    connection = await asyncpg.connect(ADMIN)
    await connection.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
    if not drop_only:
        await connection.execute(f'CREATE DATABASE "{NAME}"')
    await connection.close()


async def timed(client: httpx.AsyncClient, path: str, headers: dict[str, str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = await client.get(path, headers=headers)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.text[:300]
    return statistics.median(samples)


async def main(notes: int, runs: int) -> None:
    settings = Settings(database_url=URL, var_dir=Path(tempfile.mkdtemp()), _env_file=None)  # type: ignore[call-arg]
    database = Database(settings)
    token, contact = await load(database, notes)
    async with unit_of_work(database) as session:
        user = await users_repository.find_by_email(session, "bench@example.com")
        assert user is not None
        cookie = (await sessions.open_session(session, user, lifetime=timedelta(hours=1))).secret
    app = create_app(settings, database)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        api = f"/api/contact-notes?contactId={contact}&limit=25"
        page = f"/contacts/{contact}"
        bearer, signed_in = {"Authorization": f"Bearer {token}"}, {"Cookie": f"cn_session={cookie}"}
        await timed(client, api, bearer, 5)  # warm both paths (statement caches, templates)
        await timed(client, page, signed_in, 5)
        json_ms, page_ms = [], []
        for _ in range(3):  # alternating rounds
            json_ms.append(await timed(client, api, bearer, runs))
            page_ms.append(await timed(client, page, signed_in, runs))
        async with unit_of_work(database) as session:
            await session.execute(
                text(
                    "INSERT INTO contacts (oid, org_id, display_name, email, created_at)"
                    " SELECT lpad(to_hex(n + 16777216), 24, '0'), 1, 'Contact ' || lpad(n::text, 5, '0'),"
                    " 'c' || n || '@example.net', now() FROM generate_series(1, :n) AS n"
                ),
                {"n": CONTACTS},
            )
        deep = (await client.get("/contacts?q=Contact 09", headers=signed_in)).text
        cursor = re.search(r'href="/contacts\?q=Contact\+09&amp;cursor=([^"]+)"', deep)
        first_contacts = await timed(client, "/contacts", signed_in, runs)
        searched = await timed(client, "/contacts?q=Contact%2009", signed_in, runs)
        assert cursor is not None
        later = await timed(client, f"/contacts?q=Contact%2009&cursor={cursor.group(1)}", signed_in, runs)
    await database.dispose()
    print(
        f"contacts list over {CONTACTS:,}: first page {first_contacts:.1f} ms, search {searched:.1f} ms, "
        f"a later page of the search {later:.1f} ms"
    )
    json_median, page_median = statistics.median(json_ms), statistics.median(page_ms)
    print(f"notes: {notes:,} on one contact; first 25; median of 3 rounds of {runs}")
    print(f"JSON list page (GET /api/contact-notes): {json_median:7.1f} ms")
    print(f"web timeline page (GET /contacts/<id>):  {page_median:7.1f} ms  ({page_median / json_median:.2f}x)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    arguments = parser.parse_args()
    asyncio.run(recreate())
    migrate.upgrade(URL)
    try:
        asyncio.run(main(arguments.notes, arguments.runs))
    finally:
        asyncio.run(recreate(drop_only=True))
