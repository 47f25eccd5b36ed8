"""full-text search over notes and their files

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-28 23:00:00

PostgreSQL: a tsvector column on notes, kept in step by triggers, with a GIN index. The text search
configuration `contactnotes_search` is `simple` (no stemming, no stop words: notes mix languages) with
`unaccent` before it, so case and accents fold ("ecole" finds "École"). Before parsing, punctuation becomes a
space (so "john@example.com" is three words on both databases) and each CJK character becomes a word of its
own, which lets a phrase query of adjacent characters find text written without spaces. The document of a
note is its body plus the names and extracted text of its files (file_texts). A trigram index on lower(body)
(pg_trgm) serves substring conditions (Virtuous's Note Contains / StartsWith) with their exact meaning, and
ix_notes_org_date serves organization-wide searches newest first.

SQLite: an FTS5 table (unicode61, diacritics removed) with the body and the files' text, kept by triggers.

Online-safe on PostgreSQL: the column is added without a default (no table rewrite); existing notes get their
vector in batches of 5,000, each committed on its own, after the triggers already keep new writes in step;
the indexes are built CONCURRENTLY. `unaccent` and `pg_trgm` are trusted extensions (PostgreSQL 13+): the
database owner may create them; Debian and Ubuntu ship them in postgresql-contrib, which the server package
depends on. They are left installed on downgrade.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from contactnotes.db.types import UTCDateTime

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000

# ASCII punctuation and controls, Latin-1 symbols, general and CJK punctuation, full-width punctuation.
_PUNCTUATION = r"[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\u00a0-\u00bf\u2000-\u206f\u3000-\u303f\uff01-\uff0f]+"
# Hiragana, Katakana, CJK ideographs (and extension A, compatibility), Hangul syllables.
_CJK = r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af])"

_POSTGRESQL_UP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TEXT SEARCH CONFIGURATION contactnotes_search (COPY = simple)",
    "ALTER TEXT SEARCH CONFIGURATION contactnotes_search"
    " ALTER MAPPING FOR word, hword, hword_part WITH unaccent, simple",
    f"""
    CREATE FUNCTION contactnotes_search_words(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT regexp_replace(regexp_replace(coalesce(t, ''), E'{_PUNCTUATION}', ' ', 'g'), E'{_CJK}', ' \\1 ', 'g')
    $$""",
    """
    CREATE FUNCTION contactnotes_note_files(note bigint) RETURNS text LANGUAGE sql STABLE AS $$
        SELECT coalesce(string_agg(a.name || ' ' || coalesce(f.content, ''), ' ' ORDER BY a.position), '')
        FROM note_attachments a LEFT JOIN file_texts f ON f.key = a.key
        WHERE a.note_id = note
    $$""",
    """
    CREATE FUNCTION contactnotes_note_vector(body text, note bigint) RETURNS tsvector LANGUAGE sql STABLE AS $$
        SELECT to_tsvector('contactnotes_search', contactnotes_search_words(body))
            || to_tsvector('contactnotes_search', contactnotes_search_words(contactnotes_note_files(note)))
    $$""",
    # A new note has no attachments yet (they reference it): its vector is its body's.
    """
    CREATE FUNCTION contactnotes_notes_search() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            NEW.search_vector := to_tsvector('contactnotes_search', contactnotes_search_words(NEW.body));
        ELSE
            NEW.search_vector := contactnotes_note_vector(NEW.body, NEW.id);
        END IF;
        RETURN NEW;
    END
    $$""",
    "ALTER TABLE notes ADD COLUMN search_vector tsvector",
    """
    CREATE TRIGGER notes_search BEFORE INSERT OR UPDATE OF body ON notes
    FOR EACH ROW EXECUTE FUNCTION contactnotes_notes_search()""",
    # Statement triggers: a note's update replaces all its attachment rows in one statement, refreshed once.
    """
    CREATE FUNCTION contactnotes_attachments_search() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE notes n SET search_vector = contactnotes_note_vector(n.body, n.id)
        WHERE n.id IN (SELECT note_id FROM changed);
        RETURN NULL;
    END
    $$""",
    """
    CREATE TRIGGER note_attachments_search_insert AFTER INSERT ON note_attachments
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION contactnotes_attachments_search()""",
    """
    CREATE TRIGGER note_attachments_search_delete AFTER DELETE ON note_attachments
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION contactnotes_attachments_search()""",
    """
    CREATE FUNCTION contactnotes_file_texts_search() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE notes n SET search_vector = contactnotes_note_vector(n.body, n.id)
        WHERE n.id IN (SELECT a.note_id FROM note_attachments a JOIN changed c ON c.key = a.key);
        RETURN NULL;
    END
    $$""",
    """
    CREATE TRIGGER file_texts_search_insert AFTER INSERT ON file_texts
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION contactnotes_file_texts_search()""",
    """
    CREATE TRIGGER file_texts_search_update AFTER UPDATE ON file_texts
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION contactnotes_file_texts_search()""",
]

# A GIN index takes new entries into a pending list that every search reads whole until it is merged: at the
# default 4 MB a rare word's search went from 0.07 ms to 30 ms under a stream of creates (4 ms at 256 kB).
# 64 kB keeps that read small and still merges in bulk.
_POSTGRESQL_INDEXES = [
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_notes_search ON notes USING gin (search_vector)"
    " WITH (gin_pending_list_limit = 64)",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_notes_body_trgm ON notes USING gin (lower(body) gin_trgm_ops)"
    " WITH (gin_pending_list_limit = 64)",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_notes_org_date ON notes (org_id, note_date, id)",
]

_POSTGRESQL_DOWN = [
    "DROP INDEX IF EXISTS ix_notes_search",
    "DROP INDEX IF EXISTS ix_notes_body_trgm",
    "DROP INDEX IF EXISTS ix_notes_org_date",
    "DROP TRIGGER file_texts_search_update ON file_texts",
    "DROP TRIGGER file_texts_search_insert ON file_texts",
    "DROP TRIGGER note_attachments_search_delete ON note_attachments",
    "DROP TRIGGER note_attachments_search_insert ON note_attachments",
    "DROP TRIGGER notes_search ON notes",
    "ALTER TABLE notes DROP COLUMN search_vector",
    "DROP FUNCTION contactnotes_file_texts_search()",
    "DROP FUNCTION contactnotes_attachments_search()",
    "DROP FUNCTION contactnotes_notes_search()",
    "DROP FUNCTION contactnotes_note_vector(text, bigint)",
    "DROP FUNCTION contactnotes_note_files(bigint)",
    "DROP FUNCTION contactnotes_search_words(text)",
    "DROP TEXT SEARCH CONFIGURATION contactnotes_search",
]

# SQLite: the files column of a note's FTS row, from its attachments and their extracted text.
_SQLITE_FILES = """(SELECT coalesce(group_concat(a.name || ' ' || coalesce(f.content, ''), ' '), '')
    FROM note_attachments a LEFT JOIN file_texts f ON f.key = a.key WHERE a.note_id = {note})"""

_SQLITE_UP = [
    "CREATE VIRTUAL TABLE notes_fts USING fts5(body, files, tokenize = 'unicode61 remove_diacritics 2')",
    """CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
        INSERT INTO notes_fts (rowid, body, files) VALUES (new.id, new.body, '');
    END""",
    """CREATE TRIGGER notes_fts_update AFTER UPDATE OF body ON notes BEGIN
        UPDATE notes_fts SET body = new.body WHERE rowid = new.id;
    END""",
    """CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
        DELETE FROM notes_fts WHERE rowid = old.id;
    END""",
    f"""CREATE TRIGGER notes_fts_attach AFTER INSERT ON note_attachments BEGIN
        UPDATE notes_fts SET files = {_SQLITE_FILES.format(note="new.note_id")} WHERE rowid = new.note_id;
    END""",  # noqa: S608 (constants only)
    f"""CREATE TRIGGER notes_fts_detach AFTER DELETE ON note_attachments BEGIN
        UPDATE notes_fts SET files = {_SQLITE_FILES.format(note="old.note_id")} WHERE rowid = old.note_id;
    END""",  # noqa: S608 (constants only)
    f"""CREATE TRIGGER notes_fts_file_insert AFTER INSERT ON file_texts BEGIN
        UPDATE notes_fts SET files = {_SQLITE_FILES.format(note="notes_fts.rowid")}
        WHERE rowid IN (SELECT note_id FROM note_attachments WHERE key = new.key);
    END""",  # noqa: S608 (constants only)
    f"""CREATE TRIGGER notes_fts_file_update AFTER UPDATE ON file_texts BEGIN
        UPDATE notes_fts SET files = {_SQLITE_FILES.format(note="notes_fts.rowid")}
        WHERE rowid IN (SELECT note_id FROM note_attachments WHERE key = new.key);
    END""",  # noqa: S608 (constants only)
    f"INSERT INTO notes_fts (rowid, body, files) SELECT id, body, {_SQLITE_FILES.format(note='notes.id')} FROM notes",  # noqa: S608
]

_SQLITE_TRIGGERS = ["insert", "update", "delete", "attach", "detach", "file_insert", "file_update"]


def _backfill_postgresql() -> None:
    bind = op.get_bind()
    last = bind.execute(sa.text("SELECT max(id) FROM notes")).scalar() or 0
    for start in range(0, last, BATCH):
        bind.execute(
            sa.text(
                "UPDATE notes SET search_vector = contactnotes_note_vector(body, id) WHERE id > :start AND id <= :end"
            ),
            {"start": start, "end": start + BATCH},
        )


def upgrade() -> None:
    op.create_table(
        "file_texts",
        sa.Column("key", sa.String(length=1024), nullable=False),
        sa.Column("org_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("extracted_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], name=op.f("fk_file_texts_org_id_organizations")),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_file_texts")),
    )
    op.create_index(op.f("ix_file_texts_org_id"), "file_texts", ["org_id"], unique=False)
    if op.get_bind().dialect.name != "postgresql":
        for statement in _SQLITE_UP:
            op.execute(statement)
        op.create_index("ix_notes_org_date", "notes", ["org_id", "note_date", "id"], unique=False)
        return
    for statement in _POSTGRESQL_UP:
        op.execute(statement)
    # Each batch and each index in its own transaction: no lock on notes is held longer than one batch.
    with op.get_context().autocommit_block():
        _backfill_postgresql()
        for statement in _POSTGRESQL_INDEXES:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in _POSTGRESQL_DOWN:
            op.execute(statement)
    else:
        op.drop_index("ix_notes_org_date", table_name="notes")
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER notes_fts_{name}")
        op.execute("DROP TABLE notes_fts")
    op.drop_index(op.f("ix_file_texts_org_id"), table_name="file_texts")
    op.drop_table("file_texts")
