"""The one visibility rule: the SQL form and the predicate agree for every reader and every kind of note."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.kit.clock import utc_now
from contactnotes.models import Note
from contactnotes.notes import service
from contactnotes.notes.schemas import NoteCreate
from contactnotes.visibility import Reader, can_see, visible
from tests.factories import World


async def test_sql_and_predicate_agree_on_every_combination(database: Database, world: World) -> None:
    kinds = list(itertools.product([False, True], [False, True]))  # (private, deleted)
    async with unit_of_work(database) as session:
        for private, deleted in kinds:
            view = await service.create_note(
                session,
                world.alice.principal,
                NoteCreate(contact=world.contact.id, body=f"private={private} deleted={deleted}", is_private=private),
            )
            if deleted:
                note = await session.get(Note, view.id)
                assert note is not None
                note.deleted_at = utc_now()
    readers = {
        "author": Reader(world.acme.id, world.alice.user.id),
        "teammate": Reader(world.acme.id, world.bob.user.id),
        "admin": Reader(world.acme.id, world.ada.user.id),
        "organization": Reader(world.acme.id, None),
        "other organization": Reader(world.globex.id, world.carol.user.id),
    }
    expected = {
        "author": {"private=False deleted=False", "private=True deleted=False"},
        "teammate": {"private=False deleted=False"},
        "admin": {"private=False deleted=False"},
        "organization": {"private=False deleted=False"},
        "other organization": set(),
    }
    async with unit_of_work(database) as session:
        everything = list((await session.scalars(select(Note))).all())
        assert len(everything) == len(kinds)
        for name, reader in readers.items():
            by_sql = set((await session.scalars(select(Note.body).where(visible(reader.org_id, reader.user_id)))).all())
            by_predicate = {note.body for note in everything if can_see(reader, note)}
            assert by_sql == by_predicate == expected[name], name
