"""PostgreSQL: the query as a tsquery over notes.search_vector (GIN index ix_notes_search), in the
`contactnotes_search` configuration (simple + unaccent) the triggers index with (migration 0013).

The planner picks between two plans: for a rare word, the GIN index finds the few matches, which are sorted;
for common words, ix_notes_org_date is walked newest first and each note tested until the page is full.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.search import repository
from contactnotes.search.query import ParsedQuery, Term
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


_MATCHES = text("notes.search_vector @@ to_tsquery('contactnotes_search', :tsquery)")


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
        matching: list[ColumnElement[bool]] = []
        if compiled is not None:
            matching.append(_MATCHES.bindparams(bindparam("tsquery", compiled)))  # type: ignore[arg-type]
        statement = repository.newest_first(principal, filters, matching, limit=limit, after=after)
        return await repository.run(session, statement)
