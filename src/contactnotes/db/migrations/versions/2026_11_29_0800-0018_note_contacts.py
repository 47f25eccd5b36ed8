"""one note, many contacts: the note_contacts link table

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29 08:00:00

A note may be about several contacts (a meeting with three people). notes.contact_id stays the primary
contact; note_contacts holds every contact of a note, the primary one included (is_primary), back-filled
here from notes.contact_id. Triggers keep it right whoever writes notes:

- an insert into notes links its primary contact (so no writer, old or new, can forget it);
- the per-contact counters of migration 0008 count a note once for each contact linked besides its primary
  one: a link added or removed moves the counter, and a change of a note's deleted_at, is_private or
  important moves the counters of all its other contacts (0008's triggers keep the primary contact's);
- before a note row is deleted, its other links are removed, while the note can still tell what they counted.

Counter decrements are plain UPDATEs: a contact being deleted takes its counter rows with it, and an upsert
would try to make them again.

On SQLite a later batch operation that rebuilds the notes table drops its triggers: such a migration must
create them again (as for 0008 and 0015).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STRIPES = 8  # as migration 0008

_UPSERT = """ON CONFLICT (contact_id, stripe) DO UPDATE
    SET public_notes = {c}public_notes + excluded.public_notes,
        public_important = {c}public_important + excluded.public_important"""

_POSTGRESQL = [
    """
    CREATE FUNCTION contactnotes_link_primary_contact() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO note_contacts (note_id, contact_id, org_id, is_primary)
        VALUES (NEW.id, NEW.contact_id, NEW.org_id, true)
        ON CONFLICT (note_id, contact_id) DO NOTHING;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER notes_link_primary_contact AFTER INSERT ON notes "
    "FOR EACH ROW EXECUTE FUNCTION contactnotes_link_primary_contact()",
    f"""
    CREATE FUNCTION contactnotes_count_links() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        n record;
    BEGIN
        IF TG_OP = 'INSERT' THEN
            SELECT id, important INTO n FROM notes
            WHERE id = NEW.note_id AND deleted_at IS NULL AND NOT is_private;
            IF FOUND THEN
                INSERT INTO contact_note_counts AS c (contact_id, stripe, public_notes, public_important)
                VALUES (NEW.contact_id, n.id % {STRIPES}, 1, CASE WHEN n.important THEN 1 ELSE 0 END)
                {_UPSERT.format(c="c.")};
            END IF;
        ELSE
            SELECT id, important INTO n FROM notes
            WHERE id = OLD.note_id AND deleted_at IS NULL AND NOT is_private;
            IF FOUND THEN
                UPDATE contact_note_counts
                SET public_notes = public_notes - 1,
                    public_important = public_important - CASE WHEN n.important THEN 1 ELSE 0 END
                WHERE contact_id = OLD.contact_id AND stripe = n.id % {STRIPES};
            END IF;
        END IF;
        RETURN NULL;
    END
    $$
    """,  # noqa: S608 (constants only)
    # Only links besides the primary one: 0008's triggers on notes count the primary contact.
    "CREATE TRIGGER note_contacts_count_insert AFTER INSERT ON note_contacts FOR EACH ROW "
    "WHEN (NOT NEW.is_primary) EXECUTE FUNCTION contactnotes_count_links()",
    "CREATE TRIGGER note_contacts_count_delete AFTER DELETE ON note_contacts FOR EACH ROW "
    "WHEN (NOT OLD.is_primary) EXECUTE FUNCTION contactnotes_count_links()",
    f"""
    CREATE FUNCTION contactnotes_count_linked_notes() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.deleted_at IS NULL AND NOT OLD.is_private THEN
            UPDATE contact_note_counts AS c
            SET public_notes = c.public_notes - 1,
                public_important = c.public_important - CASE WHEN OLD.important THEN 1 ELSE 0 END
            FROM note_contacts AS l
            WHERE l.note_id = OLD.id AND NOT l.is_primary
              AND c.contact_id = l.contact_id AND c.stripe = OLD.id % {STRIPES};
        END IF;
        IF NEW.deleted_at IS NULL AND NOT NEW.is_private THEN
            INSERT INTO contact_note_counts AS c (contact_id, stripe, public_notes, public_important)
            SELECT l.contact_id, NEW.id % {STRIPES}, 1, CASE WHEN NEW.important THEN 1 ELSE 0 END
            FROM note_contacts AS l WHERE l.note_id = NEW.id AND NOT l.is_primary
            {_UPSERT.format(c="c.")};
        END IF;
        RETURN NULL;
    END
    $$
    """,  # noqa: S608 (constants only)
    "CREATE TRIGGER notes_count_linked AFTER UPDATE OF deleted_at, is_private, important ON notes FOR EACH ROW "
    "WHEN (OLD.deleted_at IS DISTINCT FROM NEW.deleted_at OR OLD.is_private <> NEW.is_private "
    "OR OLD.important <> NEW.important) EXECUTE FUNCTION contactnotes_count_linked_notes()",
    """
    CREATE FUNCTION contactnotes_unlink_before_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM note_contacts WHERE note_id = OLD.id AND NOT is_primary;
        RETURN OLD;
    END
    $$
    """,
    "CREATE TRIGGER notes_unlink_before_delete BEFORE DELETE ON notes FOR EACH ROW "
    "EXECUTE FUNCTION contactnotes_unlink_before_delete()",
]

_SQLITE = [
    """CREATE TRIGGER notes_link_primary_contact AFTER INSERT ON notes BEGIN
    INSERT INTO note_contacts (note_id, contact_id, org_id, is_primary)
    VALUES (NEW.id, NEW.contact_id, NEW.org_id, 1)
    ON CONFLICT (note_id, contact_id) DO NOTHING;
    END""",
    f"""CREATE TRIGGER note_contacts_count_insert AFTER INSERT ON note_contacts WHEN NOT NEW.is_primary BEGIN
    INSERT INTO contact_note_counts (contact_id, stripe, public_notes, public_important)
    SELECT NEW.contact_id, n.id % {STRIPES}, 1, CASE WHEN n.important THEN 1 ELSE 0 END FROM notes AS n
    WHERE n.id = NEW.note_id AND n.deleted_at IS NULL AND NOT n.is_private
    {_UPSERT.format(c="")};
    END""",  # noqa: S608 (constants only)
    f"""CREATE TRIGGER note_contacts_count_delete AFTER DELETE ON note_contacts WHEN NOT OLD.is_primary BEGIN
    UPDATE contact_note_counts
    SET public_notes = public_notes - 1,
        public_important = public_important
            - (SELECT CASE WHEN n.important THEN 1 ELSE 0 END FROM notes AS n WHERE n.id = OLD.note_id)
    WHERE contact_id = OLD.contact_id AND stripe = OLD.note_id % {STRIPES}
      AND EXISTS (SELECT 1 FROM notes AS n WHERE n.id = OLD.note_id AND n.deleted_at IS NULL AND NOT n.is_private);
    END""",  # noqa: S608 (constants only)
    f"""CREATE TRIGGER notes_count_linked AFTER UPDATE OF deleted_at, is_private, important ON notes
    WHEN OLD.deleted_at IS NOT NEW.deleted_at OR OLD.is_private <> NEW.is_private OR OLD.important <> NEW.important
    BEGIN
    UPDATE contact_note_counts
    SET public_notes = public_notes - 1,
        public_important = public_important - CASE WHEN OLD.important THEN 1 ELSE 0 END
    WHERE OLD.deleted_at IS NULL AND NOT OLD.is_private AND stripe = OLD.id % {STRIPES}
      AND contact_id IN (SELECT contact_id FROM note_contacts WHERE note_id = OLD.id AND NOT is_primary);
    INSERT INTO contact_note_counts (contact_id, stripe, public_notes, public_important)
    SELECT l.contact_id, NEW.id % {STRIPES}, 1, CASE WHEN NEW.important THEN 1 ELSE 0 END FROM note_contacts AS l
    WHERE l.note_id = NEW.id AND NOT l.is_primary AND NEW.deleted_at IS NULL AND NOT NEW.is_private
    {_UPSERT.format(c="")};
    END""",  # noqa: S608 (constants only)
    """CREATE TRIGGER notes_unlink_before_delete BEFORE DELETE ON notes BEGIN
    DELETE FROM note_contacts WHERE note_id = OLD.id AND NOT is_primary;
    END""",
]


def upgrade() -> None:
    op.create_table(
        "note_contacts",
        sa.Column("note_id", sa.BigInteger(), nullable=False),
        sa.Column("contact_id", sa.BigInteger(), nullable=False),
        sa.Column("org_id", sa.BigInteger(), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_note_contacts_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["note_id"], ["notes.id"], name=op.f("fk_note_contacts_note_id_notes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], name=op.f("fk_note_contacts_org_id_organizations")),
        sa.PrimaryKeyConstraint("note_id", "contact_id", name=op.f("pk_note_contacts")),
    )
    op.execute(
        "INSERT INTO note_contacts (note_id, contact_id, org_id, is_primary) "
        "SELECT id, contact_id, org_id, true FROM notes"
    )
    # Built after the back-fill: one sorted build instead of an index insert per row.
    op.create_index("ix_note_contacts_linked", "note_contacts", ["contact_id", "is_primary", "note_id"], unique=False)
    for statement in _POSTGRESQL if op.get_bind().dialect.name == "postgresql" else _SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER notes_unlink_before_delete ON notes")
        op.execute("DROP TRIGGER notes_count_linked ON notes")
        op.execute("DROP TRIGGER notes_link_primary_contact ON notes")
    else:
        for name in ("notes_unlink_before_delete", "notes_count_linked", "notes_link_primary_contact"):
            op.execute(f"DROP TRIGGER {name}")
    # The counters of contacts linked besides the primary one go back to what 0008 counts.
    op.execute("DELETE FROM note_contacts WHERE NOT is_primary")
    op.drop_index("ix_note_contacts_linked", table_name="note_contacts")
    op.drop_table("note_contacts")
    if op.get_bind().dialect.name == "postgresql":
        for name in (
            "contactnotes_unlink_before_delete",
            "contactnotes_count_linked_notes",
            "contactnotes_count_links",
            "contactnotes_link_primary_contact",
        ):
            op.execute(f"DROP FUNCTION {name}()")
