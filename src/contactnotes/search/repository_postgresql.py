"""PostgreSQL: the query as a tsquery over notes.search_vector (GIN index ix_notes_search), in the
`contactnotes_search` configuration (simple + unaccent) the triggers index with (migration 0015).

The plan is chosen here rather than left to the planner, whose estimate for a prefix (every word typed is one)
outside its sample of common words is a flat guess (2% of the rows with statistics, 0.5% without): for a word
in 100 of a million notes it would walk the date index through most of the organization, or read every note
(1.7 s at a million notes) to fill a LIMIT. Three steps, each exact when it answers:
1. the newest WINDOW notes (of the organization, or of the contact), read in date order (ix_notes_org_date, or
   ix_notes_timeline within a contact), are tested: if that fills the page, or if there are no more notes than
   that, these are the newest matches (common words stop here, and so does any search of a small contact);
2. the GIN index lists the matches, at most MAX_MATCHES of them: if there are no more than that, they are
   all, and are read by primary key and sorted (rare words stop here);
3. there are many matches, just not among the newest notes: the date index is walked, testing each note,
   until the page is full.
Step 1 costs a rare word a thousand random reads of the table for nothing, and step 2 costs a common word
its whole posting list (0.6 s for two words in most of a million notes). The words the last ANALYZE found
common (pg_stats' most common elements of the column, common_words.py) tell which: a query with a clause of
words none of which is common starts at step 2, a query of common words never takes step 2, and without
statistics (a new installation) the steps run in order.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    BindParameter,
    Boolean,
    ColumnElement,
    Select,
    Subquery,
    any_,
    bindparam,
    exists,
    func,
    literal_column,
    or_,
    select,
    text,
    tuple_,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.notes.view_rows import note_contacts
from contactnotes.search import common_words, repository
from contactnotes.search.query import ParsedQuery, Term
from contactnotes.search.repository import notes
from contactnotes.search.schemas import IndexHit, Resolved
from contactnotes.visibility import visible


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
_VECTOR: ColumnElement[Any] = literal_column("notes.search_vector")


def _match(compiled: str) -> ColumnElement[bool]:
    return cast(ColumnElement[bool], _MATCHES.bindparams(bindparam("tsquery", compiled)))


def _matched() -> ColumnElement[bool]:
    query = func.to_tsquery(literal_column("'contactnotes_search'"), bindparam("tsquery"))
    return _VECTOR.op("@@", return_type=Boolean)(query).label("matched")


def _recent(statement: Select[Any]) -> Select[Any]:
    """Step 1: the matches among the notes `statement` lists (the newest :window of them), newest first, and
    the :window-th note whether it matches or not: its presence says that there are more notes than the
    window (so a short answer may not be all). Rows stream in date order: a page of common words reads about
    two pages' worth of notes, not the window. Parameters: tsquery, window, limit (the page and one more)."""
    return _numbered(statement.add_columns(_matched()).subquery("recent"))


def _numbered(recent: Subquery) -> Select[Any]:
    order = (recent.c.note_date.desc(), recent.c.id.desc())
    position = func.row_number().over(order_by=order).label("position")
    numbered = select(recent.c.id, recent.c.note_date, recent.c.matched, position).subquery("numbered")
    window = bindparam("window", type_=BigInteger)
    return (
        select(numbered.c.id, numbered.c.note_date, numbered.c.matched, numbered.c.position)
        .where(numbered.c.position <= window, or_(numbered.c.matched, numbered.c.position == window))
        .order_by(numbered.c.note_date.desc(), numbered.c.id.desc())
        .limit(bindparam("limit", type_=BigInteger))
    )


NO_FILTERS = Resolved(None, [], None, False, False, False, None, None, None)


@lru_cache(maxsize=8)
def _recent_unfiltered(in_contact: bool, keyset: bool) -> Select[Any]:
    """Step 1 without filters (but a contact's scope), built once: most searches. Parameters: org_id,
    user_id, [contact_id], [after_date, after_id], window, tsquery, limit."""
    statement = select(notes.c.id, notes.c.note_date).where(visible(bindparam("org_id"), bindparam("user_id")))
    if keyset:
        after = tuple_(bindparam("after_date", type_=notes.c.note_date.type), bindparam("after_id"))
        statement = statement.where(tuple_(notes.c.note_date, notes.c.id) < after)
    newest = (notes.c.note_date.desc(), notes.c.id.desc())
    window = bindparam("window", type_=BigInteger)
    if not in_contact:
        return _recent(statement.order_by(*newest).limit(window))
    # A contact's notes are those it is the primary contact of (walked in date order by the timeline index)
    # and those linked to it besides: each branch its newest window, then the window of both.
    contact: BindParameter[int] = bindparam("contact_id")
    linked = exists().where(
        note_contacts.c.note_id == notes.c.id, note_contacts.c.contact_id == contact, ~note_contacts.c.is_primary
    )
    branches = [statement.where(notes.c.contact_id == contact), statement.where(linked)]
    recent = union_all(*(b.add_columns(_matched()).order_by(*newest).limit(window) for b in branches))
    return _numbered(recent.subquery("recent"))


def _step_one(
    principal: Principal, filters: Resolved, compiled: str, limit: int, after: tuple[datetime, int] | None
) -> tuple[Select[Any], dict[str, Any]]:
    values: dict[str, Any] = {"tsquery": compiled, "window": WINDOW, "limit": limit + 1}
    contacts = filters.contact_ids
    if replace(filters, contact_ids=None) != NO_FILTERS or (contacts is not None and len(contacts) != 1):
        # Filters: a statement of their own (their values are in it).
        return _recent(repository.newest_first(principal, filters, [], limit=WINDOW, after=after)), values
    values.update(org_id=principal.org_id, user_id=principal.user_id)
    if contacts:
        (values["contact_id"],) = contacts
    if after is not None:
        values.update(after_date=after[0], after_id=after[1])
    return _recent_unfiltered(bool(contacts), after is not None), values


# MATERIALIZED: a CTE is planned for all of its rows, so the LIMIT outside cannot make reading every note
# until enough match look cheaper than asking the GIN index (the planner's guess for a prefix is 2% of rows).
_LISTED = text(
    """WITH listed AS MATERIALIZED (
        SELECT id FROM notes
        WHERE search_vector @@ to_tsquery('contactnotes_search', :tsquery) AND org_id = :org_id)
    SELECT id FROM listed LIMIT :limit"""
)


def match_ids(principal: Principal, compiled: str) -> Any:
    """Step 2: the organization's notes the GIN index lists for the query, MAX_MATCHES + 1 at most."""
    return _LISTED.bindparams(
        bindparam("tsquery", compiled), bindparam("org_id", principal.org_id), bindparam("limit", MAX_MATCHES + 1)
    )


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
        rare = await common_words.is_rare(session, query)
        if not rare:
            statement, values = _step_one(principal, filters, compiled, limit, after)
            rows = (await session.execute(statement, values)).all()
            found = [IndexHit(row.id, row.note_date) for row in rows if row.matched][:limit]
            if len(found) >= limit or all(row.position < WINDOW for row in rows):
                return found
        ids: list[int] | None = None
        if rare is not False:  # common words would list most of the notes
            ids = list(await session.scalars(match_ids(principal, compiled)))
        if ids is not None and len(ids) <= MAX_MATCHES:
            statement = repository.newest_first(principal, filters, [among(ids)], limit=limit, after=after)
        else:
            statement = repository.newest_first(principal, filters, [_match(compiled)], limit=limit, after=after)
        return await repository.run(session, statement)
