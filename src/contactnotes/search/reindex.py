"""`contactnotes search reindex`: rebuild the search index from the notes and their files' text, and extract
the text of attached files that has never been extracted (files attached before search existed, or restored
from a backup without it). Each batch is its own transaction, so the service keeps running meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.jobs.registry import JobContext
from contactnotes.search import repository
from contactnotes.search.files import extract_pending, text_of
from contactnotes.settings import Settings

BATCH = 5_000
FILE_BATCH = 50

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass(frozen=True)
class ReindexReport:
    notes: int
    files: int


def _quiet(phase: str, done: int, total: int) -> None:
    return None


async def reindex(
    settings: Settings, database: Database, *, retry_failed_files: bool = False, progress: Progress = _quiet
) -> ReindexReport:
    async with unit_of_work(database) as session:
        total, highest = await repository.note_id_range(session)
    done = 0
    progress("notes", 0, total)
    for low in range(0, highest, BATCH):
        async with unit_of_work(database) as session:
            done += await repository.reindex_notes(session, low, low + BATCH)
        progress("notes", done, total)
    if retry_failed_files:
        async with unit_of_work(database) as session:
            await repository.forget_failed_files(session)
    context = JobContext(database=database, settings=settings)
    files = 0
    try:
        after = ""
        while True:
            async with unit_of_work(database) as session:
                pending = await repository.keys_without_text(session, after_key=after, limit=FILE_BATCH)
            if not pending:
                break
            files += await extract_pending(context, pending, text_of)
            after = pending[-1][0]
            progress("files", files, 0)
    finally:
        await context.close()
    return ReindexReport(done, files)
