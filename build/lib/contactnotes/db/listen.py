"""PostgreSQL LISTEN on a dedicated connection, reconnecting when it drops."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import asyncpg
from sqlalchemy.engine import make_url

log = logging.getLogger("contactnotes.listen")


def asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def listen_forever(
    url: str, channel: str, on_payload: Callable[[str], None], on_reconnect: Callable[[], None] | None = None
) -> None:
    """Call on_payload for each NOTIFY on channel until cancelled. After a reconnect, on_reconnect lets the
    caller catch up on what it may have missed while disconnected."""
    delay = 0.5
    while True:
        connection = None
        try:
            connection = await asyncpg.connect(asyncpg_dsn(url))
            lost = asyncio.Event()
            connection.add_termination_listener(lambda _c, lost=lost: lost.set())
            await connection.add_listener(channel, lambda _c, _pid, _ch, payload: on_payload(payload))
            if on_reconnect is not None:
                on_reconnect()
            delay = 0.5
            await lost.wait()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database went away: retry with backoff, never crash the process
            log.warning("LISTEN %s failed (%s); retrying in %.1fs", channel, exc.__class__.__name__, delay)
        finally:
            if connection is not None and not connection.is_closed():
                await connection.close()
        await asyncio.sleep(delay)
        delay = min(delay * 2, 10)
