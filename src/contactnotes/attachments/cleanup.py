"""`contactnotes cleanup`: remove uploads never attached, and files no live note carries any more."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from contactnotes.attachments import repository
from contactnotes.attachments.files import Files
from contactnotes.attachments.keys import staging_key
from contactnotes.attachments.schemas import CleanupReport
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.kit.clock import utc_now

log = logging.getLogger("contactnotes")

# A file dropped from its last live note (deleted note, or an edit) goes at the next run after this.
# It only has to outlast a transaction that attaches the file again at the same moment.
ORPHAN_GRACE = timedelta(hours=1)
BATCH = 500


async def cleanup(database: Database, files: Files, *, now: datetime | None = None) -> CleanupReport:
    now = now or utc_now()
    cutoffs = {
        "unattached_before": now - timedelta(hours=files.settings.upload_ttl_hours),
        "orphaned_before": now - ORPHAN_GRACE,
    }
    unattached = orphaned = 0
    last_seen = 0
    while True:
        async with unit_of_work(database) as session:
            ids = await repository.stale_ids(session, **cutoffs, after_id=last_seen, limit=BATCH)
        if not ids:
            break
        last_seen = ids[-1]
        for upload_id in ids:
            # The row goes first, in its own transaction, re-checking that it is still stale: an attach that
            # got there first keeps it. The bytes go only once no row can lead to them.
            async with unit_of_work(database) as session:
                removed = await repository.delete_if_stale(session, upload_id, **cutoffs)
            if removed is None:
                continue
            key, was_attached = removed
            try:
                await files.store.delete(key)
                # A direct upload's staging copy: a client may write it again through its grant after
                # `complete` moved the checked bytes away.
                await files.store.delete(staging_key(key))
            except Exception:  # the row is gone; a storage hiccup leaves an unreachable object, not a broken note
                log.exception("could not delete %s from storage", key)
            if was_attached:
                orphaned += 1
            else:
                unattached += 1
        if len(ids) < BATCH:
            break
    return CleanupReport(unattached=unattached, orphaned=orphaned)
