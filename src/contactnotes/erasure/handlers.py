"""The worker's side of an erasure: removing the files from storage once the rows are gone."""

from __future__ import annotations

from contactnotes.attachments.keys import staging_key
from contactnotes.db.uow import unit_of_work
from contactnotes.erasure import repository
from contactnotes.jobs.registry import JobContext, OutboxItem
from contactnotes.search.files import store_of


async def delete_files(context: JobContext, item: OutboxItem) -> None:
    store = store_of(context)
    keys = [str(key) for key in item.payload.get("keys", [])]
    for key in keys:
        await store.delete(key)  # absent is fine: a retry after a partial run repeats nothing harmful
        await store.delete(staging_key(key))  # a direct upload's staging copy, as `contactnotes cleanup` does
    async with unit_of_work(context.database) as session:
        await repository.forget_keys(session, item.org_id, item.id, len(keys))
