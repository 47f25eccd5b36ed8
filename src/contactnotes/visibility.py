"""Who may see a note: the one rule, as SQL for statements and as a predicate for a note in hand.

A note is visible to a member of its organization while it is not deleted, unless it is private and the
member is not its author (admins included: a private note is its author's alone). A reader with no user
(a webhook, an organization-wide integration) sees only public notes. Anyone outside the organization sees
nothing, so another organization's note is "not found", never "forbidden".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, false, or_

from contactnotes.db.core import table_of
from contactnotes.models import Note

notes = table_of(Note)


class NoteState(Protocol):
    @property
    def org_id(self) -> int: ...
    @property
    def author_id(self) -> int: ...
    @property
    def is_private(self) -> bool: ...
    @property
    def deleted_at(self) -> datetime | None: ...


def visible(org_id: Any, user_id: Any) -> ColumnElement[bool]:
    """The rule over the `notes` table; takes values, or bound parameters for statements built once."""
    return and_(
        notes.c.org_id == org_id,
        notes.c.deleted_at.is_(None),
        or_(notes.c.is_private == false(), notes.c.author_id == user_id),
    )


def can_see(note: NoteState, org_id: int, user_id: int | None) -> bool:
    """The same rule for a note already in hand (workers deciding whom they may tell); agreement with
    `visible` is tested case by case. `user_id` None is the organization as a whole (a webhook receiver)."""
    return (
        note.org_id == org_id
        and note.deleted_at is None
        and (not note.is_private or (user_id is not None and note.author_id == user_id))
    )
