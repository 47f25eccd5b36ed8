"""SQLite: the query as an FTS5 MATCH over notes_fts (unicode61, diacritics removed), kept by triggers
(migration 0015). unicode61 reads a run of CJK characters as one word, so CJK terms are matched as substrings
of the indexed text instead (a scan of the index's text: fine at an embedded installation's size)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ColumnElement, bindparam, column, literal_column, or_, text
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.kit.search import contains_pattern
from contactnotes.search import repository
from contactnotes.search.query import ParsedQuery, Term
from contactnotes.search.schemas import IndexHit, Resolved

_id: ColumnElement[int] = literal_column("notes.id")


def _phrase(term: Term) -> str:
    quoted = '"' + " ".join(term.words).replace('"', '""') + '"'
    return quoted + "*" if term.prefix else quoted


# unique bind parameters: one statement may hold several of each (SQLAlchemy renames them apart).
_MATCH = text("SELECT rowid FROM notes_fts WHERE notes_fts MATCH :expression")
_SUBSTRING = text("SELECT rowid FROM notes_fts WHERE lower(body || ' ' || files) LIKE :pattern ESCAPE '\\'")


def _match(expression: str) -> ColumnElement[bool]:
    subquery = _MATCH.bindparams(bindparam("expression", expression, unique=True))
    return _id.in_(subquery.columns(column("rowid", BigInteger)))


def _substring(term: Term) -> ColumnElement[bool]:
    pattern = contains_pattern("".join(term.words))  # escapes with LIKE_ESCAPE, a backslash
    subquery = _SUBSTRING.bindparams(bindparam("pattern", pattern, unique=True))
    return _id.in_(subquery.columns(column("rowid", BigInteger)))


def conditions(query: ParsedQuery) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    plain: list[str] = []  # clauses without CJK: one MATCH for all of them
    for clause in query.clauses:
        if not any(t.cjk for t in clause):
            plain.append("(" + " OR ".join(_phrase(t) for t in clause) + ")")
            continue
        fts = [t for t in clause if not t.cjk]
        parts = [_substring(t) for t in clause if t.cjk]
        if fts:
            parts.append(_match(" OR ".join(_phrase(t) for t in fts)))
        found.append(or_(*parts))
    if plain:
        found.append(_match(" AND ".join(plain)))
    for term in query.excluded:
        found.append(~(_substring(term) if term.cjk else _match(_phrase(term))))
    return found


class SqliteIndex:
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
        statement = repository.newest_first(principal, filters, conditions(query), limit=limit, after=after)
        return await repository.run(session, statement)
