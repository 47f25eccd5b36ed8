"""The schema is made by the migrations alone, and the models say the same thing as the migrations."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect
from sqlalchemy.ext.asyncio import create_async_engine

from contactnotes.db import migrate
from contactnotes.db.unmapped import include_object
from contactnotes.models import Base
from tests.conftest import fresh_pg_database, require_postgres


def _empty_database(backend: str, tmp_path: Path, worker: str) -> str:
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    require_postgres()
    return fresh_pg_database(f"contactnotes_migrations_{worker}")


async def _inspect(url: str, work: Any) -> Any:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(work)
    finally:
        await engine.dispose()


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object})
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrade_from_empty_matches_the_models(backend: str, tmp_path: Path, worker_id_suffix: str) -> None:
    url = _empty_database(backend, tmp_path, worker_id_suffix)
    migrate.upgrade(url)
    assert asyncio.run(_inspect(url, _tables)) >= {t.name for t in Base.metadata.sorted_tables}
    assert asyncio.run(_inspect(url, _diff)) == []


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_downgrade_to_nothing_and_up_again(backend: str, tmp_path: Path, worker_id_suffix: str) -> None:
    url = _empty_database(backend, tmp_path, worker_id_suffix)
    migrate.upgrade(url)
    migrate.downgrade(url, "base")
    assert asyncio.run(_inspect(url, _tables)) <= {"alembic_version"}
    migrate.upgrade(url)
    assert asyncio.run(_inspect(url, _diff)) == []
