"""The embedded database's connection, run on the event loop's own thread instead of aiosqlite's.

aiosqlite runs every call (cursor, execute, fetch, close, commit) on a thread of its own and hands each
result back through the event loop: about eleven hand-offs for one create, each a wake-up of two threads,
with the process's one connection held (and every other request waiting for it) from the first to the last.
Measured on a create-with-mention, that was most of its time. SQLite itself answers these statements in
microseconds from the page cache, and a WAL commit with synchronous=NORMAL writes without waiting for the
disk, so running them where the request already is costs less than any hand-off: a unit of work then holds
the connection only while it really waits for something else.

The cost: a statement blocks the event loop while it runs. For this application's statements (indexed
look-ups, pages of 25, one note's rows) that is well under a millisecond. The other wait is the write lock
held by another process (`contactnotes worker`, a second server): busy_timeout then blocks the loop. Hence
one server process on the embedded database (docs/deploy.md); PostgreSQL is the database for more.

The objects below have the shape of aiosqlite's (coroutines that finish without suspending), so
SQLAlchemy's aiosqlite dialect drives them unchanged; they are passed to it as `async_creator`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any


class InlineCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Any = ()) -> InlineCursor:
        self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> InlineCursor:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        self._cursor.close()

    def __aiter__(self) -> InlineCursor:
        return self

    async def __anext__(self) -> Any:
        row = self._cursor.fetchone()
        if row is None:
            raise StopAsyncIteration
        return row


class _RunNow:
    """SQLAlchemy sets isolation_level through aiosqlite's work queue (`_tx.put_nowait((future, fn))`):
    here the function runs at once and the future is answered."""

    def put_nowait(self, item: tuple[Any, Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:  # the caller awaits the future and sees the error there
            future.set_exception(error)


class InlineConnection:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn: sqlite3.Connection | None = connection
        self._tx = _RunNow()

    @property
    def _connection(self) -> sqlite3.Connection | None:  # aiosqlite's name: SQLAlchemy checks it before commit
        return self._conn

    def _open(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ValueError("Connection closed")  # aiosqlite's words; SQLAlchemy treats them as a disconnect
        return self._conn

    @property
    def isolation_level(self) -> str | None:
        return self._open().isolation_level

    def cursor(self) -> InlineCursor:  # SQLAlchemy enters it (`async with`) as it does aiosqlite's
        return InlineCursor(self._open().cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        return InlineCursor(self._open().execute(sql, parameters))

    async def create_function(self, name: str, num_params: int, func: Callable[..., Any], **kw: Any) -> None:
        self._open().create_function(name, num_params, func, **kw)

    def begin_immediate(self) -> None:
        self._open().execute("BEGIN IMMEDIATE")

    async def commit(self) -> None:
        self._open().commit()

    async def rollback(self) -> None:
        self._open().rollback()

    async def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def stop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def creator(path: str, *, uri: bool = False) -> Callable[[], Any]:
    """An `async_creator` for create_async_engine: a connection to the file at `path`."""

    async def connect() -> InlineConnection:
        # check_same_thread off: the pool may close a connection from the garbage collector's thread; use is
        # serialized by the pool (one connection, one holder at a time).
        return InlineConnection(sqlite3.connect(path, uri=uri, check_same_thread=False, isolation_level=None))

    return connect
