"""imported notes' and contacts' external ids; the erasure audit trail

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-29 03:00:00

Three new tables, nothing else touched: no lock on an existing table beyond the foreign keys' references.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import contactnotes.db.types

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TIME = contactnotes.db.types.UTCDateTime(timezone=True)


def _external_ids(table: str, target: str, column: str) -> None:
    op.create_table(
        table,
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("org_id", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=False),
        sa.Column(column, sa.BigInteger(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], name=op.f(f"fk_{table}_org_id_organizations")),
        sa.ForeignKeyConstraint(
            [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("org_id", "source", "external_id", name=op.f(f"uq_{table}_org_id_source_external_id")),
    )
    op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def upgrade() -> None:
    _external_ids("imported_notes", "notes", "note_id")
    _external_ids("contact_external_ids", "contacts", "contact_id")
    op.create_table(
        "erasure_records",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("oid", sa.String(length=24), nullable=False),
        sa.Column("org_id", sa.BigInteger(), nullable=False),
        sa.Column("contact_id", sa.BigInteger(), nullable=False),
        sa.Column("contact_oid", sa.String(length=24), nullable=False),
        sa.Column("erased_by_id", sa.BigInteger(), nullable=True),
        sa.Column("erased_by", sa.String(length=320), nullable=False),
        sa.Column("erased_at", _TIME, nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("ids", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], name=op.f("fk_erasure_records_org_id_organizations")),
        sa.ForeignKeyConstraint(["erased_by_id"], ["users.id"], name=op.f("fk_erasure_records_erased_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_records")),
        sa.UniqueConstraint("oid", name=op.f("uq_erasure_records_oid")),
    )
    op.create_index(op.f("ix_erasure_records_org_id"), "erasure_records", ["org_id"], unique=False)


def downgrade() -> None:
    op.drop_table("erasure_records")
    op.drop_table("contact_external_ids")
    op.drop_table("imported_notes")
