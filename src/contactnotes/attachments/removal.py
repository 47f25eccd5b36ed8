"""Deleting stored files whose rows a request removed (a deleted contact's files), in the worker.

The request deletes the rows and enqueues the keys in its transaction; the bytes go here, after the commit,
so a rolled-back request never loses a file and no request waits on the store.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from contactnotes.attachments.keys import staging_key
from contactnotes.jobs.registry import JobContext, OutboxItem
from contactnotes.storage import ObjectStore, build_store

log = logging.getLogger("contactnotes")

STORE = "removal.store"
KEYS_PER_ITEM = 100  # keys per outbox row, so one row stays small


@dataclass
class _OwnedStore:
    store: ObjectStore

    async def aclose(self) -> None:  # JobContext.close() closes services that have aclose
        await self.store.close()


def _store(context: JobContext) -> ObjectStore:
    owned = context.services.get(STORE)
    if owned is None:
        owned = context.services[STORE] = _OwnedStore(build_store(context.settings))
    return owned.store


async def remove_files(context: JobContext, item: OutboxItem) -> None:
    """Deleting an absent object is fine, so a retried item repeats harmlessly; a store failure raises, and
    the worker retries the item."""
    store = _store(context)
    for key in item.payload.get("keys", []):
        await store.delete(key)
        # A direct upload's staging copy, as `contactnotes cleanup` does.
        await store.delete(staging_key(key))
    log.info("removed %d stored files", len(item.payload.get("keys", [])))
