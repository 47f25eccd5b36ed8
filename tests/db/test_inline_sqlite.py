"""The embedded database's connection runs on the event loop (db/inline_sqlite.py): no driver thread, units
of work from many concurrent tasks each commit whole or not at all, and the write lock is taken up front."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from contactnotes.contacts import service as contacts
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.models import Contact
from contactnotes.orgs import service as orgs
from contactnotes.settings import Settings


@pytest.fixture
def sqlite_database(sqlite_template: Path, tmp_path: Path) -> Database:
    path = tmp_path / "inline.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite+aiosqlite:///{path}"
    return Database(Settings(database_url=url, var_dir=tmp_path / "var", _env_file=None), url)  # type: ignore[call-arg]


async def count_contacts(database: Database) -> int:
    async with database.read_session() as session:
        return int((await session.execute(select(func.count()).select_from(Contact))).scalar_one())


async def test_statements_run_without_a_driver_thread(sqlite_database: Database) -> None:
    before = {thread.ident for thread in threading.enumerate()}
    try:
        async with unit_of_work(sqlite_database) as session:
            org = await orgs.create_org(session, "Inline")
            await contacts.create_contact(session, org.id, display_name="Jordan Lee")
        assert await count_contacts(sqlite_database) == 1
        assert {thread.ident for thread in threading.enumerate()} == before
    finally:
        await sqlite_database.dispose()


async def test_concurrent_units_of_work_each_commit_whole_or_not_at_all(sqlite_database: Database) -> None:
    try:
        async with unit_of_work(sqlite_database) as session:
            org_id = (await orgs.create_org(session, "Inline")).id

        async def create(n: int) -> None:
            async with unit_of_work(sqlite_database) as session:
                await contacts.create_contact(session, org_id, display_name=f"contact {n}")
                await asyncio.sleep(0)  # another task runs here; it waits for the connection, not for a lock
                await contacts.create_contact(session, org_id, display_name=f"contact {n}, second")
                if n % 3 == 0:
                    raise RuntimeError("this unit of work fails after its writes")

        outcomes = await asyncio.gather(*(create(n) for n in range(30)), return_exceptions=True)
        failed = sum(isinstance(outcome, RuntimeError) for outcome in outcomes)
        assert failed == 10
        assert all(outcome is None or isinstance(outcome, RuntimeError) for outcome in outcomes)
        assert await count_contacts(sqlite_database) == 2 * (30 - failed)  # both rows of each success, none else
    finally:
        await sqlite_database.dispose()


async def test_a_unit_of_work_holds_the_write_lock_from_its_first_statement(sqlite_database: Database) -> None:
    path = sqlite_database.url.split("///", 1)[1]
    try:
        async with unit_of_work(sqlite_database) as session:
            await session.execute(select(func.count()).select_from(Contact))  # a read, before any write
            other = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:  # another process's writer is refused at once: the lock is held (BEGIN IMMEDIATE)
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other.execute("BEGIN IMMEDIATE")
            finally:
                other.close()
    finally:
        await sqlite_database.dispose()
