"""Each operator of the query language, on both databases, through the search service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from contactnotes.db.engine import Database
from contactnotes.search import common_words, repository, repository_postgresql
from tests.factories import World
from tests.search.helpers import bodies, find, write

DAY = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


async def test_every_word_must_match_and_each_is_a_prefix(database: Database, world: World) -> None:
    alice = world.alice.principal
    await write(database, alice, world.contact.id, "Please review the W2 with Jordan", note_date=DAY)
    await write(database, alice, world.contact.id, "Review of the budget", note_date=DAY + timedelta(hours=1))
    await write(database, alice, world.contact.id, "Nothing to see", note_date=DAY + timedelta(hours=2))

    assert await bodies(database, alice, "revi") == ["Review of the budget", "Please review the W2 with Jordan"]
    assert await bodies(database, alice, "review w2") == ["Please review the W2 with Jordan"]
    assert await bodies(database, alice, "review w2 budget") == []
    assert await bodies(database, alice, "eview") == []  # a prefix, not any substring


async def test_exact_phrase_exclusion_and_or(database: Database, world: World) -> None:
    alice = world.alice.principal
    await write(database, alice, world.contact.id, "signed the tax return today", note_date=DAY)
    await write(database, alice, world.contact.id, "return the tax forms", note_date=DAY + timedelta(hours=1))
    await write(database, alice, world.contact.id, "draft of the 1099", note_date=DAY + timedelta(hours=2))

    assert await bodies(database, alice, '"tax return"') == ["signed the tax return today"]
    assert await bodies(database, alice, '"tax retur"') == []  # a phrase is exact: no prefix
    assert await bodies(database, alice, "tax -signed") == ["return the tax forms"]
    assert await bodies(database, alice, 'tax -"tax return"') == ["return the tax forms"]
    assert await bodies(database, alice, "signed OR 1099") == ["draft of the 1099", "signed the tax return today"]
    assert await bodies(database, alice, "forms OR 1099 -draft") == ["return the tax forms"]
    assert await bodies(database, alice, "-tax") == ["draft of the 1099"]


async def test_filters(database: Database, world: World) -> None:
    alice, bob = world.alice.principal, world.bob.principal
    await write(database, alice, world.contact.id, "call about payroll", type="Call", note_date=DAY)
    await write(
        database, bob, world.other_contact.id, "payroll deadline @alice", important=True,
        mentions=[world.alice.oid], note_date=DAY + timedelta(days=20),
    )  # fmt: skip
    await write(
        database, alice, world.contact.id, "payroll, privately", is_private=True, note_date=DAY - timedelta(days=20)
    )

    assert await bodies(database, alice, "payroll author:@bob") == ["payroll deadline @alice"]
    assert await bodies(database, alice, "payroll author:me") == ["call about payroll", "payroll, privately"]
    assert await bodies(database, alice, "payroll author:@nobody") == []
    assert await bodies(database, alice, "type:call") == ["call about payroll"]
    assert await bodies(database, alice, f"payroll contact:{world.other_contact.oid}") == ["payroll deadline @alice"]
    assert await bodies(database, alice, f"contact:{world.contact.id}") == ["call about payroll", "payroll, privately"]
    assert await bodies(database, alice, "is:important") == ["payroll deadline @alice"]
    assert await bodies(database, alice, "is:private") == ["payroll, privately"]
    assert await bodies(database, bob, "is:private") == []  # own private notes only
    assert await bodies(database, alice, "mentions:me") == ["payroll deadline @alice"]
    assert await bodies(database, bob, "mentions:me") == []
    assert await bodies(database, alice, "payroll before:2026-01-15") == ["payroll, privately"]
    assert await bodies(database, alice, "payroll after:2026-01-15") == [
        "payroll deadline @alice",
        "call about payroll",
    ]
    assert await bodies(database, alice, "payroll after:2026-01-16 before:2026-02-28") == ["payroll deadline @alice"]
    assert await bodies(database, alice, "payroll", contact_id=world.contact.oid) == [
        "call about payroll",
        "payroll, privately",
    ]


async def test_malformed_queries_degrade_to_words(database: Database, world: World) -> None:
    alice = world.alice.principal
    await write(database, alice, world.contact.id, "before tomorrow, the meeting: bring notes", note_date=DAY)
    await write(database, alice, world.contact.id, "contact them or else", note_date=DAY + timedelta(hours=1))

    assert await bodies(database, alice, "before:tomorrow") == ["before tomorrow, the meeting: bring notes"]
    assert await bodies(database, alice, "meeting:bring") == ["before tomorrow, the meeting: bring notes"]
    await write(
        database, alice, world.contact.id, "due before 2026-02-30 (no such day)", note_date=DAY - timedelta(days=1)
    )
    assert await bodies(database, alice, "before:2026-02-30") == ["due before 2026-02-30 (no such day)"]
    assert await bodies(database, alice, 'bring "notes') == ["before tomorrow, the meeting: bring notes"]
    assert await bodies(database, alice, "contact:them") == ["contact them or else"]
    assert await bodies(database, alice, "else OR") == ["contact them or else"]
    for odd in ['"', "-", "OR", "((", "'; DROP TABLE notes; --", "*", "NEAR(a b)", "a:b:c", "\\", "🙂", '-""']:
        await find(database, alice, odd)  # never an error


async def test_pages_walk_every_hit_once(database: Database, world: World) -> None:
    alice = world.alice.principal
    for i in range(7):
        await write(database, alice, world.contact.id, f"renewal number {i}", note_date=DAY + timedelta(hours=i % 3))
    seen, cursor = [], None
    while True:
        page = await find(database, alice, "renewal", limit=3, cursor=cursor)
        seen += [hit.note.body for hit in page.items]
        if not (cursor := page.next_cursor):
            break
    assert sorted(seen) == sorted(f"renewal number {i}" for i in range(7)) and len(seen) == 7


async def test_best_match_first(database: Database, world: World) -> None:
    alice = world.alice.principal
    await write(database, alice, world.contact.id, "escrow " * 5 + "escrow account review", note_date=DAY)
    await write(
        database,
        alice,
        world.contact.id,
        "a long note " * 30 + "mentions escrow once",
        note_date=DAY + timedelta(hours=1),
    )
    await write(database, alice, world.contact.id, "escrow and the account", note_date=DAY + timedelta(hours=2))
    await write(database, alice, world.contact.id, "nothing relevant", note_date=DAY + timedelta(hours=3))

    newest = await bodies(database, alice, "escrow account")
    assert newest == ["escrow and the account", "escrow " * 5 + "escrow account review"]
    best = await bodies(database, alice, "escrow", order="relevance")
    assert best[0].startswith("escrow escrow") and best[-1].startswith("a long note")
    first = await find(database, alice, "escrow", order="relevance", limit=2)
    second = await find(database, alice, "escrow", order="relevance", limit=2, cursor=first.next_cursor)
    assert [h.note.body for h in first.items + second.items] == best and second.next_cursor is None


# What ANALYZE found common decides the first step: nothing known (the steps in order), nothing common (the
# GIN index first), every word common (never the GIN index). The answer is the same whichever it is.
STATISTICS = {"never analyzed": None, "no common word": (), "all common": ("common", "newest", "one", "rare", "two")}


@pytest.mark.parametrize("statistics", STATISTICS)
async def test_every_step_of_the_postgresql_plan_gives_the_same_answer(
    database: Database, world: World, monkeypatch: pytest.MonkeyPatch, statistics: str
) -> None:
    """Tiny bounds make each step answer in turn: the newest notes, the listed matches, the long walk."""
    monkeypatch.setattr(repository_postgresql, "WINDOW", 3)
    monkeypatch.setattr(repository_postgresql, "MAX_MATCHES", 4)

    async def common(session: object) -> tuple[str, ...] | None:
        return STATISTICS[statistics]

    monkeypatch.setattr(common_words, "_common", common)
    alice = world.alice.principal
    for i in range(6):
        await write(database, alice, world.contact.id, f"common {i}", note_date=DAY + timedelta(hours=i))
    await write(database, alice, world.contact.id, "rare one", note_date=DAY + timedelta(hours=7))
    await write(database, alice, world.contact.id, "rare two", note_date=DAY - timedelta(hours=1))
    for i in range(3):
        await write(database, alice, world.contact.id, f"newest {i}", note_date=DAY + timedelta(days=1, hours=i))

    assert await bodies(database, alice, "newest") == ["newest 2", "newest 1", "newest 0"]  # step 1
    assert await bodies(database, alice, "rare") == ["rare one", "rare two"]  # step 2
    assert await bodies(database, alice, "common") == [f"common {i}" for i in range(5, -1, -1)]  # step 3
    page = await find(database, alice, "common", limit=2)
    assert [h.note.body for h in page.items] == ["common 5", "common 4"]
    rest = await find(database, alice, "common", limit=10, cursor=page.next_cursor)
    assert [h.note.body for h in rest.items] == [f"common {i}" for i in range(3, -1, -1)]


async def test_a_search_among_fewer_notes_than_the_window_reads_them_once(
    database: Database, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A contact with fewer notes than the window: its newest notes are all of them, so a word in fewer notes
    than a page is answered from them, without asking the GIN index or walking the notes again."""
    if database.is_sqlite:
        pytest.skip("the steps are PostgreSQL's (SQLite's FTS5 query is one statement)")
    monkeypatch.setattr(repository_postgresql, "WINDOW", 5)
    alice = world.alice.principal
    for i in range(4):
        await write(database, alice, world.contact.id, f"alpha {i}" if i == 2 else f"beta {i}", note_date=DAY)

    async def unknown(session: object) -> None:
        return None

    def no_more_steps(*args: object, **kwargs: object) -> None:
        raise AssertionError("step 1 had read every note")

    monkeypatch.setattr(common_words, "_common", unknown)
    monkeypatch.setattr(repository_postgresql, "match_ids", no_more_steps)
    monkeypatch.setattr(repository, "run", no_more_steps)
    assert await bodies(database, alice, "alpha", contact_id=world.contact.id) == ["alpha 2"]
    assert await bodies(database, alice, "gamma") == []
