"""The notes core: a contact's timeline, privacy, cursors, and the index that keeps pages cheap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.dialects import postgresql, sqlite

from contactnotes.auth.principal import Principal
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.errors import Forbidden, Invalid, NotFound
from contactnotes.notes import service, view_rows
from contactnotes.notes.schemas import NoteCreate, NoteSort, NoteUpdate
from tests.factories import World

BASE = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def write(database: Database, who: Principal, contact: int | str, body: str, **fields: object) -> str:
    async with unit_of_work(database) as session:
        view = await service.create_note(session, who, NoteCreate(contact=contact, body=body, **fields))  # type: ignore[arg-type]
    return view.oid


async def page(database: Database, who: Principal, contact: int | str, **kwargs: object) -> service.NotePage:
    async with unit_of_work(database) as session:
        return await service.list_notes(session, who, contact, **kwargs)  # type: ignore[arg-type]


async def test_pages_by_offset_and_by_cursor_agree_newest_first(database: Database, world: World) -> None:
    alice = world.alice.principal
    for day in range(7):
        await write(database, alice, world.contact.id, f"day {day}", note_date=BASE + timedelta(days=day))
    await write(database, alice, world.other_contact.id, "another contact")

    first = await page(database, alice, world.contact.oid, limit=3)
    assert [n.body for n in first.items] == ["day 6", "day 5", "day 4"]
    assert first.total == 7 and first.next_cursor

    walked, cursor = [], None
    while True:
        result = await page(database, alice, world.contact.id, limit=3, cursor=cursor)
        walked += [n.body for n in result.items]
        if not (cursor := result.next_cursor):
            break
    offsets = [
        n.body for o in (0, 3, 6) for n in (await page(database, alice, world.contact.id, limit=3, offset=o)).items
    ]
    assert walked == offsets == [f"day {d}" for d in range(6, -1, -1)]

    oldest_first = await page(database, alice, world.contact.id, limit=2, descending=False, sort=NoteSort.NOTE_DATE)
    assert [n.body for n in oldest_first.items] == ["day 0", "day 1"]


async def test_notes_with_the_same_date_are_neither_skipped_nor_repeated(database: Database, world: World) -> None:
    for i in range(5):
        await write(database, world.alice.principal, world.contact.id, f"same {i}", note_date=BASE)
    seen, cursor = [], None
    while True:
        result = await page(database, world.alice.principal, world.contact.id, limit=2, cursor=cursor)
        seen += [n.body for n in result.items]
        if not (cursor := result.next_cursor):
            break
    assert sorted(seen) == [f"same {i}" for i in range(5)] and len(seen) == 5


async def test_a_private_note_exists_for_its_author_only(database: Database, world: World) -> None:
    secret = await write(database, world.alice.principal, world.contact.id, "private", is_private=True)
    await write(database, world.alice.principal, world.contact.id, "public")

    assert (await page(database, world.alice.principal, world.contact.id, limit=10)).total == 2
    for viewer in (world.bob.principal, world.ada.principal):  # a teammate, and even an admin
        result = await page(database, viewer, world.contact.id, limit=10)
        assert [n.body for n in result.items] == ["public"] and result.total == 1
        async with unit_of_work(database) as session:
            with pytest.raises(NotFound):
                await service.get_note(session, viewer, secret)


async def test_another_organization_sees_nothing(database: Database, world: World) -> None:
    note = await write(database, world.alice.principal, world.contact.id, "acme only")
    async with unit_of_work(database) as session:
        with pytest.raises(NotFound):
            await service.get_note(session, world.carol.principal, note)
        with pytest.raises(NotFound):
            await service.list_notes(session, world.carol.principal, world.contact.id, limit=10)
        with pytest.raises(NotFound):
            await service.update_note(session, world.carol.principal, note, NoteUpdate(body="x"))
        with pytest.raises(NotFound):
            await service.delete_note(session, world.carol.principal, note)


async def test_edit_rights_delete_rights_and_deletion(database: Database, world: World) -> None:
    note = await write(database, world.alice.principal, world.contact.id, "v1")
    async with unit_of_work(database) as session:
        with pytest.raises(Forbidden):
            await service.update_note(session, world.bob.principal, note, NoteUpdate(body="bob was here"))
        with pytest.raises(Forbidden):
            await service.delete_note(session, world.bob.principal, note)
    async with unit_of_work(database) as session:
        view, added = await service.update_note(session, world.alice.principal, note, NoteUpdate(body="v2 @bob"))
        assert view.is_edited and view.body == "v2 @bob" and added == [world.bob.user.id]
        assert view.updated_at >= view.created_at
    async with unit_of_work(database) as session:
        await service.delete_note(session, world.ada.principal, note)  # an admin may delete a teammate's note
    async with unit_of_work(database) as session:
        with pytest.raises(NotFound):
            await service.get_note(session, world.alice.principal, note)
    assert (await page(database, world.alice.principal, world.contact.id, limit=10)).total == 0


async def test_reactions_toggle_and_group_in_order_of_first_reaction(database: Database, world: World) -> None:
    note = await write(database, world.alice.principal, world.contact.id, "react to me")

    async def toggle(who: Principal, emoji: str) -> list[tuple[str, list[str], int]]:
        async with unit_of_work(database) as session:
            view = await service.toggle_reaction(session, who, note, emoji)
        return [(r.emoji, r.user_oids, r.count) for r in view.reactions]

    await toggle(world.bob.principal, "👍")
    await toggle(world.alice.principal, "🎉")
    assert await toggle(world.alice.principal, "👍") == [
        ("👍", [world.bob.oid, world.alice.oid], 2),
        ("🎉", [world.alice.oid], 1),
    ]
    # Bob's was the first 👍; without it, the earliest reaction still standing is Alice's 🎉.
    assert await toggle(world.bob.principal, "👍") == [("🎉", [world.alice.oid], 1), ("👍", [world.alice.oid], 1)]
    family = "👨‍👩‍👧"  # one grapheme of several code points
    assert (family, [world.bob.oid], 1) in await toggle(world.bob.principal, family)
    for bad in ["", "ab", "👍👍", ":)"]:
        async with unit_of_work(database) as session:
            with pytest.raises(Invalid):
                await service.toggle_reaction(session, world.bob.principal, note, bad)


async def test_datetimes_come_back_aware_utc(database: Database, world: World) -> None:
    # 18:30 in New York's winter is 23:30 UTC: stored and returned as that instant, in UTC.
    local = datetime(2025, 12, 31, 18, 30, tzinfo=timezone(timedelta(hours=-5)))
    oid = await write(database, world.alice.principal, world.contact.id, "tz", note_date=local)
    async with unit_of_work(database) as session:
        view = await service.get_note(session, world.alice.principal, oid)
    assert view.note_date == local
    assert view.note_date.utcoffset() == timedelta(0) and view.note_date.hour == 23
    assert view.created_at.utcoffset() == timedelta(0)


def _sorted_only_linked_notes(plan: list[str]) -> bool:
    """True when every sort in an indented plan (PostgreSQL's EXPLAIN) sorts what note_contacts found: the
    notes linked to the contact besides their primary one, never the walk of ix_notes_timeline."""
    sorts = [i for i, line in enumerate(plan) if "Sort" in line and "Merge Append" not in line]
    return all(not any("ix_notes_timeline" in line for line in _subtree(plan, i)) for i in sorts)


def _subtree(plan: list[str], at: int) -> list[str]:
    depth = len(plan[at]) - len(plan[at].lstrip())
    found = []
    for line in plan[at + 1 :]:
        if len(line) - len(line.lstrip()) <= depth:
            break
        found.append(line)
    return found


async def test_the_timeline_page_is_served_by_its_index(database: Database, world: World) -> None:
    """A page costs an index range scan in order, at any history length: no sort of the contact's notes, no
    table scan. Notes linked to the contact besides their primary one come from their own index, and only
    they are sorted before the two are merged."""
    principal = world.alice.principal
    params = {"org_id": principal.org_id, "user_id": principal.user_id, "contact_id": world.contact.id}
    page = {"limit": 25, "offset": 0, "branch_limit": 25}
    statement = view_rows.timeline_ids(NoteSort.NOTE_DATE, True, False, False).params(**params, **page)
    async with database.engine.connect() as connection:
        if database.is_sqlite:
            sql = str(statement.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
            rows = [tuple(r) for r in await connection.execute(text("EXPLAIN QUERY PLAN " + sql))]
            plan = " ".join(str(r) for r in rows)
            walk = [r for r in rows if "COVERING INDEX ix_notes_timeline (org_id=? AND contact_id=?)" in r[3]]
            assert walk and "ix_note_contacts_linked (contact_id=? AND is_primary=?)" in plan, plan
            # The walk's branch reads in index order: no sort beside it (the merge above re-sorts at most
            # `limit` rows of each branch; the linked notes' branch sorts what it found).
            assert not [r for r in rows if r[1] == walk[0][1] and "TEMP B-TREE" in r[3]], plan
        else:
            # Notes over two contacts, analyzed: on an empty table the organization-wide date index of search
            # (ix_notes_org_date) costs the same as the timeline's, and the planner may take either.
            await connection.execute(
                text(
                    "INSERT INTO notes (oid, org_id, contact_id, author_id, modified_by_id, body, type, important, "
                    "is_private, note_date, created_at, updated_at, is_edited) "
                    "SELECT lpad(to_hex(n), 24, '0'), :org, "
                    "CASE WHEN n % 2 = 0 THEN CAST(:one AS bigint) ELSE CAST(:two AS bigint) END, :author, "
                    ":author, 'x', 'General', false, false, now() - n * interval '1 minute', now(), now(), false "
                    "FROM generate_series(1, 2000) AS n"
                ),
                {
                    "org": principal.org_id,
                    "one": world.contact.id,
                    "two": world.other_contact.id,
                    "author": principal.user_id,
                },
            )
            await connection.execute(text("ANALYZE notes"))
            sql = str(statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
            await connection.execute(text("SET enable_seqscan = off"))
            lines = [str(r[0]) for r in await connection.execute(text("EXPLAIN " + sql))]
            plan = "\n".join(lines)
            assert "ix_notes_timeline" in plan, plan
            assert _sorted_only_linked_notes(lines), plan


async def test_totals_follow_every_change_that_moves_a_note_in_or_out_of_view(database: Database, world: World) -> None:
    """The total comes from counters kept by triggers; after each change it must equal a plain COUNT of
    what each viewer can see, for the whole timeline and for important notes only."""
    alice, bob = world.alice.principal, world.bob.principal

    visible = text(
        "SELECT count(*) FROM notes WHERE contact_id = :c AND org_id = :o AND deleted_at IS NULL"
        " AND (NOT is_private OR author_id = :u) AND (important OR NOT :important_only)"
    )

    async def counted(who: Principal, important_only: bool) -> int:
        params = {"c": world.contact.id, "o": who.org_id, "u": who.user_id, "important_only": important_only}
        async with database.engine.connect() as connection:
            return int((await connection.execute(visible, params)).scalar_one())

    async def check() -> None:
        for who in (alice, bob):
            for important_only in (False, True):
                shown = await page(database, who, world.contact.id, limit=1, important_only=important_only)
                assert shown.total == await counted(who, important_only), (who.full_name, important_only)

    public = await write(database, alice, world.contact.id, "public")
    important = await write(database, alice, world.contact.id, "important", important=True)
    secret = await write(database, alice, world.contact.id, "secret", is_private=True, important=True)
    await write(database, bob, world.contact.id, "bob's")
    await write(database, alice, world.other_contact.id, "elsewhere")
    await check()

    async def edit(oid: str, **fields: object) -> None:
        async with unit_of_work(database) as session:
            await service.update_note(session, alice, oid, NoteUpdate(**fields))  # type: ignore[arg-type]

    await edit(secret, is_private=False)  # out of alice's private count, into the public counter
    await check()
    await edit(public, important=True)
    await edit(important, important=False, is_private=True)
    await check()
    async with unit_of_work(database) as session:
        await service.delete_note(session, alice, public)
    await check()
    assert (await page(database, bob, world.contact.id, limit=1)).total == 2  # bob's own and the former secret


async def test_an_offset_past_32_bits_is_an_empty_page(database: Database, world: World) -> None:
    """Virtuous's skip goes up to 2^63 - 1: the offset is bound as a 64-bit integer (it was 500 on PostgreSQL)."""
    await write(database, world.alice.principal, world.contact.id, "one note")
    result = await page(database, world.alice.principal, world.contact.id, limit=10, offset=7_883_755_603)
    assert result.items == [] and result.total == 1
