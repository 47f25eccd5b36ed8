"""What each part of the schema costs a create, inside PostgreSQL alone (no round trips, no Python).

    python -m bench.schema_cost DSN [--creates 500] [--rounds 3] [--bare]

DSN is a bench database (bench/run.py made it). In one transaction that is rolled back, a PL/pgSQL loop does a
create's writes N times (the note with a 24-word body, its mention, the inbox row, two outbox rows, one
statement each as the ceiling sends them) and the time per create is taken; then again with one part of the
schema removed (a trigger, an index, the foreign keys), each in its own rolled-back transaction. Nothing is
kept: every variant ends in ROLLBACK.
"""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

import asyncpg
import typer

LOOP = """
DO $$
DECLARE
  org bigint; author bigint; mentioned bigint; contact bigint; note bigint; started timestamptz;
BEGIN
  SELECT t.org_id, t.user_id INTO org, author FROM api_tokens t ORDER BY t.id LIMIT 1;
  SELECT id INTO mentioned FROM users WHERE org_id = org AND id <> author ORDER BY id LIMIT 1;
  SELECT id INTO contact FROM contacts WHERE org_id = org ORDER BY id LIMIT 1;
  started := clock_timestamp();
  FOR i IN 1..{creates} LOOP
    INSERT INTO notes (oid, org_id, contact_id, author_id, modified_by_id, body, type, important, is_private,
                       note_date, created_at, updated_at, is_edited)
    VALUES (substr(md5(random()::text), 1, 24), org, contact, author, author,
            '@u1 called discussed agreed invoice follow-up meeting tax return quarterly estimate signed letter '
            || 'review documents payroll deadline extension budget proposal renewal referral onboarding ' || i,
            'General', false, false, now(), now(), now(), false)
    RETURNING id INTO note;
    INSERT INTO note_mentions (note_id, user_id, created_at) VALUES (note, mentioned, now());
    INSERT INTO notifications (oid, org_id, user_id, kind, actor_id, note_id, contact_id, created_at)
    VALUES (substr(md5(random()::text), 1, 24), org, mentioned, 'mention', author, note, contact, now());
    INSERT INTO outbox_events (event_id, org_id, type, payload, available_at, attempts, created_at)
    VALUES (gen_random_uuid()::text, org, 'user.mentioned', json_build_object('note_id', note), now(), 0, now());
    INSERT INTO outbox_events (event_id, org_id, type, payload, available_at, attempts, created_at)
    VALUES (gen_random_uuid()::text, org, 'note.created', json_build_object('note_id', note), now(), 0, now());
  END LOOP;
  PERFORM set_config('bench.elapsed_ms', (extract(epoch FROM clock_timestamp() - started) * 1000)::text, true);
END $$;
"""

# Each variant: what it removes, and the DDL that removes it (inside the rolled-back transaction).
VARIANTS: dict[str, list[str]] = {
    "the schema as it is": [],
    "without the search trigger (tsvector)": ["ALTER TABLE notes DISABLE TRIGGER notes_search"],
    "without the full-text GIN index": ["DROP INDEX ix_notes_search"],
    "without the trigram index": ["DROP INDEX ix_notes_body_trgm"],
    "without the note counters' trigger": ["ALTER TABLE notes DISABLE TRIGGER notes_count"],
    "without the outbox NOTIFY trigger": ["ALTER TABLE outbox_events DISABLE TRIGGER outbox_events_notify"],
    "without ix_notes_org_recent, ix_notes_org_date, ix_notes_author_id": [
        "DROP INDEX ix_notes_org_recent", "DROP INDEX ix_notes_org_date", "DROP INDEX ix_notes_author_id",
    ],
    "without the inbox's extra indexes (org, note, reminder)": [
        "DROP INDEX ix_notifications_org_id", "DROP INDEX ix_notifications_note_id",
        "DROP INDEX ix_notifications_reminder_id",
    ],
    "without the outbox's org index": ["DROP INDEX ix_outbox_events_org_id"],
    "without foreign keys on the written tables": ["FK"],
}  # fmt: skip

DROP_FOREIGN_KEYS = """
SELECT format('ALTER TABLE %I DROP CONSTRAINT %I', conrelid::regclass, conname)
FROM pg_constraint
WHERE contype = 'f' AND conrelid::regclass::text IN ('notes', 'note_mentions', 'notifications', 'outbox_events')
"""


async def measure(dsn: str, creates: int, rounds: int, *, bare: bool = False) -> dict[str, float]:
    connection = await asyncpg.connect(dsn)
    results: dict[str, list[float]] = {}
    variants = list(VARIANTS.items())[:1] if bare else list(VARIANTS.items())
    try:
        for _ in range(rounds):
            for name, ddl in variants:
                transaction = connection.transaction()
                await transaction.start()
                try:
                    for statement in ddl:
                        if statement == "FK":
                            for drop in await connection.fetch(DROP_FOREIGN_KEYS):
                                await connection.execute(drop[0])
                        else:
                            await connection.execute(statement)
                    await connection.execute(LOOP.replace("{creates}", str(creates)))
                    elapsed = float(await connection.fetchval("SELECT current_setting('bench.elapsed_ms')"))
                    results.setdefault(name, []).append(elapsed / creates)
                finally:
                    await transaction.rollback()
    finally:
        await connection.close()
    return {name: round(min(values), 4) for name, values in results.items()}  # the least disturbed round


def main(
    dsn: str,
    creates: Annotated[int, typer.Option()] = 500,
    rounds: Annotated[int, typer.Option(help="Rounds over all variants; the fastest of each is kept")] = 3,
    bare: Annotated[bool, typer.Option(help="Only the schema as it is (for the minimal schema's database)")] = False,
) -> None:
    print(json.dumps(asyncio.run(measure(dsn, creates, rounds, bare=bare)), indent=2))


if __name__ == "__main__":
    typer.run(main)
