"""How outbox event ids travel between processes to the stream hubs.

- PostgreSQL (default there): a trigger NOTIFYs each outbox row in the change's own transaction; hubs LISTEN.
- Redis, when CONTACTNOTES_REDIS_URL is set: workers PUBLISH each event id once handled; hubs SUBSCRIBE.
  For deployments where LISTEN is unavailable (a transaction-pooling proxy) or Redis is there anyway.
- SQLite: hubs read the outbox table itself, whose ids follow commit order (one writer at a time).
"""

from __future__ import annotations

from typing import Any

from contactnotes.jobs.registry import JobContext, OutboxItem

REDIS_CHANNEL = "contactnotes:outbox"
REDIS_CLIENT = "redis"


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
    await client.publish(REDIS_CHANNEL, str(item.id))
