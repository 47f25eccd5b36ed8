"""uploads belong to the note they were attached to

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 00:10:00

A stored file belongs to its uploader until a note takes it, then to that note for good: no other note may
attach its key, and a deleted note's files stay dead. Existing rows are given the first note that carried
them (the earliest attachment is the original; a later one is the kind of reuse this closes).

Online on PostgreSQL: the column is nullable (no rewrite), the foreign key is added NOT VALID and validated
in a second statement, which does not block writes to either table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_uploads_note_id_notes"

BACKFILL = """
UPDATE uploads SET note_id = (
    SELECT MIN(note_attachments.note_id)
    FROM note_attachments JOIN notes ON notes.id = note_attachments.note_id
    WHERE note_attachments.key = uploads.key AND notes.org_id = uploads.org_id
)
WHERE attached_at IS NOT NULL
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("uploads", sa.Column("note_id", sa.BigInteger(), nullable=True))
        op.execute(f"ALTER TABLE uploads ADD CONSTRAINT {FK} FOREIGN KEY (note_id) REFERENCES notes (id) NOT VALID")
        op.execute(f"ALTER TABLE uploads VALIDATE CONSTRAINT {FK}")
    else:
        with op.batch_alter_table("uploads", schema=None) as batch_op:
            batch_op.add_column(sa.Column("note_id", sa.BigInteger(), nullable=True))
            batch_op.create_foreign_key(FK, "notes", ["note_id"], ["id"])
    op.execute(BACKFILL)


def downgrade() -> None:
    with op.batch_alter_table("uploads", schema=None) as batch_op:
        batch_op.drop_constraint(FK, type_="foreignkey")
        batch_op.drop_column("note_id")
