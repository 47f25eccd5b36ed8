"""Folding, CJK text, snippets and what a hit says it matched in; the index kept in step with edits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.notes import service as notes
from contactnotes.notes.schemas import NoteUpdate
from tests.factories import World
from tests.search.helpers import bodies, find, write

DAY = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


async def test_case_and_accents_fold(database: Database, world: World) -> None:
    alice = world.alice.principal
    await write(database, alice, world.contact.id, "Inscription à l'École Polytechnique", note_date=DAY)
    await write(database, alice, world.contact.id, "Café in Zürich, naïve plan", note_date=DAY + timedelta(hours=1))

    assert await bodies(database, alice, "ecole") == ["Inscription à l'École Polytechnique"]
    assert await bodies(database, alice, "ÉCOLE polytech") == ["Inscription à l'École Polytechnique"]
    assert await bodies(database, alice, "cafe zurich") == ["Café in Zürich, naïve plan"]
    assert await bodies(database, alice, '"naive plan"') == ["Café in Zürich, naïve plan"]


async def test_text_without_spaces_is_found(database: Database, world: World) -> None:
    alice = world.alice.principal
    await write(database, alice, world.contact.id, "明日の会議について確認しました", note_date=DAY)
    await write(database, alice, world.contact.id, "我们讨论了税务问题", note_date=DAY + timedelta(hours=1))

    assert await bodies(database, alice, "会議") == ["明日の会議について確認しました"]
    assert await bodies(database, alice, "税务") == ["我们讨论了税务问题"]
    assert await bodies(database, alice, "議会") == []  # the characters in that order only
    [hit] = (await find(database, alice, "会議")).items
    assert hit.snippet == "明日の<mark>会議</mark>について確認しました"


async def test_snippet_marks_the_words_and_escapes_the_rest(database: Database, world: World) -> None:
    alice = world.alice.principal
    body = "<script>alert(1)</script> & then we reviewed the W2 <b>carefully</b> " + "filler " * 60 + "end"
    await write(database, alice, world.contact.id, body, note_date=DAY)

    [hit] = (await find(database, alice, "review w2")).items
    assert hit.matched_in.field == "body"
    assert hit.snippet.startswith("&lt;script&gt;alert(1)&lt;/script&gt; &amp; then we <mark>reviewed</mark> the ")
    assert "<mark>W2</mark> &lt;b&gt;carefully&lt;/b&gt;" in hit.snippet
    assert hit.snippet.endswith("…") and "<script>" not in hit.snippet and "end" not in hit.snippet


async def test_snippet_of_a_long_note_starts_near_the_match(database: Database, world: World) -> None:
    alice = world.alice.principal
    await write(database, alice, world.contact.id, "filler " * 100 + "the referral came from Jordan", note_date=DAY)
    [hit] = (await find(database, alice, "referral")).items
    assert hit.snippet.startswith("…") and "<mark>referral</mark> came from Jordan" in hit.snippet
    assert len(hit.snippet) < 260


async def test_edits_and_deletes_are_searched_at_once(database: Database, world: World) -> None:
    alice = world.alice.principal
    oid = await write(database, alice, world.contact.id, "first draft about onboarding", note_date=DAY)
    async with unit_of_work(database) as session:
        await notes.update_note(session, alice, oid, NoteUpdate(body="final version about renewal"))
    assert await bodies(database, alice, "onboarding") == []
    assert await bodies(database, alice, "renewal") == ["final version about renewal"]
    async with unit_of_work(database) as session:
        await notes.delete_note(session, alice, oid)
    assert await bodies(database, alice, "renewal") == []


async def test_private_notes_are_found_by_their_author_only_and_never_across_organizations(
    database: Database, world: World
) -> None:
    alice, bob, ada, carol = (p.principal for p in (world.alice, world.bob, world.ada, world.carol))
    await write(database, alice, world.contact.id, "confidential salary talk", is_private=True, note_date=DAY)
    await write(database, bob, world.contact.id, "salary review, public", note_date=DAY + timedelta(hours=1))
    await write(database, carol, world.foreign_contact.id, "salary at Globex", note_date=DAY)

    assert await bodies(database, alice, "salary") == ["salary review, public", "confidential salary talk"]
    assert await bodies(database, bob, "salary") == ["salary review, public"]
    assert await bodies(database, ada, "salary") == ["salary review, public"]  # admins too
    assert await bodies(database, bob, "confidential") == []
    assert await bodies(database, carol, "salary") == ["salary at Globex"]
    assert await bodies(database, carol, f"salary contact:{world.contact.oid}") == []
