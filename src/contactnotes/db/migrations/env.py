"""Alembic environment: runs migrations over the async engine built from the configured URL."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection, pool
from sqlalchemy.ext.asyncio import create_async_engine

from contactnotes.db.engine import is_sqlite
from contactnotes.db.unmapped import include_object
from contactnotes.models import Base

target_metadata = Base.metadata
config = context.config


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=sqlite,  # SQLite can only ALTER TABLE by copying it
        compare_type=True,
        include_object=include_object,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        if not sqlite:
            # Never queue behind a long transaction while holding a lock that blocks every request.
            connection.exec_driver_sql("SET LOCAL lock_timeout = '5s'")
        context.run_migrations()


async def _run_async(url: str) -> None:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    async with engine.connect() as connection:
        if is_sqlite(url):
            await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        await connection.run_sync(_run)
        # The PRAGMA above autobegan SQLAlchemy's transaction, so alembic's own is nested in it: commit it.
        await connection.commit()
    await engine.dispose()


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url
    existing = config.attributes.get("connection")
    if existing is not None:
        _run(existing)
        return
    asyncio.run(_run_async(url))


if context.is_offline_mode():
    raise SystemExit("offline SQL generation is not supported; run `contactnotes migrate`")
run_migrations_online()
