"""per-contact counters of live public notes, kept by triggers

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 19:20:00

A timeline's first page reports how many notes the caller can see. Counting them grew with the contact's
history (about 100 ms at 100,000 notes). The total is now the contact's public-note counter, kept by
triggers on notes in the same transaction as every change, plus the caller's own private notes on that
contact, which a small partial index counts. The counter is striped over 8 rows per contact (by note id) so
that concurrent writers of one contact's notes rarely queue on one row lock.

On SQLite a later batch operation that rebuilds the notes table drops its triggers: such a migration must
create them again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STRIPES = 8

# One upsert adds a row's contribution (sign +1) or takes it away (-1); a row contributes while it is a
# live public note. {row} is NEW or OLD; {sign} is 1 or -1.
_POSTGRESQL_APPLY = """
        IF {row}.deleted_at IS NULL AND NOT {row}.is_private THEN
            INSERT INTO contact_note_counts AS c (contact_id, stripe, public_notes, public_important)
            VALUES ({row}.contact_id, {row}.id % {stripes}, {sign}, CASE WHEN {row}.important THEN {sign} ELSE 0 END)
            ON CONFLICT (contact_id, stripe) DO UPDATE
            SET public_notes = c.public_notes + EXCLUDED.public_notes,
                public_important = c.public_important + EXCLUDED.public_important;
        END IF;"""

_SQLITE_APPLY = """
    INSERT INTO contact_note_counts (contact_id, stripe, public_notes, public_important)
    SELECT {row}.contact_id, {row}.id % {stripes}, {sign}, CASE WHEN {row}.important THEN {sign} ELSE 0 END
    WHERE {row}.deleted_at IS NULL AND NOT {row}.is_private
    ON CONFLICT (contact_id, stripe) DO UPDATE
    SET public_notes = public_notes + excluded.public_notes,
        public_important = public_important + excluded.public_important;"""

_WATCHED = "deleted_at, is_private, important, contact_id"


def _apply(template: str, row: str, sign: int) -> str:
    return template.format(row=row, sign=sign, stripes=STRIPES)


def upgrade() -> None:
    op.create_table(
        "contact_note_counts",
        sa.Column("contact_id", sa.BigInteger(), nullable=False),
        sa.Column("stripe", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("public_notes", sa.BigInteger(), nullable=False),
        sa.Column("public_important", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_contact_note_counts_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", "stripe", name=op.f("pk_contact_note_counts")),
    )
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notes_private_by_author",
            ["contact_id", "author_id"],
            unique=False,
            postgresql_where=sa.text("is_private AND deleted_at IS NULL"),
            sqlite_where=sa.text("is_private = 1 AND deleted_at IS NULL"),
        )
    op.execute(  # 8 = STRIPES
        """
        INSERT INTO contact_note_counts (contact_id, stripe, public_notes, public_important)
        SELECT contact_id, id % 8, count(*), sum(CASE WHEN important THEN 1 ELSE 0 END)
        FROM notes WHERE deleted_at IS NULL AND NOT is_private
        GROUP BY contact_id, id % 8
        """
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION contactnotes_count_notes() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('UPDATE', 'DELETE') THEN {_apply(_POSTGRESQL_APPLY, "OLD", -1)}
                END IF;
                IF TG_OP IN ('INSERT', 'UPDATE') THEN {_apply(_POSTGRESQL_APPLY, "NEW", 1)}
                END IF;
                RETURN NULL;
            END
            $$
            """
        )
        op.execute(
            f"""
            CREATE TRIGGER notes_count AFTER INSERT OR DELETE OR UPDATE OF {_WATCHED} ON notes
            FOR EACH ROW EXECUTE FUNCTION contactnotes_count_notes()
            """
        )
    else:
        op.execute(
            f"CREATE TRIGGER notes_count_insert AFTER INSERT ON notes BEGIN {_apply(_SQLITE_APPLY, 'NEW', 1)} END"
        )
        op.execute(
            f"CREATE TRIGGER notes_count_delete AFTER DELETE ON notes BEGIN {_apply(_SQLITE_APPLY, 'OLD', -1)} END"
        )
        op.execute(
            f"CREATE TRIGGER notes_count_update AFTER UPDATE OF {_WATCHED} ON notes BEGIN "
            f"{_apply(_SQLITE_APPLY, 'OLD', -1)} {_apply(_SQLITE_APPLY, 'NEW', 1)} END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER notes_count ON notes")
        op.execute("DROP FUNCTION contactnotes_count_notes()")
    else:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER notes_count_{event}")
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_index("ix_notes_private_by_author")
    op.drop_table("contact_note_counts")
