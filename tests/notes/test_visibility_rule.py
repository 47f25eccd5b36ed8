"""The visibility rule is written once as SQL (`visibility.visible`, for requests) and once as a Python
predicate (`visibility.can_see`, for workers deciding whom an event may reach): they must agree. And an
event reaches a reader only if its note was visible to them when it happened and is still visible now."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from contactnotes import visibility
from contactnotes.contacts.schemas import ContactSummary
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.jobs.events import EventType
from contactnotes.notes import repository, view_rows
from contactnotes.notes import service as notes
from contactnotes.notes.events import LoadedEvent
from contactnotes.notes.schemas import NoteCreate, NoteView
from contactnotes.notes.snapshots import EventSnapshot
from contactnotes.users.schemas import UserSummary
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
                .where(view_rows.notes.c.id == note_id, visibility.visible(org_id, user_id))
            )
            in_python = visibility.can_see(rows[note_id], org_id, user_id)
            assert bool(in_sql) == in_python, (state, org_id, user_id)
            seen[state, user_id] = in_python

    # and the rule is the documented one
    alice, bob, ada = world.alice.user.id, world.bob.user.id, world.ada.user.id
    assert [who for who in (alice, bob, ada, None) if seen[(False, False), who]] == [alice, bob, ada, None]
    assert [who for who in (alice, bob, ada, None) if seen[(True, False), who]] == [alice]
    assert not any(seen[(private, True), who] for private in (False, True) for who in (alice, bob, ada, None))
    assert not any(seen[state, world.carol.user.id] for state in ids)


ORG, OTHER_ORG, AUTHOR, TEAMMATE = 1, 2, 10, 11
NOW = datetime(2026, 11, 29, tzinfo=UTC)


def _event(event_type: EventType, *, private_then: bool, private_now: bool, deleted_now: bool) -> LoadedEvent:
    author = UserSummary(AUTHOR, "a" * 24, "Alice", "alice@example.com", None)
    announced = NoteView(
        id=5, oid="b" * 24, contact=ContactSummary(3, "c" * 24, "Jordan", None), author=author, modified_by=author,
        body="what it said", type="General", important=False, is_private=private_then, time_spent_minutes=None,
        note_date=NOW, created_at=NOW, updated_at=NOW, is_edited=False, mentions=[], attachments=[], reactions=[],
    )  # fmt: skip
    now = SimpleNamespace(org_id=ORG, author_id=AUTHOR, is_private=private_now, deleted_at=NOW if deleted_now else None)
    return LoadedEvent(
        id=1, event_id="e", type=event_type.value, org_id=ORG, occurred_at=NOW, state=EventSnapshot(note=announced),
        note_id=5, recipient_id=None, note_now=now,
    )  # fmt: skip


READERS = {"author": (ORG, AUTHOR), "teammate": (ORG, TEAMMATE), "receiver": (ORG, None), "outsider": (OTHER_ORG, 99)}


@pytest.mark.parametrize(
    ("event_type", "private_then", "private_now", "deleted_now", "told"),
    [
        (EventType.NOTE_CREATED, False, False, False, {"author", "teammate", "receiver"}),
        (EventType.NOTE_CREATED, False, False, True, set()),  # deleted since: nobody
        (EventType.NOTE_CREATED, False, True, False, {"author"}),  # made private since
        (EventType.NOTE_UPDATED, True, False, False, {"author"}),  # said while private, public only later
        (EventType.NOTE_DELETED, False, False, True, {"author", "teammate", "receiver"}),
        (EventType.NOTE_DELETED, True, True, True, {"author"}),
    ],
)
def test_an_event_reaches_whoever_could_see_its_note_then_and_can_now(
    event_type: EventType, private_then: bool, private_now: bool, deleted_now: bool, told: set[str]
) -> None:
    event = _event(event_type, private_then=private_then, private_now=private_now, deleted_now=deleted_now)
    assert {name for name, (org_id, user_id) in READERS.items() if event.visible_to(org_id, user_id)} == told
