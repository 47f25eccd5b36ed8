"""SQL for note queries: conditions ANDed within a group, groups ORed, always inside what the caller sees."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, not_, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.models import Note
from contactnotes.notes.repository import visible_to
from contactnotes.notes.schemas import NoteSort

COLUMNS: dict[str, Any] = {
    "contact_id": Note.contact_id,
    "type": Note.type,
    "body": Note.body,
    "note_date": Note.note_date,
    "created_at": Note.created_at,
    "updated_at": Note.updated_at,
    "important": Note.important,
    "is_private": Note.is_private,
    "author_id": Note.author_id,
}
_SORT = {NoteSort.NOTE_DATE: Note.note_date, NoteSort.CREATED: Note.created_at, NoteSort.MODIFIED: Note.updated_at}


@dataclass(frozen=True, slots=True)
class Test:
    """One comparison on one column. `op` is one of the keys of _OPS; values are already typed."""

    column: str
    op: str
    args: tuple[Any, ...] = ()


def _lower(column: Any) -> Any:
    return func.lower(column)


_OPS: dict[str, Any] = {
    "eq": lambda c, a: c == a[0],
    "ne": lambda c, a: c != a[0],
    "in": lambda c, a: c.in_(a),
    "not_in": lambda c, a: c.not_in(a),
    "ieq": lambda c, a: _lower(c) == a[0].lower(),
    "ine": lambda c, a: _lower(c) != a[0].lower(),
    "iin": lambda c, a: _lower(c).in_([v.lower() for v in a]),
    "inot_in": lambda c, a: _lower(c).not_in([v.lower() for v in a]),
    "contains": lambda c, a: _lower(c).contains(a[0].lower(), autoescape=True),
    "not_contains": lambda c, a: not_(_lower(c).contains(a[0].lower(), autoescape=True)),
    "starts_with": lambda c, a: _lower(c).startswith(a[0].lower(), autoescape=True),
    "lt": lambda c, a: c < a[0],
    "le": lambda c, a: c <= a[0],
    "gt": lambda c, a: c > a[0],
    "ge": lambda c, a: c >= a[0],
}
OPS = frozenset(_OPS)


def _condition(tests: Sequence[Test]) -> ColumnElement[bool]:
    return and_(*(_OPS[t.op](COLUMNS[t.column], t.args) for t in tests))


def where(principal: Principal, groups: Sequence[Sequence[Sequence[Test]]]) -> ColumnElement[bool]:
    """groups -> conditions -> tests: a condition may need several tests (a day is >= start AND < end)."""
    matching = or_(*(and_(*(_condition(c) for c in group)) for group in groups)) if groups else true()
    # The visibility rule is ANDed outside the ORed groups, so no group can reach a hidden note.
    return and_(visible_to(principal), matching)


async def run(
    session: AsyncSession,
    principal: Principal,
    groups: Sequence[Sequence[Sequence[Test]]],
    *,
    sort: str,
    descending: bool,
    limit: int,
    offset: int,
) -> tuple[list[Note], int]:
    condition = where(principal, groups)
    total = int(await session.scalar(select(func.count(Note.id)).where(condition)) or 0)
    column = _SORT[sort]
    order = (column.desc(), Note.id.desc()) if descending else (column.asc(), Note.id.asc())
    page = select(Note).where(condition).order_by(*order).limit(limit).offset(offset)
    return list(await session.scalars(page)), total
