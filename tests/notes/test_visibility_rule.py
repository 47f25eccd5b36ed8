"""The visibility rule is written once as SQL (`view_rows.visible`, for requests) and once as a Python
predicate (`view_rows.can_see`, for workers deciding whom an event may reach): they must agree."""

from __future__ import annotations

import itertools

from sqlalchemy import func, select

from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.notes import repository, view_rows
from contactnotes.notes import service as notes
from contactnotes.notes.schemas import NoteCreate
from tests.factories import World


async def test_the_sql_rule_and_the_python_predicate_agree_on_every_combination(
    world: World, database: Database
) -> None:
    ids = {}
    async with unit_of_work(database) as session:
        for private, deleted in itertools.product([False, True], repeat=2):
            view = await notes.create_note(
                session, world.alice.principal, NoteCreate(contact=world.contact.id, body="x", is_private=private)
            )
            if deleted:
                await notes.delete_note(session, world.alice.principal, view.id)
            ids[private, deleted] = view.id
    # author, teammate, admin, another organization's user, and nobody in particular (a webhook receiver)
    people = (world.alice, world.bob, world.ada, world.carol)
    readers: list[tuple[int, int | None]] = [(p.org.id, p.user.id) for p in people] + [(world.acme.id, None)]

    seen = {}
    async with unit_of_work(database) as session:
        rows = {row.id: row for row in await repository.access_of(session, list(ids.values()))}
        for (state, note_id), (org_id, user_id) in itertools.product(ids.items(), readers):
            in_sql = await session.scalar(
                select(func.count())
                .select_from(view_rows.notes)
                .where(view_rows.notes.c.id == note_id, view_rows.visible(org_id, user_id))
            )
            in_python = view_rows.can_see(rows[note_id], org_id, user_id)
            assert bool(in_sql) == in_python, (state, org_id, user_id)
            seen[state, user_id] = in_python

    # and the rule is the documented one
    alice, bob, ada = world.alice.user.id, world.bob.user.id, world.ada.user.id
    assert [who for who in (alice, bob, ada, None) if seen[(False, False), who]] == [alice, bob, ada, None]
    assert [who for who in (alice, bob, ada, None) if seen[(True, False), who]] == [alice]
    assert not any(seen[(private, True), who] for private in (False, True) for who in (alice, bob, ada, None))
    assert not any(seen[state, world.carol.user.id] for state in ids)
