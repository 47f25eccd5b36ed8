"""Finding notes by what they say: the use case every adapter calls (Tether's /search, the web app's box).

The index (index.py) finds candidate notes already inside the caller's visibility (visibility.visible);
the page's views are then read with the same statement a timeline uses, and each hit gets a snippet and the
field it matched in, computed here in Python with the folding rules the index uses (text.py).
"""

from __future__ import annotations

import base64
import binascii
import json

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.contacts import repository as contacts_repository
from contactnotes.contacts import service as contacts
from contactnotes.errors import Invalid
from contactnotes.notes import repository as notes_repository
from contactnotes.notes import view_rows
from contactnotes.notes.schemas import NoteView
from contactnotes.search import repository
from contactnotes.search.index import SearchIndex, index_for
from contactnotes.search.query import Filters, ParsedQuery, Term, parse
from contactnotes.search.ranking import RANKED_CANDIDATES, rank
from contactnotes.search.schemas import (
    MAX_LIMIT,
    MAX_QUERY_LENGTH,
    MatchedIn,
    Resolved,
    SearchHit,
    SearchOrder,
    SearchPage,
)
from contactnotes.search.text import Needle, fold, snippet, spans_in
from contactnotes.users import repository as users_repository

DEFAULT_LIMIT = 25


async def search(
    session: AsyncSession,
    principal: Principal,
    query: str,
    *,
    contact_id: int | str | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    order: str = SearchOrder.NEWEST,
    index: SearchIndex | None = None,
) -> SearchPage:
    """Notes the caller can see matching `query` (the language in search/query.py), newest note date first
    or best match first (`order`), within one contact when `contact_id` is given (404 when the caller's
    organization has no such contact)."""
    if len(query) > MAX_QUERY_LENGTH:
        raise Invalid.field("q", f"A query has at most {MAX_QUERY_LENGTH} characters", "TOO_LONG")
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid.field("limit", f"limit is 1-{MAX_LIMIT}")
    if order not in set(SearchOrder):
        raise Invalid.field("sort", f"sort is one of {', '.join(SearchOrder)}")
    after = None
    offset = 0
    if cursor and order == SearchOrder.RELEVANCE:
        offset = _decode_ranked(cursor)
    elif cursor:
        decoded = notes_repository.decode_cursor(cursor)
        if decoded is None:
            raise Invalid.field("cursor", "cursor is not one this service handed out", "INVALID_CURSOR")
        after = decoded[0]
    scope = None
    if contact_id is not None:
        scope = (await contacts.get_contact_summary(session, principal.org_id, contact_id)).id
    parsed = parse(query.replace("\x00", " "))  # NUL is no word, and no database takes it in a value
    if parsed.empty():
        return SearchPage([], None)
    filters = await _resolve(session, principal, parsed.filters, scope)
    finder = index or index_for(session)
    next_cursor = None
    if order == SearchOrder.RELEVANCE:
        candidates = await finder.find(session, principal, parsed, filters, limit=RANKED_CANDIDATES, after=None)
        texts = await repository.bodies_of(session, [hit.note_id for hit in candidates])
        ranked = rank(candidates, texts, _needles(parsed.positive_terms))
        page = ranked[offset : offset + limit]
        if len(ranked) > offset + limit:
            next_cursor = _encode_ranked(offset + limit)
    else:
        found = await finder.find(session, principal, parsed, filters, limit=limit + 1, after=after)
        page = found[:limit]
        if len(found) > limit:
            next_cursor = notes_repository.encode_cursor(page[-1].note_date, page[-1].note_id)
    views = await _views(session, [hit.note_id for hit in page])
    return SearchPage(await _hits(session, parsed, views), next_cursor)


def _encode_ranked(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"ranked": offset}).encode()).decode().rstrip("=")


def _decode_ranked(cursor: str) -> int:
    """The position in the ranked candidates a best-match cursor points at (it never reaches past them)."""
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["ranked"]
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError):
        value = None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= RANKED_CANDIDATES:
        raise Invalid.field("cursor", "cursor is not one this service handed out", "INVALID_CURSOR")
    return value


async def _resolve(session: AsyncSession, principal: Principal, filters: Filters, scope: int | None) -> Resolved:
    author_ids: list[int] | None = None
    if filters.authors:
        handles = [h for h in filters.authors if h != "me"]
        members = await users_repository.find_by_oids_or_handles(session, principal.org_id, [], handles)
        found = {m.handle.lower(): m.id for m in members if m.handle}
        # Every author filter must hold: two different authors match nothing.
        ids = {principal.user_id if h == "me" else found.get(h, -1) for h in filters.authors}
        author_ids = list(ids) if len(ids) == 1 and -1 not in ids else []
    contact_ids: list[int] | None = None
    wanted = [*filters.contacts, *([scope] if scope is not None else [])]
    if wanted:
        ids = set()
        for ref in wanted:
            summary = await contacts_repository.find_summary(session, principal.org_id, ref)
            ids.add(summary.id if summary is not None else -1)
        contact_ids = list(ids) if len(ids) == 1 and -1 not in ids else []
    return Resolved(
        author_ids=author_ids,
        types=filters.types,
        contact_ids=contact_ids,
        important=filters.important,
        private=filters.private,
        has_file=filters.has_file,
        mentions_user_id=principal.user_id if filters.mentions_me else None,
        before=filters.before,
        after=filters.after,
    )


async def _views(session: AsyncSession, ids: list[int]) -> list[NoteView]:
    if not ids:
        return []
    dialect = session.get_bind().dialect.name
    rows = {row.id: row for row in await session.execute(view_rows.by_ids(dialect), {"ids": ids})}
    return await notes_repository.views_of_rows(session, [rows[i] for i in ids if i in rows])


def _needles(terms: list[Term]) -> list[Needle]:
    return [Needle(tuple(fold(w) for w in t.words), t.prefix and not t.cjk) for t in terms]


async def _hits(session: AsyncSession, parsed: ParsedQuery, views: list[NoteView]) -> list[SearchHit]:
    needles = _needles(parsed.positive_terms)
    spans = {view.id: spans_in(view.body, needles) for view in views}
    # Only a note whose body shows none of the words matched through a file: read its files' text.
    need_files = [v.id for v in views if needles and not spans[v.id] and v.attachments]
    files = await repository.files_of(session, need_files)
    hits = []
    for view in views:
        hit = None
        for name, key, content in files.get(view.id, ()):
            in_name = spans_in(name, needles)
            in_text = spans_in(content, needles)
            if in_name or in_text:
                shown = snippet(content, in_text) if in_text else snippet(name, in_name)
                hit = SearchHit(view, shown, MatchedIn("file", name, key))
                break
        hits.append(hit or SearchHit(view, snippet(view.body, spans[view.id]), MatchedIn("body")))
    return hits
