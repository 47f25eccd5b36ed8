"""The indexes do the work: a search is answered from the full-text index, and Virtuous's Note Contains from
the trigram index on PostgreSQL (same LIKE, same answer), never by reading every note."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.db.engine import Database
from contactnotes.models import Note
from contactnotes.notes import query as notes_query
from contactnotes.notes.query import Test as Condition
from contactnotes.search import common_words, repository, repository_postgresql, repository_sqlite
from contactnotes.search.query import parse
from contactnotes.search.schemas import Resolved
from tests.factories import World

NO_FILTERS = Resolved(None, [], None, False, False, False, None, None, None)


async def plan_of(database: Database, statement: Any) -> str:
    dialect = sqlite.dialect() if database.is_sqlite else postgresql.dialect()
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    async with database.engine.connect() as connection:
        if database.is_sqlite:
            return " ".join(str(r) for r in await connection.execute(text("EXPLAIN QUERY PLAN " + sql)))
        await connection.execute(text("SET enable_seqscan = off"))
        return " ".join(str(r) for r in await connection.execute(text("EXPLAIN " + sql)))


async def many_notes(database: Database, world: World) -> None:
    """20,000 notes of common words, so that the planner weighs its choices as it would on real data."""
    alice = world.alice.user.id
    async with database.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO notes (oid, org_id, contact_id, author_id, modified_by_id, body, type, important, "
                "is_private, note_date, created_at, updated_at, is_edited) "
                "SELECT lpad(to_hex(n), 24, '0'), :org, :contact, :alice, :alice, 'called about the invoice', "
                "'General', false, false, now() - n * interval '1 minute', now(), now(), false "
                "FROM generate_series(1, 20000) AS n"
            ),
            {"org": world.acme.id, "contact": world.contact.id, "alice": alice},
        )
        await connection.execute(text("ANALYZE notes"))


async def test_a_search_is_answered_from_the_full_text_index(database: Database, world: World) -> None:
    parsed = parse('zanzibar "tax return" -draft')
    if database.is_sqlite:
        matching = repository_sqlite.conditions(parsed)
        statement = repository.newest_first(world.alice.principal, NO_FILTERS, matching, limit=25, after=None)
    else:  # step 2 of PostgresIndex.find: the GIN index lists the matches
        compiled = repository_postgresql.tsquery(parsed)
        assert compiled == "('zanzibar':*) & (('tax' <-> 'return')) & !'draft':*"
        statement = repository_postgresql.match_ids(world.alice.principal, compiled)
        await many_notes(database, world)
    plan = await plan_of(database, statement)
    assert ("notes_fts VIRTUAL TABLE INDEX" in plan) if database.is_sqlite else ("ix_notes_search" in plan), plan


async def test_listed_matches_are_read_by_primary_key(database: Database, world: World) -> None:
    if database.is_sqlite:
        pytest.skip("the steps are PostgreSQL's (SQLite's FTS5 query is one statement)")
    await many_notes(database, world)
    condition = repository_postgresql.among([1, 2, 3])
    statement = repository.newest_first(world.alice.principal, NO_FILTERS, [condition], limit=25, after=None)
    dialect = postgresql.dialect()
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    async with database.engine.connect() as connection:
        plan = " ".join(str(r) for r in await connection.execute(text("EXPLAIN " + sql)))
    assert "pk_notes" in plan and "Seq Scan" not in plan, plan


async def test_virtuous_note_contains_uses_the_trigram_index_on_postgresql(database: Database, world: World) -> None:
    if database.is_sqlite:
        pytest.skip("SQLite has no trigram index: Contains scans the notes there (docs/search.md)")
    await many_notes(database, world)
    condition = notes_query.where(
        world.alice.principal, [[[Condition("body", "contains", ("zanzibar",))]]], "postgresql"
    )
    plan = await plan_of(database, select(Note.id).where(condition))
    assert "ix_notes_body_trgm" in plan, plan


async def test_the_gin_probe_is_never_planned_as_a_scan_of_every_note(
    database: Database, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With statistics and the planner free to choose: the guess for a prefix outside the common words (2% of
    the rows) made `LIMIT 5001` look cheaper read in table order than asked of the index (1.6 s at 1M notes,
    where 5,001 is a quarter of the guess; here a limit of 11 is that against 20,000 notes)."""
    if database.is_sqlite:
        pytest.skip("the steps are PostgreSQL's (SQLite's FTS5 query is one statement)")
    monkeypatch.setattr(repository_postgresql, "MAX_MATCHES", 10)
    await many_notes(database, world)
    compiled = repository_postgresql.tsquery(parse("zanzibar"))
    assert compiled is not None
    statement = repository_postgresql.match_ids(world.alice.principal, compiled)
    sql = str(statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    async with database.engine.connect() as connection:
        plan = " ".join(str(r) for r in await connection.execute(text("EXPLAIN " + sql)))
    assert "ix_notes_search" in plan and "Seq Scan" not in plan, plan


async def test_analyze_tells_the_common_words(
    database: Database, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    if database.is_sqlite:
        pytest.skip("PostgreSQL's statistics")
    monkeypatch.setattr(common_words, "_known", {})  # what an earlier test's search read, before ANALYZE
    await many_notes(database, world)  # every note says "called about the invoice"
    async with database.engine.connect() as connection, AsyncSession(connection) as session:
        assert await common_words.is_rare(session, parse("invoice")) is False
        assert await common_words.is_rare(session, parse("zanzibar")) is True
