"""SQL for note queries: conditions ANDed within a group, groups ORed, always inside what the caller sees."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, String, and_, any_, bindparam, func, not_, or_, select, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.db.functions import fold
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


def _in_list(column: Any, values: Sequence[Any], dialect: str, item_type: Any) -> ColumnElement[bool]:
    """`column IN values` as ONE bound parameter however long the list: one parameter a value would pass
    PostgreSQL's 32,767 at Query's documented limits (2 groups x 20 conditions x 1,000 values)."""
    if dialect == "postgresql":
        listed: ColumnElement[bool] = column == any_(bindparam(None, list(values), type_=ARRAY(item_type), unique=True))
        return listed
    items = func.json_each(bindparam(None, json.dumps(list(values)), type_=String(), unique=True))
    return column.in_(select(items.table_valued("value").c.value))  # type: ignore[no-any-return]


def _lowered(values: Sequence[str]) -> list[str]:
    return [v.lower() for v in values]


# op -> (column, args, dialect) -> condition
_OPS: dict[str, Any] = {
    "eq": lambda c, a, d: c == a[0],
    "ne": lambda c, a, d: c != a[0],
    "in": lambda c, a, d: _in_list(c, a, d, BigInteger()),
    "not_in": lambda c, a, d: not_(_in_list(c, a, d, BigInteger())),
    "ieq": lambda c, a, d: fold(c) == a[0].lower(),
    "ine": lambda c, a, d: fold(c) != a[0].lower(),
    "iin": lambda c, a, d: _in_list(fold(c), _lowered(a), d, String()),
    "inot_in": lambda c, a, d: not_(_in_list(fold(c), _lowered(a), d, String())),
    "contains": lambda c, a, d: fold(c).contains(a[0].lower(), autoescape=True),
    "not_contains": lambda c, a, d: not_(fold(c).contains(a[0].lower(), autoescape=True)),
    "starts_with": lambda c, a, d: fold(c).startswith(a[0].lower(), autoescape=True),
    "lt": lambda c, a, d: c < a[0],
    "le": lambda c, a, d: c <= a[0],
    "gt": lambda c, a, d: c > a[0],
    "ge": lambda c, a, d: c >= a[0],
}
OPS = frozenset(_OPS)


def _condition(tests: Sequence[Test], dialect: str) -> ColumnElement[bool]:
    return and_(*(_OPS[t.op](COLUMNS[t.column], t.args, dialect) for t in tests))


def where(principal: Principal, groups: Sequence[Sequence[Sequence[Test]]], dialect: str) -> ColumnElement[bool]:
    """groups -> conditions -> tests: a condition may need several tests (a day is >= start AND < end)."""
    matching = or_(*(and_(*(_condition(c, dialect) for c in group)) for group in groups)) if groups else true()
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
    condition = where(principal, groups, session.get_bind().dialect.name)
    total = int(await session.scalar(select(func.count(Note.id)).where(condition)) or 0)
    column = _SORT[sort]
    order = (column.desc(), Note.id.desc()) if descending else (column.asc(), Note.id.asc())
    page = select(Note).where(condition).order_by(*order).limit(limit).offset(offset)
    return list(await session.scalars(page)), total
