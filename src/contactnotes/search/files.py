"""The worker's part of search: after a note is created or updated, extract the text of its files that no
extraction has been tried for, and store it (triggers put it into the search index of every note carrying the
file). Bounded in size and time; a file that cannot be read is recorded as such and not tried again."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from contactnotes.db.uow import unit_of_work
from contactnotes.jobs.registry import JobContext, OutboxItem
from contactnotes.models import FileTextStatus
from contactnotes.search import repository
from contactnotes.search.extraction import Unreadable, extract, supported
from contactnotes.storage import ObjectStore, build_store

log = logging.getLogger("contactnotes.search")

MAX_FILE_BYTES = 20 * 1024 * 1024  # larger files are recorded as too large, not read
TIMEOUT_SECONDS = 30.0
STORE = "search.store"


@dataclass
class _OwnedStore:
    store: ObjectStore

    async def aclose(self) -> None:  # JobContext.close() closes services that have aclose
        await self.store.close()


def store_of(context: JobContext) -> ObjectStore:
    """The worker's store, made on first use and closed with the context."""
    owned = context.services.get(STORE)
    if owned is None:
        owned = context.services[STORE] = _OwnedStore(build_store(context.settings))
    return owned.store


async def _read(store: ObjectStore, key: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in store.stream(key):
        size += len(chunk)
        if size > MAX_FILE_BYTES:
            raise Unreadable("larger than the extraction bound")
        chunks.append(chunk)
    return b"".join(chunks)


async def text_of(
    store: ObjectStore, key: str, content_type: str, size: int, *, seconds: float = TIMEOUT_SECONDS
) -> tuple[str, str]:
    """(status, text) of one stored file. A storage failure raises (the event is retried later)."""
    if not supported(content_type):
        return FileTextStatus.UNSUPPORTED, ""
    if size > MAX_FILE_BYTES:
        return FileTextStatus.TOO_LARGE, ""
    try:
        data = await _read(store, key)
        # In a thread: parsing is CPU work that must not stall the worker's other events. A thread cannot be
        # killed, so a pathological file may keep one busy past the timeout; the page and size bounds cap it.
        text = await asyncio.wait_for(asyncio.to_thread(extract, content_type, data), seconds)
    except Unreadable as exc:
        log.info("file %s is not readable as %s: %s", key, content_type, exc)
        return FileTextStatus.UNREADABLE, ""
    except TimeoutError:
        log.warning("extracting the text of %s took more than %s s; recorded as unreadable", key, seconds)
        return FileTextStatus.UNREADABLE, ""
    return FileTextStatus.OK, text


async def extract_pending(
    context: JobContext, pending: list[tuple[str, str, int, int]], reader: Callable[..., Awaitable[tuple[str, str]]]
) -> int:
    for key, content_type, org_id, size in pending:
        status, text = await reader(store_of(context), key, content_type, size)
        async with unit_of_work(context.database) as session:
            await repository.save_file_text(session, key, org_id, status, text)
    return len(pending)


async def extract_attached(context: JobContext, item: OutboxItem) -> None:
    """Handler of note.created and note.updated."""
    note_id = item.payload.get("note_id")
    if not isinstance(note_id, int):
        return
    # The event's snapshot is the note as this change left it: without files there is nothing to read, and
    # most notes have none (a create on the embedded database paid a transaction for this question).
    note = (item.snapshot or {}).get("note")
    if isinstance(note, dict) and note.get("attachments") == []:
        return
    async with unit_of_work(context.database) as session:
        pending = await repository.attachments_without_text(session, note_id)
    await extract_pending(context, pending, text_of)
