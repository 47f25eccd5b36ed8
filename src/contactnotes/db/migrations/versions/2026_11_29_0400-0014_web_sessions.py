"""web sessions: signed-in browsers of the web app; an index for the organization's latest notes

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 00:15:00

The web_sessions table is new. ix_notes_org_recent serves the home page's latest notes across contacts
(otherwise a sort of the organization's every note); ix_contacts_org_name the contact list's keyset pages.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import contactnotes.db.types

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("expires_at", contactnotes.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", contactnotes.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", contactnotes.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", contactnotes.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], name=op.f("fk_web_sessions_org_id_organizations")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_web_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_sessions_token_hash")),
    )
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_sessions_user_id"), ["user_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        # CONCURRENTLY (outside a transaction): notes and contacts stay writable while the indexes are built.
        with op.get_context().autocommit_block():
            op.create_index(
                "ix_notes_org_recent", "notes", ["org_id", "created_at", "id"], postgresql_concurrently=True
            )
            op.create_index(
                "ix_contacts_org_name", "contacts", ["org_id", "display_name", "id"], postgresql_concurrently=True
            )
    else:
        op.create_index("ix_notes_org_recent", "notes", ["org_id", "created_at", "id"], unique=False)
        op.create_index("ix_contacts_org_name", "contacts", ["org_id", "display_name", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_contacts_org_name", table_name="contacts")
    op.drop_index("ix_notes_org_recent", table_name="notes")
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_sessions_user_id"))
    op.drop_table("web_sessions")
