"""A note's edit history: its revisions, newest first, each with what changed and a word diff of the body;
and restoring one, which is a new edit (docs/data.md).

Who may read it: whoever may see the note (visibility.py: a private note's history is its author's alone,
another organization's or a deleted note's is "not found"), unless the organization keeps history to its
admins (orgs.HistoryVisibility). Restoring also needs the note's author or an admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.errors import Forbidden, NotFound
from contactnotes.kit.unset import UNSET
from contactnotes.kit.worddiff import Segment, word_diff
from contactnotes.models import Note, NoteRevision
from contactnotes.notes import history_repository, repository, service
from contactnotes.notes.schemas import NoteUpdate, NoteView
from contactnotes.orgs import service as orgs
from contactnotes.users import repository as users_repository
from contactnotes.users.schemas import UserSummary

REVISION_NOT_FOUND = "No such revision of this note"


@dataclass(frozen=True, slots=True)
class NoteState:
    """A note's body and fields at one point of its history."""

    body: str
    type: str
    important: bool
    is_private: bool
    time_spent_minutes: int | None
    note_date: datetime

    @classmethod
    def of(cls, row: Note | NoteRevision) -> NoteState:
        return cls(**{name: getattr(row, name) for name in service.VERSIONED_FIELDS})


@dataclass(frozen=True, slots=True)
class RevisionView:
    """One edit: who made it and when, the note before and after it, the fields it changed (in
    VERSIONED_FIELDS' names) and the body's word diff (plain-text segments, never markup)."""

    oid: str
    number: int
    edited_by: UserSummary
    edited_at: datetime
    before: NoteState
    after: NoteState
    changed: list[str]
    body_diff: list[Segment]


@dataclass(frozen=True, slots=True)
class HistoryPage:
    note: NoteView
    items: list[RevisionView]
    total: int
    can_restore: bool


async def _note(session: AsyncSession, principal: Principal, ref: int | str, *, lock: bool = False) -> Note:
    fetch = repository.get_visible_for_update if lock else repository.get_visible
    note = await fetch(session, principal, ref)
    if note is None:
        raise NotFound(service.NOT_FOUND)
    return note


def may_see_history(principal: Principal) -> bool:
    """Whether the organization lets this member read the history of the notes they can see."""
    return principal.is_admin or principal.history_visibility != orgs.HistoryVisibility.ADMINS


def _check_may_see(principal: Principal) -> None:
    if not may_see_history(principal):
        raise Forbidden("In this organization only admins can see a note's history")


def _may_restore(principal: Principal, note: Note) -> bool:
    return note.author_id == principal.user_id or principal.is_admin


def _view(revision: NoteRevision, after: NoteState, editor: UserSummary) -> RevisionView:
    before = NoteState.of(revision)
    changed = [name for name in service.VERSIONED_FIELDS if getattr(before, name) != getattr(after, name)]
    diff = word_diff(before.body, after.body) if "body" in changed else []
    return RevisionView(revision.oid, revision.number, editor, revision.edited_at, before, after, changed, diff)


async def _editors(session: AsyncSession, org_id: int, revisions: list[NoteRevision]) -> dict[int, UserSummary]:
    users = await users_repository.find_by_ids(session, org_id, [r.edited_by_id for r in revisions])
    return {u.id: UserSummary(u.id, u.oid, u.full_name, u.email, u.avatar_url) for u in users}


async def history(
    session: AsyncSession, principal: Principal, ref: int | str, *, limit: int, offset: int = 0
) -> HistoryPage:
    """A page of the note's revisions, newest first."""
    note = await _note(session, principal, ref)
    _check_may_see(principal)
    # The state after each revision is the one before the next (newer) revision, or the note itself: past the
    # first page, the newer neighbour of the page's first revision is read with it.
    rows = await history_repository.newest_first(
        session, principal.org_id, note.id, limit=limit + (1 if offset else 0), offset=max(offset - 1, 0)
    )
    after = NoteState.of(note)
    if offset and rows:
        after = NoteState.of(rows[0])
        rows = rows[1:]
    editors = await _editors(session, principal.org_id, rows)
    items = []
    for revision in rows:
        items.append(_view(revision, after, editors[revision.edited_by_id]))
        after = NoteState.of(revision)
    total = await history_repository.count(session, principal.org_id, note.id)
    view = (await repository.load_views(session, [note]))[0]
    return HistoryPage(view, items, total, _may_restore(principal, note))


async def restore(session: AsyncSession, principal: Principal, ref: int | str, revision_oid: str) -> NoteView:
    """Put the note's body and fields back as they were before the revision: a new edit (and revision) by
    the caller, announced like any edit. The author or an organization admin may restore."""
    note = await _note(session, principal, ref, lock=True)
    _check_may_see(principal)
    if not _may_restore(principal, note):
        raise Forbidden("Only the author or an organization admin can restore a version of a note")
    revision = await history_repository.find(session, principal.org_id, note.id, revision_oid)
    if revision is None:
        raise NotFound(REVISION_NOT_FOUND)
    state = NoteState.of(revision)
    changes: dict[str, Any] = {name: getattr(state, name) for name in service.VERSIONED_FIELDS}
    if state.type == note.type:
        # A type the organization has removed since stays on a note that has it; only a change is checked.
        changes["type"] = UNSET
    view, _ = await service.apply_update(session, principal, note, NoteUpdate(**changes))
    return view
