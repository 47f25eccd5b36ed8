"""Which words are common in the notes, from the statistics PostgreSQL's ANALYZE keeps: the most common
elements of notes.search_vector (pg_stats; up to ten times the statistics target, 1,000 by default, each in
more than about 0.1% of the notes sampled). PostgresIndex uses them to choose its first step; they only ever
choose a plan, never an answer, so statistics a few minutes old do no harm.
"""

from __future__ import annotations

import bisect
import time

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.search.query import ParsedQuery, Term
from contactnotes.search.text import fold

REFRESH_SECONDS = 600.0
# A prefix this short may stand for many words each too rare to be listed, which together are not rare.
MIN_RARE_PREFIX = 3

_STATISTICS = text(
    "SELECT most_common_elems::text::text[] AS words FROM pg_stats"
    " WHERE schemaname = current_schema() AND tablename = 'notes' AND attname = 'search_vector'"
    " AND NOT inherited"
)
# Per database (the engine's URL): when read, and the sorted common words (None: never analyzed).
_known: dict[str, tuple[float, tuple[str, ...] | None]] = {}


async def _common(session: AsyncSession) -> tuple[str, ...] | None:
    key = str(session.get_bind().engine.url)
    now = time.monotonic()
    cached = _known.get(key)
    if cached is not None and now - cached[0] < REFRESH_SECONDS:
        return cached[1]
    row = (await session.execute(_STATISTICS)).first()
    words = None if row is None else tuple(sorted(row.words or ()))
    _known[key] = (now, words)
    return words


def _rare(term: Term, common: tuple[str, ...]) -> bool:
    words = [fold(word) for word in term.words]
    prefix = term.prefix and not term.cjk
    exact = words[:-1] if prefix else words
    if any(_listed(word, common) != word for word in exact):
        return True
    if not prefix:
        return False
    last = words[-1]
    return len(last) >= MIN_RARE_PREFIX and not _listed(last, common).startswith(last)


def _listed(word: str, common: tuple[str, ...]) -> str:
    """The first common word at or after `word` in sort order ("" past the end): `word` itself when it is
    common, one starting with it when it is the prefix of a common word."""
    at = bisect.bisect_left(common, word)
    return common[at] if at < len(common) else ""


async def is_rare(session: AsyncSession, query: ParsedQuery) -> bool | None:
    """Whether some clause of the query is made of rare words only (so it has few matches, whatever the
    rest says); None when the notes were never analyzed."""
    common = await _common(session)
    if common is None:
        return None
    return any(all(_rare(term, common) for term in clause) for clause in query.clauses)
