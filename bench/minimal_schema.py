"""A bare copy of the bench data, for the minimal-schema ceiling: what the schema itself costs a create.

The same ceiling (bench/ceiling.py, the same statements one by one) runs against these tables, which hold only
the columns its statements touch and only the indexes the reads need: a token by its hash, a user and a
contact by organization and ObjectId, a contact's timeline (organization, contact, date, id), a user's inbox,
the outbox's pending rows. No foreign keys, no triggers (no note counters, no search vector, no NOTIFY), no
full-text or trigram indexes. The app's create against the real schema is compared with it in the same run.
"""

from __future__ import annotations

import asyncpg

SCHEMA = """
CREATE TABLE organizations (id bigint PRIMARY KEY);
CREATE TABLE users (id bigint PRIMARY KEY, org_id bigint NOT NULL, oid varchar(24) NOT NULL,
                    full_name varchar(200) NOT NULL, email varchar(320) NOT NULL);
CREATE UNIQUE INDEX ON users (org_id, oid);
CREATE TABLE api_tokens (id bigint PRIMARY KEY, token_hash varchar(64) NOT NULL UNIQUE, org_id bigint NOT NULL,
                         user_id bigint NOT NULL, revoked_at timestamptz, expires_at timestamptz);
CREATE TABLE contacts (id bigint PRIMARY KEY, org_id bigint NOT NULL, oid varchar(24) NOT NULL);
CREATE UNIQUE INDEX ON contacts (org_id, oid);
CREATE TABLE notes (id bigserial PRIMARY KEY, oid varchar(24) NOT NULL, org_id bigint NOT NULL,
                    contact_id bigint NOT NULL, author_id bigint NOT NULL, modified_by_id bigint NOT NULL,
                    body text NOT NULL, type varchar(100) NOT NULL, important boolean NOT NULL,
                    is_private boolean NOT NULL, time_spent_minutes integer, note_date timestamptz NOT NULL,
                    created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, is_edited boolean NOT NULL,
                    deleted_at timestamptz);
CREATE UNIQUE INDEX ON notes (oid);
CREATE INDEX ON notes (org_id, contact_id, note_date, id);
CREATE TABLE note_mentions (note_id bigint NOT NULL, user_id bigint NOT NULL, created_at timestamptz NOT NULL,
                            PRIMARY KEY (note_id, user_id));
CREATE TABLE notifications (id bigserial PRIMARY KEY, oid varchar(24) NOT NULL, org_id bigint NOT NULL,
                            user_id bigint NOT NULL, kind varchar(32) NOT NULL, actor_id bigint, note_id bigint,
                            contact_id bigint, created_at timestamptz NOT NULL, read_at timestamptz);
CREATE INDEX ON notifications (user_id, read_at, id);
CREATE TABLE outbox_events (id bigserial PRIMARY KEY, event_id varchar(36) NOT NULL, org_id bigint NOT NULL,
                            type varchar(64) NOT NULL, payload json NOT NULL, available_at timestamptz NOT NULL,
                            attempts integer NOT NULL, created_at timestamptz NOT NULL, processed_at timestamptz);
CREATE INDEX ON outbox_events (processed_at, available_at, id);
"""

COPIED = {
    "organizations": "id",
    "users": "id, org_id, oid, full_name, email",
    "api_tokens": "id, token_hash, org_id, user_id, revoked_at, expires_at",
    "contacts": "id, org_id, oid",
    "notes": "id, oid, org_id, contact_id, author_id, modified_by_id, body, type, important, is_private, "
    "time_spent_minutes, note_date, created_at, updated_at, is_edited, deleted_at",
}


async def prepare_minimal(admin_dsn: str, source_dsn: str, name: str) -> str:
    """(Re)build the bare database `name` from the bench database at source_dsn; returns its DSN."""
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    dsn = admin_dsn.rsplit("/", 1)[0] + "/" + name
    source, target = await asyncpg.connect(source_dsn), await asyncpg.connect(dsn)
    try:
        await target.execute(SCHEMA)
        for table, columns in COPIED.items():
            # The loaded data only: the notes an earlier run created are not copied.
            rows = await source.fetch(f"SELECT {columns} FROM {table} ORDER BY id")
            await target.copy_records_to_table(table, records=rows, columns=[c.strip() for c in columns.split(",")])
        await target.execute("SELECT setval('notes_id_seq', (SELECT max(id) FROM notes))")
        await target.execute("VACUUM ANALYZE")
    finally:
        await source.close()
        await target.close()
    return dsn
