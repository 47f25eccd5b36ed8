"""outbox events carry a snapshot of the state they announce

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 00:00:00

A nullable column with no default: on PostgreSQL adding it changes the catalog only (no table rewrite, a
brief lock); SQLite adds it in place. Rows written before it have no snapshot and are rendered from the
current rows, under the same visibility rule.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("outbox_events", sa.Column("snapshot", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.drop_column("snapshot")
