"""Migration 0016: reactions stored before emoji had one spelling are rewritten, and a user's two spellings of
one emoji on a note become one reaction."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select, text

from contactnotes.db import migrate
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.kit.clock import utc_now
from contactnotes.models import NoteReaction
from contactnotes.notes import repository
from contactnotes.settings import Settings
from tests.conftest import fresh_pg_database, require_postgres

_ROWS_AT_0015 = [
    "INSERT INTO organizations (id, name, oid, created_at) VALUES (1, 'Acme', '6a0000000000000000000001', :now)",
    "INSERT INTO users (id, org_id, full_name, email, handle, role, oid, created_at) VALUES "
    "(1, 1, 'Alice', 'alice@acme.example.com', 'alice', 'member', '6a0000000000000000000002', :now), "
    "(2, 1, 'Bob', 'bob@acme.example.com', 'bob', 'member', '6a0000000000000000000003', :now)",
    "INSERT INTO contacts (id, org_id, display_name, oid, created_at) "
    "VALUES (1, 1, 'Jordan Lee', '6a0000000000000000000004', :now)",
    "INSERT INTO notes (id, org_id, contact_id, author_id, modified_by_id, body, type, important, is_private, "
    "note_date, updated_at, is_edited, oid, created_at) "
    "VALUES (1, 1, 1, 1, 1, 'hello', 'General', :no, :no, :now, :now, :no, '6a0000000000000000000005', :now)",
]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_old_spellings_are_merged(backend: str, tmp_path: Path, worker_id_suffix: str) -> None:
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    else:
        require_postgres()
        url = await asyncio.to_thread(fresh_pg_database, f"contactnotes_emoji_{worker_id_suffix}")
    # migrate runs its own event loop, so in a thread here.
    await asyncio.to_thread(migrate.upgrade, url, "0015")  # the revision before the one under test
    database = Database(Settings(database_url=url, var_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]
    try:
        # Rows written as the schema at 0015 has them, with plain SQL: the models describe the newest schema.
        now = utc_now()
        async with unit_of_work(database) as session:
            for statement in _ROWS_AT_0015:
                await session.execute(text(statement), {"now": now, "no": False})
            # As the service stored them before: each spelling as sent (alice 1, bob 2).
            for emoji, user_id in [("❤", 1), ("❤️", 1), ("❤", 2), ("👍", 2)]:
                await repository.add_reaction(session, 1, emoji, user_id, now)
        await asyncio.to_thread(migrate.upgrade, url)
        async with unit_of_work(database) as session:
            rows = (await session.execute(select(NoteReaction.emoji, NoteReaction.user_id))).all()
        assert sorted(rows) == sorted([("❤️", 1), ("❤️", 2), ("👍", 2)])
    finally:
        await database.dispose()
