"""Note revisions (edit history) and who may read them

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29 01:00:00

Each edit of a note keeps the note's body and fields as they were before it (note_revisions); creating a
note writes nothing there, so notes made before this revision need no back-fill (their history starts with
their next edit). Each organization says who may read history (`history_visibility`, default "everyone"):
a column with a constant default, which PostgreSQL 11+ adds without rewriting the table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import contactnotes.db.types

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "note_revisions",
        sa.Column("note_id", sa.BigInteger(), nullable=False),
        sa.Column("org_id", sa.BigInteger(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("edited_by_id", sa.BigInteger(), nullable=False),
        sa.Column("edited_at", contactnotes.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("important", sa.Boolean(), nullable=False),
        sa.Column("is_private", sa.Boolean(), nullable=False),
        sa.Column("time_spent_minutes", sa.Integer(), nullable=True),
        sa.Column("note_date", contactnotes.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("oid", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(["edited_by_id"], ["users.id"], name=op.f("fk_note_revisions_edited_by_id_users")),
        sa.ForeignKeyConstraint(
            ["note_id"], ["notes.id"], name=op.f("fk_note_revisions_note_id_notes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], name=op.f("fk_note_revisions_org_id_organizations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_revisions")),
        sa.UniqueConstraint("note_id", "number", name=op.f("uq_note_revisions_note_id_number")),
        sa.UniqueConstraint("oid", name=op.f("uq_note_revisions_oid")),
    )
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("history_visibility", sa.String(length=16), server_default="everyone", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("history_visibility")
    op.drop_table("note_revisions")
