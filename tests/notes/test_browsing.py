"""Browsing notes as the web app does: contacts by name a keyset page at a time, filtered timelines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contactnotes.contacts import service as contacts
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.notes import browsing
from contactnotes.notes import service as notes
from contactnotes.notes.schemas import NoteCreate, TimelineFilter
from tests.factories import World


async def test_contact_pages_walk_every_contact_once_in_name_order(database: Database, world: World) -> None:
    async with unit_of_work(database) as session:
        for index in range(61):
            # Equal names on purpose: the keyset must break ties by id.
            await contacts.create_contact(session, world.acme.id, display_name=f"Person {index % 20:02d}")
    seen: list[tuple[str, int]] = []
    cursor = None
    async with unit_of_work(database) as session:
        while True:
            page = await browsing.contacts_page(session, world.alice.principal, search=None, limit=25, cursor=cursor)
            seen += [(item.contact.display_name, item.contact.id) for item in page.items]
            cursor = page.next_cursor
            if cursor is None:
                break
        searched = await browsing.contacts_page(session, world.alice.principal, search="person 07", limit=25)
    assert len(seen) == 61 + 2  # and Acme's two contacts of the world; never Globex's
    assert seen == sorted(seen) and len(set(seen)) == len(seen)
    assert [item.contact.display_name for item in searched.items] == ["Person 07"] * 3


async def test_counts_and_last_dates_are_what_the_reader_may_see(database: Database, world: World) -> None:
    old, new = datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC)
    async with unit_of_work(database) as session:
        for who, date, private in ((world.bob, old, False), (world.alice, new, True)):
            await notes.create_note(
                session, who.principal, NoteCreate(world.contact.oid, "x", note_date=date, is_private=private)
            )
    async with unit_of_work(database) as session:
        as_alice = await browsing.contacts_page(session, world.alice.principal, search="jordan", limit=5)
        as_bob = await browsing.contacts_page(session, world.bob.principal, search="jordan", limit=5)
    assert (as_alice.items[0].note_count, as_alice.items[0].last_note_at) == (2, new)
    assert (as_bob.items[0].note_count, as_bob.items[0].last_note_at) == (1, old)  # Alice's private one is hers


async def test_a_filtered_timeline_pages_by_cursor(database: Database, world: World) -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    async with unit_of_work(database) as session:
        for day in range(30):
            who = world.alice if day % 3 == 0 else world.bob
            date = start + timedelta(days=day)
            data = NoteCreate(world.contact.oid, f"day {day}", note_date=date, important=day < 10)
            await notes.create_note(session, who.principal, data)
    wanted = TimelineFilter(author=world.alice.oid, date_from=start + timedelta(days=3))
    found: list[str] = []
    cursor = None
    async with unit_of_work(database) as session:
        while True:
            page = await browsing.timeline(
                session, world.bob.principal, world.contact.oid, wanted, limit=4, cursor=cursor
            )
            found += [note.body for note in page.items]
            cursor = page.next_cursor
            if cursor is None:
                break
        important = await browsing.timeline(
            session, world.bob.principal, world.contact.oid, TimelineFilter(important=True, type="General"), limit=50
        )
        nobody = await browsing.timeline(
            session, world.bob.principal, world.contact.oid, TimelineFilter(author=world.carol.oid), limit=50
        )
    assert found == [f"day {d}" for d in range(27, 2, -3)]  # Alice's, from day 3 on, newest first
    assert len(important.items) == 10 and nobody.items == []
