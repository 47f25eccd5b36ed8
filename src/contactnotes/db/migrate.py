"""Run Alembic from inside the package, so `contactnotes migrate` works from an installed wheel."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, pool
from sqlalchemy.ext.asyncio import create_async_engine

from contactnotes.db.engine import is_sqlite, prepare_sqlite_file

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option(
        "file_template",
        "%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d-%%(rev)s_%%(slug)s",
    )
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.set_section_option("post_write_hooks", "hooks", "ruff")
    config.set_section_option("post_write_hooks", "ruff.type", "exec")
    config.set_section_option("post_write_hooks", "ruff.executable", "ruff")
    config.set_section_option("post_write_hooks", "ruff.options", "format REVISION_SCRIPT_FILENAME")
    return config


def current_revision(database_url: str) -> str | None:
    """The revision the database is at; None for a database without the schema (empty, or a new file)."""
    if is_sqlite(database_url):
        prepare_sqlite_file(database_url)

    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async def run() -> str | None:
        engine = create_async_engine(database_url, poolclass=pool.NullPool)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(read)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def upgrade(database_url: str, revision: str = "head") -> None:
    if is_sqlite(database_url):
        prepare_sqlite_file(database_url)  # a fresh checkout has no ./var/ yet
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


@functools.cache
def _shipped() -> tuple[str, frozenset[str]]:
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return ",".join(sorted(scripts.get_heads())), frozenset(script.revision for script in scripts.walk_revisions())


def head_revision() -> str:
    """The newest revision this code ships (read from the migration scripts once per process)."""
    return _shipped()[0]


def ships(revision: str) -> bool:
    """Whether this code knows the revision: a database at one it does not know is newer than the code."""
    return revision in _shipped()[1]
