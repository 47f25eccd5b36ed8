"""Migration 0016: reactions stored before emoji had one spelling are rewritten, and a user's two spellings of
one emoji on a note become one reaction."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from contactnotes.db import migrate
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.kit.clock import utc_now
from contactnotes.models import NoteReaction
from contactnotes.notes import repository, service
from contactnotes.notes.schemas import NoteCreate
from contactnotes.settings import Settings
from tests.conftest import fresh_pg_database, require_postgres
from tests.factories import build_world


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
        world = await build_world(database)
        async with unit_of_work(database) as session:
            note = await service.create_note(session, world.alice.principal, NoteCreate(contact=world.contact.id))
            note_id, now = note.id, utc_now()
            # As the service stored them before: each spelling as sent.
            for emoji, user in [("❤", world.alice), ("❤️", world.alice), ("❤", world.bob), ("👍", world.bob)]:
                await repository.add_reaction(session, note_id, emoji, user.user.id, now)
        await asyncio.to_thread(migrate.upgrade, url)
        async with unit_of_work(database) as session:
            rows = (await session.execute(select(NoteReaction.emoji, NoteReaction.user_id))).all()
        assert sorted(rows) == sorted([("❤️", world.alice.user.id), ("❤️", world.bob.user.id), ("👍", world.bob.user.id)])
    finally:
        await database.dispose()
