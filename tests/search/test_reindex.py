"""`contactnotes search reindex`: the index rebuilt from the notes (after a restore without it, say) and the
text of files attached before any extraction ran."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import text
from typer.testing import CliRunner

from contactnotes.cli import app as cli
from contactnotes.db.engine import Database
from contactnotes.settings import Settings, get_settings
from tests.factories import World
from tests.search.documents import docx, pdf
from tests.search.helpers import bodies, write
from tests.search.test_file_text import attach


async def wipe_index(database: Database) -> None:
    async with database.engine.begin() as connection:
        if database.is_sqlite:
            await connection.execute(text("DELETE FROM notes_fts"))
        else:
            await connection.execute(text("UPDATE notes SET search_vector = NULL"))


def reindex(settings: Settings, *args: str) -> str:
    env = {"CONTACTNOTES_DATABASE_URL": settings.database_url, "CONTACTNOTES_VAR_DIR": str(settings.var_dir)}
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["search", "reindex", *args], env=env)
    get_settings.cache_clear()
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return result.stdout


async def test_reindex_rebuilds_the_index_and_extracts_files_never_read(
    client: httpx.AsyncClient, database: Database, world: World, settings: Settings
) -> None:
    alice = world.alice.principal
    for i in range(3):
        await write(database, alice, world.contact.id, f"quarterly estimate {i}")
    await attach(client, world, "the engagement letter", ("engagement.docx", docx("scope of the audit")))
    await attach(client, world, "a damaged scan", ("scan.pdf", pdf("lost")[:-200] + b"garbage" * 30))
    await wipe_index(database)
    assert await bodies(database, alice, "quarterly") == []

    out = await asyncio.to_thread(reindex, settings)  # the command runs its own event loop
    assert out.strip() == "reindexed 5 notes; extracted the text of 2 files"
    assert len(await bodies(database, alice, "quarterly")) == 3
    assert await bodies(database, alice, "audit scope") == ["the engagement letter"]
    again = await asyncio.to_thread(reindex, settings)
    assert again.strip() == "reindexed 5 notes; extracted the text of 0 files"  # nothing left to read
    # The damaged file was recorded as unreadable; --retry-failed reads it again (and records it again).
    retried = await asyncio.to_thread(reindex, settings, "--retry-failed")
    assert retried.strip() == "reindexed 5 notes; extracted the text of 1 files"
