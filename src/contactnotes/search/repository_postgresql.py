"""PostgreSQL: the query as a tsquery over notes.search_vector (GIN index ix_notes_search), in the
`contactnotes_search` configuration (simple + unaccent) the triggers index with (migration 0015).

The plan is chosen here rather than left to the planner, whose estimate for a word outside its sample of
common words is a flat guess (0.5% of the rows): for a word in 100 of a million notes it would walk the date
index through most of the organization. In turn, each step only when the one before did not answer:
1. the newest WINDOW notes, read in date order (ix_notes_org_date, or ix_notes_timeline within a contact), are
   tested: if that fills the page, these are the newest matches (common words stop here);
2. the GIN index lists the matches, at most MAX_MATCHES of them: if there are no more than that, they are
   all, and are read by primary key and sorted (rare words stop here);
3. there are many matches, just not among the newest notes: the date index is walked, testing each note,
   until the page is full.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import BigInteger, ColumnElement, Select, any_, bindparam, literal_column, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.search import repository
from contactnotes.search.query import ParsedQuery, Term
from contactnotes.search.repository import notes
from contactnotes.search.schemas import IndexHit, Resolved


def _lexeme(word: str) -> str:
    # Words are letters and digits only (search/text.py), but quote as to_tsquery wants anyway.
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _term(term: Term) -> str:
    parts = [_lexeme(word) for word in term.words]
    if term.prefix and not term.cjk:  # CJK characters are single-character words: exact, side by side
        parts[-1] += ":*"
    return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"


def tsquery(query: ParsedQuery) -> str | None:
    """The to_tsquery text of a parsed query, or None when it has no words (filters only)."""
    clauses = ["(" + " | ".join(_term(t) for t in clause) + ")" for clause in query.clauses]
    clauses += ["!" + _term(t) for t in query.excluded]
    return " & ".join(clauses) or None


WINDOW = 1_000
MAX_MATCHES = 5_000

_MATCHES = text("notes.search_vector @@ to_tsquery('contactnotes_search', :tsquery)")
_RECENT_MATCH = text("recent.search_vector @@ to_tsquery('contactnotes_search', :tsquery)")


def _match(compiled: str) -> ColumnElement[bool]:
    return cast(ColumnElement[bool], _MATCHES.bindparams(bindparam("tsquery", compiled)))


def _recent(statement: Select[Any], compiled: str, limit: int) -> Select[Any]:
    """The matches among the notes `statement` lists (newest WINDOW of them), newest first."""
    recent = statement.add_columns(literal_column("notes.search_vector").label("search_vector")).subquery("recent")
    return (
        select(recent.c.id, recent.c.note_date)
        .where(_RECENT_MATCH.bindparams(bindparam("tsquery", compiled)))
        .order_by(recent.c.note_date.desc(), recent.c.id.desc())
        .limit(limit)
    )


def match_ids(principal: Principal, compiled: str) -> Select[Any]:
    """The organization's notes the GIN index lists for the query, MAX_MATCHES + 1 at most."""
    return select(notes.c.id).where(_match(compiled), notes.c.org_id == principal.org_id).limit(MAX_MATCHES + 1)


def among(ids: list[int]) -> ColumnElement[bool]:
    # One array parameter, read through the primary key: a join with the matches could be planned as a hash
    # join over a scan of every note, from an estimate of thousands of matches where there are a few.
    return notes.c.id == any_(bindparam("match_ids", ids, type_=ARRAY(BigInteger)))


class PostgresIndex:
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
        compiled = tsquery(query)
        if compiled is None or not query.clauses:
            # Filters and exclusions only: most notes match, and the GIN index cannot find "not a word".
            matching = [_match(compiled)] if compiled else []
            return await repository.run(
                session, repository.newest_first(principal, filters, matching, limit=limit, after=after)
            )
        window = repository.newest_first(principal, filters, [], limit=WINDOW, after=after)
        found = await repository.run(session, _recent(window, compiled, limit))
        if len(found) >= limit:
            return found
        ids = list(await session.scalars(match_ids(principal, compiled)))
        if len(ids) <= MAX_MATCHES:
            statement = repository.newest_first(principal, filters, [among(ids)], limit=limit, after=after)
        else:
            statement = repository.newest_first(principal, filters, [_match(compiled)], limit=limit, after=after)
        return await repository.run(session, statement)
