"""Each migration's locks on PostgreSQL, recorded while it runs, against a list that says why each is safe.

Every revision is applied alone, in a transaction this test holds open: before it commits, pg_locks shows
every lock the migration took (PostgreSQL keeps them to the end of the transaction), so a lock that blocks
writes (SHARE and stronger) or reads (ACCESS EXCLUSIVE) on a table that existed before the revision is
caught. A relfilenode that changes means the table was rewritten. Tables a revision creates are empty and
nobody uses them yet, so their locks do not matter.

A new migration that takes such a lock fails here until it is made online (CREATE INDEX CONCURRENTLY in
an autocommit block, a nullable column without a default, NOT VALID then VALIDATE) or its entry below says
why the lock is harmless.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import create_async_engine

from contactnotes.db.migrate import MIGRATIONS_DIR, alembic_config, upgrade
from tests.conftest import PG_ADMIN_URL, require_postgres, sqlalchemy_pg_url

BLOCKS_WRITES = {"ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"}

FK_FROM_A_NEW_TABLE = (
    "a foreign key from a table made in the same revision: the check scans the new, empty table, and the "
    "lock ends when the revision commits, milliseconds later"
)
NEW_NULLABLE_COLUMN = (
    "ADD COLUMN, nullable, no default: a catalog change without a rewrite; the lock is taken under "
    "lock_timeout (5 s, so it never queues behind a long transaction while blocking others) and held for "
    "milliseconds"
)
FK_NOT_VALID = "the foreign key is added NOT VALID, then validated (a scan of uploads, the small table)"
FK_TO_NOTES = (
    "NOT FULLY ONLINE: the new foreign key from uploads holds SHARE ROW EXCLUSIVE on notes until the migration "
    "commits, after validating and back-filling uploads: note writes wait for as long as uploads take to scan"
)
TRIGGER = "CREATE TRIGGER: a catalog change; the lock is held for milliseconds"
# The first releases built indexes on tables that held little: on a large table these block writes
# (and 0009 reads too) for the build. They are not online; the deployment guide says so.
LINKS_BACKFILL = (
    "NOT FULLY ONLINE: the foreign key from the new note_contacts and the triggers on notes hold SHARE ROW "
    "EXCLUSIVE on notes until the migration commits, after back-filling one link per note (one INSERT ... "
    "SELECT): note writes wait for as long as that scan of notes takes, so that no note escapes the back-fill"
)
INDEX_BUILD = "NOT ONLINE: builds an index while holding SHARE (writes wait for the build)"
INDEX_REBUILD = "NOT ONLINE: drops and rebuilds ix_notes_timeline under ACCESS EXCLUSIVE (reads and writes wait)"

ALLOWED: dict[tuple[str, str], tuple[set[str], str]] = {
    ("0002", "organizations"): ({"ShareRowExclusiveLock"}, FK_FROM_A_NEW_TABLE),
    ("0002", "users"): ({"ShareRowExclusiveLock"}, FK_FROM_A_NEW_TABLE),
    ("0002", "contacts"): ({"ShareRowExclusiveLock"}, FK_FROM_A_NEW_TABLE),
    ("0002", "notes"): ({"ShareRowExclusiveLock"}, FK_FROM_A_NEW_TABLE),
    ("0003", "organizations"): ({"ShareRowExclusiveLock"}, FK_FROM_A_NEW_TABLE),
    ("0004", "note_attachments"): ({"ShareLock"}, INDEX_BUILD),
    ("0005", "organizations"): ({"ShareRowExclusiveLock"}, FK_FROM_A_NEW_TABLE),
    ("0005", "users"): ({"ShareRowExclusiveLock"}, FK_FROM_A_NEW_TABLE),
    ("0006", "organizations"): ({"ShareRowExclusiveLock"}, FK_FROM_A_NEW_TABLE),
    ("0006", "users"): ({"ShareRowExclusiveLock"}, FK_FROM_A_NEW_TABLE),
    ("0006", "notifications"): ({"AccessExclusiveLock"}, NEW_NULLABLE_COLUMN),
    ("0007", "outbox_events"): ({"ShareRowExclusiveLock"}, TRIGGER),
    ("0008", "contacts"): ({"ShareRowExclusiveLock"}, FK_FROM_A_NEW_TABLE),
    ("0008", "notes"): ({"ShareLock", "ShareRowExclusiveLock"}, INDEX_BUILD + "; and " + TRIGGER),
    ("0009", "notes"): ({"ShareLock", "AccessExclusiveLock"}, INDEX_REBUILD),
    ("0010", "outbox_events"): ({"AccessExclusiveLock"}, NEW_NULLABLE_COLUMN),
    ("0011", "outbox_events"): ({"AccessExclusiveLock"}, NEW_NULLABLE_COLUMN),
    ("0012", "uploads"): (
        {"AccessExclusiveLock", "ShareRowExclusiveLock"},
        NEW_NULLABLE_COLUMN + "; and " + FK_NOT_VALID,
    ),
    ("0012", "notes"): ({"ShareRowExclusiveLock"}, FK_TO_NOTES),
    ("0013", "organizations"): ({"AccessExclusiveLock"}, NEW_NULLABLE_COLUMN),
    ("0013", "users"): ({"AccessExclusiveLock"}, NEW_NULLABLE_COLUMN),
    ("0020", "users"): ({"AccessExclusiveLock"}, NEW_NULLABLE_COLUMN),
    ("0020", "webhook_deliveries"): ({"ShareRowExclusiveLock"}, FK_FROM_A_NEW_TABLE),
    ("0017", "organizations"): (
        {"AccessExclusiveLock", "ShareRowExclusiveLock"},
        "ADD COLUMN with a constant default: PostgreSQL 11+ keeps the default in the catalog, no rewrite; the "
        "lock is taken under lock_timeout and held for milliseconds; and " + FK_FROM_A_NEW_TABLE,
    ),
    ("0017", "users"): ({"ShareRowExclusiveLock"}, FK_FROM_A_NEW_TABLE),
    ("0017", "notes"): ({"ShareRowExclusiveLock"}, FK_FROM_A_NEW_TABLE),
    ("0018", "notes"): ({"ShareRowExclusiveLock"}, LINKS_BACKFILL),
    ("0018", "contacts"): ({"ShareRowExclusiveLock"}, FK_FROM_A_NEW_TABLE),
    ("0018", "organizations"): ({"ShareRowExclusiveLock"}, FK_FROM_A_NEW_TABLE),
    ("0019", "organizations"): ({"ShareRowExclusiveLock"}, FK_FROM_A_NEW_TABLE),
    ("0019", "users"): ({"ShareRowExclusiveLock"}, FK_FROM_A_NEW_TABLE),
    ("0019", "contacts"): ({"ShareRowExclusiveLock"}, FK_FROM_A_NEW_TABLE),
    ("0019", "notes"): ({"ShareRowExclusiveLock"}, FK_FROM_A_NEW_TABLE),
}

SCRIPTS = MIGRATIONS_DIR / "versions"
# Migrations that build their indexes CONCURRENTLY, which PostgreSQL allows only outside a transaction: they run
# on their own here, and are checked for what can be checked from outside (no table rewritten).
CONCURRENT = {
    "0014": "web sessions: a new table (its foreign keys take a moment's lock on organizations and users), and the "
    "home page's and contact list's indexes built CONCURRENTLY",
    "0015": "full-text search: its GIN and B-tree indexes are built CONCURRENTLY; the rest adds a nullable column "
    "(catalog only), functions and triggers, and fills the column in batches",
}

TABLES = "SELECT relname, relfilenode FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
LOCKS = (
    "SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
    "WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND c.relkind IN ('r', 'p')"
)


@pytest.fixture
async def empty_database() -> AsyncIterator[str]:
    require_postgres()
    name = f"contactnotes_locks_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(PG_ADMIN_URL)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield sqlalchemy_pg_url(name)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def revisions(url: str) -> list[str]:
    return [script.revision for script in ScriptDirectory.from_config(alembic_config(url)).walk_revisions()][::-1]


async def test_every_migration_takes_only_locks_it_gives_a_reason_for(empty_database: str) -> None:
    url = empty_database
    engine = create_async_engine(url)
    seen: dict[tuple[str, str], set[str]] = {}
    try:
        for revision in revisions(url):
            if revision in CONCURRENT:
                async with engine.connect() as connection:
                    before = {name: node for name, node in await connection.execute(text(TABLES))}
                await asyncio.to_thread(upgrade, url, revision)
                async with engine.connect() as connection:
                    after = {name: node for name, node in await connection.execute(text(TABLES))}
                assert not [t for t in before if after.get(t) != before[t]], f"{revision} rewrote a table"
                assert "concurrently" in next(SCRIPTS.glob(f"*-{revision}_*.py")).read_text().lower()
                continue

            def apply(
                connection: Connection, revision: str = revision
            ) -> tuple[dict[str, int], set[tuple[str, str]], dict[str, int], str]:
                before = {name: node for name, node in connection.execute(text(TABLES))}
                config = alembic_config(url)
                config.attributes["connection"] = connection  # inside this test's open transaction
                command.upgrade(config, revision)
                locks = {(table, mode) for table, mode in connection.execute(text(LOCKS))}
                after = {name: node for name, node in connection.execute(text(TABLES))}
                timeout = str(connection.execute(text("SHOW lock_timeout")).scalar())
                return before, locks, after, timeout

            async with engine.connect() as connection:
                before, locks, after, timeout = await connection.run_sync(apply)
                await connection.commit()
            assert timeout == "5s", "migrations run under lock_timeout"
            rewritten = [table for table in before if after.get(table) != before[table]]
            assert not rewritten, f"{revision} rewrote {rewritten}"
            for table, mode in locks:
                if table in before and table != "alembic_version" and mode in BLOCKS_WRITES:
                    seen.setdefault((revision, table), set()).add(mode)
    finally:
        await engine.dispose()

    for (revision, table), modes in seen.items():
        allowed, reason = ALLOWED.get((revision, table), (set(), ""))
        assert modes <= allowed, (
            f"migration {revision} takes {sorted(modes - allowed)} on {table}: say why or make it online"
        )
        assert reason
    stale = set(ALLOWED) - set(seen)
    assert not stale, f"entries for locks no migration takes any more: {sorted(stale)}"
