"""SQLite: the query as an FTS5 MATCH over notes_fts (unicode61, diacritics removed), kept by triggers
(migration 0013). unicode61 reads a run of CJK characters as one word, so CJK terms are matched as substrings
of the indexed text instead (a scan of the index's text: fine at an embedded installation's size)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ColumnElement, bindparam, column, literal_column, or_, text
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.kit.search import LIKE_ESCAPE, contains_pattern
from contactnotes.search import repository
from contactnotes.search.query import ParsedQuery, Term
from contactnotes.search.schemas import IndexHit, Resolved

_id = literal_column("notes.id")


def _phrase(term: Term) -> str:
    quoted = '"' + " ".join(term.words).replace('"', '""') + '"'
    return quoted + "*" if term.prefix else quoted


def _match(expression: str, name: str) -> ColumnElement[bool]:
    subquery = text(f"SELECT rowid FROM notes_fts WHERE notes_fts MATCH :{name}").bindparams(
        bindparam(name, expression)
    )
    return _id.in_(subquery.columns(column("rowid", BigInteger)))  # type: ignore[no-any-return]


def _substring(term: Term, name: str) -> ColumnElement[bool]:
    pattern = contains_pattern("".join(term.words))
    subquery = text(
        f"SELECT rowid FROM notes_fts WHERE lower(body || ' ' || files) LIKE :{name} ESCAPE '{LIKE_ESCAPE}'"
    ).bindparams(bindparam(name, pattern))
    return _id.in_(subquery.columns(column("rowid", BigInteger)))  # type: ignore[no-any-return]


def conditions(query: ParsedQuery) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    plain: list[str] = []  # clauses without CJK: one MATCH for all of them
    counter = iter(range(10_000))
    for clause in query.clauses:
        if not any(t.cjk for t in clause):
            plain.append("(" + " OR ".join(_phrase(t) for t in clause) + ")")
            continue
        fts = [t for t in clause if not t.cjk]
        parts = [_substring(t, f"cjk_{next(counter)}") for t in clause if t.cjk]
        if fts:
            parts.append(_match(" OR ".join(_phrase(t) for t in fts), f"fts_{next(counter)}"))
        found.append(or_(*parts))
    if plain:
        found.append(_match(" AND ".join(plain), "fts"))
    for term in query.excluded:
        name = f"not_{next(counter)}"
        found.append(~(_substring(term, name) if term.cjk else _match(_phrase(term), name)))
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
