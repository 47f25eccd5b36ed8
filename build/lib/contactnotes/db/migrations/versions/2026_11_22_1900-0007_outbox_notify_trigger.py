"""outbox rows NOTIFY listeners from a trigger (PostgreSQL)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 19:00:00

The writer used to send `SELECT pg_notify(...)` after each outbox insert: one extra round trip per event on
the hottest write. A statement-level trigger does the same inside the INSERT, once per new row, and the
notifications still go out only when the transaction commits. SQLite has no NOTIFY (its readers tail the
table), so nothing is created there.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION contactnotes_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('contactnotes_outbox', inserted.id::text) FROM inserted ORDER BY inserted.id;
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER outbox_events_notify AFTER INSERT ON outbox_events
        REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION contactnotes_outbox_notify()
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER outbox_events_notify ON outbox_events")
    op.execute("DROP FUNCTION contactnotes_outbox_notify()")
