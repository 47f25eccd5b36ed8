"""Build the engine and session factory from settings. Nothing connects at import time."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

from pydantic_core import from_json
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from contactnotes.db import inline_sqlite
from contactnotes.db.functions import register_sqlite_functions
from contactnotes.settings import Settings


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def prepare_sqlite_file(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control from the driver so that we can BEGIN IMMEDIATE (below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()
        register_sqlite_functions(dbapi_connection)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A deferred transaction that reads and then writes can fail at once with SQLITE_BUSY when another
        # process (a worker) wrote in between; taking the write lock up front makes busy_timeout apply.
        driver = connection.connection.driver_connection
        if isinstance(driver, inline_sqlite.InlineConnection):
            driver.begin_immediate()  # straight to sqlite3: no statement, cursor and result objects for a BEGIN
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _inline(url: str) -> dict[str, Any]:
    parsed = make_url(url)
    database = parsed.database
    if not database or database == ":memory:":
        return {}  # a throw-away in-memory database keeps the driver's own connection
    return {"async_creator": inline_sqlite.creator(database, uri=parsed.query.get("uri") == "true")}


def json_loads(text: str | bytes) -> Any:
    """JSON columns as read back. A page of notes decodes up to four arrays a note (its mentions, contacts,
    files and reactions); pydantic-core's parser takes a third of the standard library's time for them, and
    gives the same values, integers past 64 bits, NaN and infinities included (orjson, as fast, turns a large
    integer into a float). What it refuses that the standard library reads (an escaped lone surrogate, say)
    goes to the standard library."""
    try:
        return from_json(text)
    except ValueError:
        return json.loads(text)


def build_engine(settings: Settings, url: str | None = None) -> AsyncEngine:
    url = url or settings.database_url
    if is_sqlite(url):
        prepare_sqlite_file(url)
        # One connection per process: SQLite has one writer anyway, and queueing in the pool is cheaper
        # and kinder than lock retries. It runs on the event loop's thread (db/inline_sqlite.py says why).
        engine = create_async_engine(
            url, pool_size=1, max_overflow=0, pool_timeout=60, json_deserializer=json_loads, **_inline(url)
        )
        _configure_sqlite(engine)
        return engine
    return create_async_engine(
        url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_pool_size,
        # No pre-ping: it is a round trip on every checkout. When the server goes away, the first statement
        # to notice fails (answered 503) and SQLAlchemy then invalidates every older pooled connection, so
        # the pool reconnects on the next checkouts instead.
        pool_recycle=1800,
        json_deserializer=json_loads,
    )


OPEN_POOL_SECONDS = 5.0


class Database:
    """The engine and session factory of one process."""

    def __init__(self, settings: Settings, url: str | None = None) -> None:
        self.url = url or settings.database_url
        self.engine = build_engine(settings, self.url)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        # Reads on PostgreSQL run in autocommit: no BEGIN and COMMIT round trips around a GET. Each statement
        # still sees one consistent snapshot; a page and its total may be a write apart, as they may be
        # anyway by the time the client reads them. SQLite keeps its transaction (the write lock order).
        readers = self.engine if self.is_sqlite else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self.read_sessionmaker = async_sessionmaker(readers, expire_on_commit=False, autoflush=False)

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    async def dispose(self) -> None:
        await self.engine.dispose()

    async def open_pool(self) -> int:
        """Open the pool's connections now, all at once, and return how many opened. A server that opened
        them one by one under its first burst of requests kept those requests waiting behind each new
        connection's set-up: at 32 concurrent creates, a p99 of 0.7 to 1.3 s and the odd 2-second timeout,
        against 0.3 to 0.4 s once the pool was open. A failure (or a database that does not answer within
        OPEN_POOL_SECONDS: start-up does not wait on it) only leaves the pool to open on demand."""
        if self.is_sqlite:
            return 0
        size = self.engine.pool.size()  # type: ignore[attr-defined]
        opening = (asyncio.wait_for(self.engine.connect().start(), OPEN_POOL_SECONDS) for _ in range(size))
        opened = await asyncio.gather(*opening, return_exceptions=True)
        for connection in opened:
            if isinstance(connection, BaseException):
                logging.getLogger("contactnotes.db").warning("could not open a pooled connection: %r", connection)
            else:
                await connection.close()
        return sum(1 for connection in opened if not isinstance(connection, BaseException))

    def session(self) -> AsyncSession:
        return self.sessionmaker()

    def read_session(self) -> AsyncSession:
        """A session for a request that only reads (a stray write, such as a token's last use, commits
        at once)."""
        return self.read_sessionmaker()
