"""Test fixtures: real databases built by the Alembic migrations, on SQLite and PostgreSQL.

Every test that takes `database` runs once per backend. Migrations run once per session and backend;
each test then starts from empty tables (a fresh copy of the migrated SQLite file; on PostgreSQL, every row
deleted and every sequence restarted: see empty_tables).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlparse

import asyncpg
import httpx
import pytest
import redis

from contactnotes.app import create_app
from contactnotes.db import migrate
from contactnotes.db.engine import Database
from contactnotes.models import Base
from contactnotes.settings import Settings
from tests.factories import World, build_world

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_ADMIN_URL = os.environ.get("CONTACTNOTES_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("CONTACTNOTES_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _postgres_reachable() -> bool:
    parsed = urlparse(PG_ADMIN_URL)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 5432), timeout=2):
            return True
    except OSError:
        return False


def _asyncpg_dsn(database: str, admin_url: str = PG_ADMIN_URL) -> str:
    return admin_url.rsplit("/", 1)[0] + "/" + database


def sqlalchemy_pg_url(database: str, admin_url: str = PG_ADMIN_URL) -> str:
    return _asyncpg_dsn(database, admin_url).replace("postgresql://", "postgresql+asyncpg://", 1)


async def _recreate_pg_database(name: str, admin_url: str) -> None:
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


# Databases this process made on the shared server; dropped when its session ends (see pytest_sessionfinish).
_created_on_shared_server: set[str] = set()


def fresh_pg_database(name: str, admin_url: str = PG_ADMIN_URL) -> str:
    """An empty PostgreSQL database (dropped first if left over); returns its SQLAlchemy URL."""
    if admin_url == PG_ADMIN_URL:
        _created_on_shared_server.add(name)
    asyncio.run(_recreate_pg_database(name, admin_url))
    return sqlalchemy_pg_url(name, admin_url)


async def _drop_pg_databases(names: set[str]) -> None:
    connection = await asyncpg.connect(PG_ADMIN_URL)
    try:
        for name in sorted(names):
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Leave no test database behind on the shared server. Runs in every xdist worker (each drops its own)
    after all fixtures are torn down."""
    if _created_on_shared_server and _postgres_reachable():
        asyncio.run(_drop_pg_databases(_created_on_shared_server))
        _created_on_shared_server.clear()


def require_postgres() -> None:
    if not _postgres_reachable():
        message = f"PostgreSQL is not reachable at {PG_ADMIN_URL}"
        if IN_CI:
            pytest.fail(message + " (CI=true: PostgreSQL is required)")
        pytest.skip(message)


def require_redis() -> None:
    """For the tests of what processes share through Redis (rate limits, the stream)."""
    try:
        with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2) as client:
            client.ping()
    except redis.RedisError:
        message = f"Redis is not reachable at {REDIS_URL}"
        if IN_CI:
            pytest.fail(message + " (CI=true: Redis is required)")
        pytest.skip(message)


@pytest.fixture(scope="session")
def worker_id_suffix(request: pytest.FixtureRequest) -> str:
    # Distinct per checkout and per xdist worker, so parallel runs never share a database.
    checkout = hashlib.sha256(str(request.config.rootpath).encode()).hexdigest()[:8]
    return f"{checkout}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate.upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template_url(worker_id_suffix: str) -> str:
    require_postgres()
    url = fresh_pg_database(f"contactnotes_test_{worker_id_suffix}")
    migrate.upgrade(url)
    return url


# TRUNCATE gives each of the 26 tables new files (about 0.1 s a test on an idle machine, more under load);
# deleting the few rows a test leaves takes 2 ms. With session_replication_role = replica neither triggers
# nor foreign-key checks fire, so the order does not matter and no trigger writes a row back.
_EMPTY_TABLES = "; ".join(
    [
        "BEGIN",
        "SET LOCAL session_replication_role = replica",
        *(f'DELETE FROM "{table.name}"' for table in Base.metadata.sorted_tables),  # noqa: S608 (the models' names)
        "SELECT setval(c.oid, s.seqstart, false) FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid"
        " WHERE c.relnamespace = 'public'::regnamespace",
        "COMMIT",
    ]
)


async def empty_tables(database: Database) -> None:
    """Every table of the PostgreSQL database empty and every id sequence back at its start, as after
    TRUNCATE ... RESTART IDENTITY."""
    async with database.engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None and not driver.is_in_transaction()
        await driver.execute(_EMPTY_TABLES)  # the simple query protocol: several statements, one round trip


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "contactnotes.db"
        shutil.copyfile(template, path)
        return f"sqlite+aiosqlite:///{path}"
    url: str = request.getfixturevalue("pg_template_url")
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, var_dir=tmp_path / "var", _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
async def database(settings: Settings) -> AsyncIterator[Database]:
    db = Database(settings)
    if not db.is_sqlite:
        await empty_tables(db)
    yield db
    await db.dispose()


@pytest.fixture
async def client(settings: Settings, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def world(database: Database) -> World:
    return await build_world(database)


@pytest.fixture
def anyio_backend() -> Iterator[str]:
    yield "asyncio"
