"""How outbox event ids travel between processes to the stream hubs.

- PostgreSQL (default there): a trigger NOTIFYs each outbox row in the change's own transaction; hubs LISTEN.
- Redis, when CONTACTNOTES_REDIS_URL is set: workers PUBLISH each event id once handled; hubs SUBSCRIBE.
  For deployments where LISTEN is unavailable (a transaction-pooling proxy) or Redis is there anyway.
- SQLite: hubs read the outbox table itself, whose ids follow commit order (one writer at a time).
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy.engine import make_url

from contactnotes.jobs.registry import JobContext, OutboxItem
from contactnotes.settings import Settings

REDIS_CLIENT = "redis"


def redis_channel(settings: Settings) -> str:
    """The channel of one deployment: named after its database, so that deployments (or test runs) sharing a
    Redis never read each other's event ids, which mean nothing, or something else, in another database."""
    url = make_url(settings.database_url)
    database = f"{url.get_backend_name()}://{url.username or ''}@{url.host or ''}:{url.port or ''}/{url.database}"
    return "contactnotes:outbox:" + hashlib.sha256(database.encode()).hexdigest()[:16]


def redis_client(url: str) -> Any:
    import redis.asyncio as redis  # only needed when configured

    return redis.from_url(url)


async def publish_handler(context: JobContext, item: OutboxItem) -> None:
    url = context.settings.redis_url
    if not url:
        return
    client = context.services.get(REDIS_CLIENT)
    if client is None:
        client = context.services[REDIS_CLIENT] = redis_client(url)
    await client.publish(redis_channel(context.settings), str(item.id))
