"""outbox events remember their request id; workers leave heartbeats

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 00:10:00

Online on PostgreSQL: a nullable column without a default is a catalog change (no rewrite, the ACCESS
EXCLUSIVE lock on outbox_events is held for milliseconds under lock_timeout), and the new table is empty.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import contactnotes.db.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "worker_heartbeats",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("started_at", contactnotes.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("beat_at", contactnotes.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_worker_heartbeats")),
    )
    # Not batch mode on SQLite: ADD COLUMN is native there, and a batch copy of outbox_events is not needed.
    op.add_column("outbox_events", sa.Column("request_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.drop_column("request_id")
    op.drop_table("worker_heartbeats")
