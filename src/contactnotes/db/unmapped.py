"""Schema objects the migrations make that the models deliberately do not map: the full-text search index
(migration 0015), kept in step by database triggers and read only by `search/` through hand-written SQL.
Alembic's comparison of models and database skips them (env.py and tests/test_migrations.py)."""

from __future__ import annotations

from typing import Any

# PostgreSQL: a tsvector column on notes with its GIN index, and a trigram index on lower(body).
UNMAPPED_COLUMNS = frozenset({("notes", "search_vector")})
UNMAPPED_INDEXES = frozenset({"ix_notes_search", "ix_notes_body_trgm"})
# SQLite: the FTS5 table and the shadow tables FTS5 makes for it.
UNMAPPED_TABLE_PREFIX = "notes_fts"


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    if type_ == "table" and name is not None and name.startswith(UNMAPPED_TABLE_PREFIX):
        return False
    if type_ == "column" and (getattr(obj.table, "name", None), name) in UNMAPPED_COLUMNS:
        return False
    return not (type_ == "index" and name in UNMAPPED_INDEXES)
