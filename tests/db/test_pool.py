"""A server opens its database pool at start-up, all at once, so its first burst of requests does not queue
behind connections being set up one by one; a database that cannot be reached does not stop the start."""

from __future__ import annotations

import time

from contactnotes.db.engine import Database
from contactnotes.settings import Settings
from tests.live import free_port


async def test_the_pool_opens_at_once_and_a_missing_server_only_leaves_it_closed(
    database: Database, settings: Settings
) -> None:
    opened = await database.open_pool()
    if database.is_sqlite:  # one connection on the event loop, opened when first used
        assert opened == 0
        return
    assert opened == settings.database_pool_size
    assert database.engine.pool.checkedin() == settings.database_pool_size  # type: ignore[attr-defined]

    nowhere = Database(settings, f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nothing")
    started = time.monotonic()
    try:
        assert await nowhere.open_pool() == 0
    finally:
        await nowhere.dispose()
    assert time.monotonic() - started < 10
