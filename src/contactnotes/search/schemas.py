"""What a search returns, dialect-neutral."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from contactnotes.notes.schemas import NoteView

MAX_LIMIT = 100
MAX_QUERY_LENGTH = 500


class SearchOrder(enum.StrEnum):
    NEWEST = "newest"  # note date, newest first: every match, paged by keyset
    RELEVANCE = "relevance"  # best match first, among the newest matches (search/ranking.py)


@dataclass(frozen=True, slots=True)
class MatchedIn:
    field: str  # "body" or "file"
    file_name: str | None = None
    file_key: str | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    note: NoteView
    snippet: str  # HTML: the matched words in <mark>, everything else escaped
    matched_in: MatchedIn


@dataclass(frozen=True, slots=True)
class SearchPage:
    items: list[SearchHit]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class Resolved:
    """A query's filters with their names turned into ids, and the caller's own scope (contactId)."""

    author_ids: list[int] | None  # None: no author filter; [] : an unknown author (nothing matches)
    types: list[str]
    contact_ids: list[int] | None
    important: bool
    private: bool
    has_file: bool
    mentions_user_id: int | None
    before: date | None
    after: date | None


@dataclass(frozen=True, slots=True)
class IndexHit:
    note_id: int
    note_date: datetime
