"""SQL for imports: look-ups in chunks, and bulk inserts (COPY or unnest on PostgreSQL, executemany on
SQLite). Every read is scoped to the importing organization."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import String, Table, any_, bindparam, func, insert, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.db.core import table_of
from contactnotes.models import Contact, ContactExternalId, ImportedNote, Note, User

T = TypeVar("T")
# Bound parameters per IN list: far below both databases' limits, few round trips at 50,000 rows.
CHUNK = 1000

_notes = table_of(Note)
_contacts = table_of(Contact)
_imported = table_of(ImportedNote)
_contact_ids = table_of(ContactExternalId)


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _among(session: AsyncSession, column: Any, values: Sequence[str]) -> Iterator[Any]:
    """Conditions `column` in `values`: on PostgreSQL one `= ANY(array)` (one parameter, one round trip for
    50,000 values); elsewhere IN lists of CHUNK parameters."""
    if session.get_bind().dialect.name == "postgresql":
        if values:
            yield column == any_(bindparam("values", list(values), type_=postgresql.ARRAY(String)))
        return
    for part in chunks(values):
        yield column.in_(part)


async def imported_external_ids(session: AsyncSession, org_id: int, source: str, ids: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for among in _among(session, _imported.c.external_id, sorted(set(ids))):
        statement = select(_imported.c.external_id).where(
            _imported.c.org_id == org_id, _imported.c.source == source, among
        )
        found.update(await session.scalars(statement))
    return found


async def contacts_by_external_id(
    session: AsyncSession, org_id: int, source: str, ids: Iterable[str]
) -> dict[str, int]:
    found: dict[str, int] = {}
    for among in _among(session, _contact_ids.c.external_id, sorted(set(ids))):
        statement = select(_contact_ids.c.external_id, _contact_ids.c.contact_id).where(
            _contact_ids.c.org_id == org_id, _contact_ids.c.source == source, among
        )
        found.update({external: contact for external, contact in (await session.execute(statement)).all()})
    return found


async def contacts_by_email(session: AsyncSession, org_id: int, emails: Iterable[str]) -> dict[str, int]:
    """Lower-cased e-mail -> the oldest contact with it (contacts' e-mails are not unique)."""
    found: dict[str, int] = {}
    for among in _among(session, func.lower(_contacts.c.email), sorted(set(emails))):
        statement = (
            select(func.lower(_contacts.c.email), _contacts.c.id)
            .where(_contacts.c.org_id == org_id, among)
            .order_by(_contacts.c.id.desc())
        )
        found.update({email: contact for email, contact in (await session.execute(statement)).all()})
    return found


async def users_by_email(session: AsyncSession, org_id: int, emails: Iterable[str]) -> dict[str, int]:
    statement = select(User.email, User.id).where(User.org_id == org_id, User.email.in_(sorted(set(emails))))
    return {email: user_id for email, user_id in (await session.execute(statement)).all()}


async def insert_returning_ids(session: AsyncSession, table: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert the rows (SQLAlchemy batches them into multi-row INSERTs) and return their ids, in order."""
    if not rows:
        return []
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list((await session.scalars(statement, rows)).all())


# PostgreSQL: one INSERT ... SELECT FROM unnest(one array per column) per batch. A multi-row VALUES list of
# 2,000 rows is tens of thousands of parameters that the server parses and plans each time; measured here,
# unnest writes the same rows four to six times faster, close to COPY (bench/import_notes.py).
_PG = postgresql.dialect()  # type: ignore[no-untyped-call]


def _unnest(table: Table, columns: list[str], returning: str) -> Any:
    # Names and types come from the model's own table (`columns` are its keys, checked by table.c[name]);
    # every value is a bound parameter.
    arrays = ", ".join(f"CAST(:{name} AS {table.c[name].type.compile(dialect=_PG)}[])" for name in columns)
    return text(f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT * FROM unnest({arrays}) {returning}")  # noqa: S608


async def bulk_insert(session: AsyncSession, table: Table, rows: list[dict[str, Any]], *, oids: bool) -> list[int]:
    """Insert the rows; with `oids`, return their new ids in the rows' order (matched by ObjectId)."""
    if not rows:
        return []
    if session.get_bind().dialect.name != "postgresql":
        if oids:
            return await insert_returning_ids(session, table, rows)
        await session.execute(insert(table), rows)
        return []
    columns = list(rows[0])
    values = {name: [row[name] for row in rows] for name in columns}
    result = await session.execute(_unnest(table, columns, "RETURNING id, oid" if oids else ""), values)
    if not oids:
        return []
    ids = {oid: new_id for new_id, oid in result.all()}
    return [ids[oid] for oid in values["oid"]]


async def insert_contacts(session: AsyncSession, rows: list[dict[str, Any]]) -> list[int]:
    return await bulk_insert(session, _contacts, rows, oids=True)


async def insert_notes(session: AsyncSession, rows: list[dict[str, Any]]) -> list[int]:
    """Insert the notes; return their new ids in the rows' order."""
    if not rows:
        return []
    if session.get_bind().dialect.name != "postgresql":
        return await insert_returning_ids(session, _notes, rows)
    # COPY is the cheapest way into PostgreSQL (no statement to parse, binary rows) but returns nothing, so
    # the ids are taken from the table's sequence first and written explicitly. The row triggers (search
    # vector, counters, the note_contacts primary link) fire for COPY as for INSERT.
    sequence = text(f"SELECT nextval(pg_get_serial_sequence('{_notes.name}', 'id')) FROM generate_series(1, :n)")  # noqa: S608
    ids = sorted((await session.scalars(sequence, {"n": len(rows)})).all())
    columns = list(rows[0])
    values = itemgetter(*columns)
    records = [(new_id, *values(row)) for new_id, row in zip(ids, rows, strict=True)]
    await _copy(session, _notes, ["id", *columns], records)
    return ids


async def _copy(session: AsyncSession, table: Table, columns: list[str], records: list[tuple[Any, ...]]) -> None:
    """COPY the records into the table on the session's own connection, so inside its transaction: they land
    or roll back with the rest of the file."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    await driver.copy_records_to_table(table.name, columns=columns, records=records)


async def insert_contact_external_ids(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    await bulk_insert(session, _contact_ids, rows, oids=False)


async def insert_imported(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows and session.get_bind().dialect.name == "postgresql":
        columns = list(rows[0])
        values = itemgetter(*columns)
        await _copy(session, _imported, columns, [values(row) for row in rows])
    else:
        await bulk_insert(session, _imported, rows, oids=False)
