"""The one small interface between the search service and whatever finds the matching notes.

Today both implementations are the database the notes live in (PostgreSQL's tsvector, SQLite's FTS5), kept
in step by triggers in the writer's transaction. An external engine (OpenSearch, Meilisearch) would be a third
implementation of `SearchIndex`, fed from the outbox (note.created / note.updated / note.deleted carry the
note id; a handler re-reads the note and its files' text and upserts the document). Whatever the engine,
the service re-checks every hit with the one visibility rule before it shows it (docs/search.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.search.query import ParsedQuery
from contactnotes.search.schemas import IndexHit, Resolved


class SearchIndex(Protocol):
    async def find(
        self,
        session: AsyncSession,
        principal: Principal,
        query: ParsedQuery,
        filters: Resolved,
        *,
        limit: int,
        after: tuple[datetime, int] | None,
    ) -> list[IndexHit]:
        """Up to `limit` notes the principal may see that match, newest note date first (ties by id),
        strictly after the `after` position."""
        ...


def index_for(session: AsyncSession) -> SearchIndex:
    from contactnotes.search import repository_postgresql, repository_sqlite

    if session.get_bind().dialect.name == "postgresql":
        return repository_postgresql.PostgresIndex()
    return repository_sqlite.SqliteIndex()
