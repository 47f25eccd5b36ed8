"""`contactnotes cleanup`: never-attached uploads after 24 hours, and the files of deleted notes."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update

from contactnotes.attachments.cleanup import ORPHAN_GRACE, cleanup
from contactnotes.attachments.files import Files
from contactnotes.attachments.schemas import CleanupReport
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.kit.clock import utc_now
from contactnotes.models import Upload
from contactnotes.notes import service as notes
from contactnotes.settings import Settings
from tests.attachments.conftest import stored_keys
from tests.attachments.helpers import as_attachment, create_note, upload_pdf
from tests.factories import World


async def upload_keys(database: Database) -> set[str]:
    async with unit_of_work(database) as session:
        return set(await session.scalars(select(Upload.key)))


class TestCleanup:
    async def test_uploads_never_attached_go_after_24_hours_and_attached_ones_stay(
        self, client: httpx.AsyncClient, world: World, database: Database, files: Files
    ) -> None:
        fresh = await upload_pdf(client, world.alice, "fresh.pdf")
        attached = await upload_pdf(client, world.alice, "attached.pdf")
        assert (await create_note(client, world.alice, world.contact.oid, [as_attachment(attached)])).status_code == 201

        # A day later the never-attached upload is stale; the one on a live note is not.
        assert await cleanup(database, files, now=utc_now() + timedelta(hours=23)) == CleanupReport(0, 0)
        report = await cleanup(database, files, now=utc_now() + timedelta(hours=24, minutes=1))

        assert (report.unattached, report.orphaned) == (1, 0)
        assert await upload_keys(database) == {attached["key"]}
        assert await stored_keys(files) == [attached["key"]]
        assert fresh["key"] not in await stored_keys(files)

    async def test_files_of_deleted_notes_go(
        self, client: httpx.AsyncClient, world: World, database: Database, files: Files
    ) -> None:
        gone = await upload_pdf(client, world.alice, "gone.pdf")
        kept = await upload_pdf(client, world.alice, "kept.pdf")
        deleted = (await create_note(client, world.alice, world.contact.oid, [as_attachment(gone)])).json()["data"]
        await create_note(client, world.alice, world.contact.oid, [as_attachment(kept)])
        async with unit_of_work(database) as session:
            await notes.delete_note(session, world.alice.principal, deleted["_id"])

        report = await cleanup(database, files, now=utc_now() + ORPHAN_GRACE + timedelta(minutes=1))

        assert (report.unattached, report.orphaned) == (0, 1)
        assert await upload_keys(database) == {kept["key"]}
        assert await stored_keys(files) == [kept["key"]]

    async def test_a_file_attached_again_just_now_is_kept(
        self, client: httpx.AsyncClient, world: World, database: Database, files: Files
    ) -> None:
        uploaded = await upload_pdf(client, world.alice)
        note = (await create_note(client, world.alice, world.contact.oid, [as_attachment(uploaded)])).json()["data"]
        edit = f"/api/contact-notes/{note['_id']}"
        dropped = await client.patch(edit, json={"attachments": []}, headers=world.alice.headers)
        assert dropped.status_code == 200, dropped.text
        async with unit_of_work(database) as session:
            # The first attach was long ago ...
            await session.execute(update(Upload).values(attached_at=utc_now() - timedelta(days=3)))
        # ... and its note takes it back now: the clean-up must not take it.
        back = await client.patch(edit, json={"attachments": [as_attachment(uploaded)]}, headers=world.alice.headers)
        assert back.status_code == 200, back.text
        assert await cleanup(database, files, now=utc_now() + timedelta(minutes=1)) == CleanupReport(0, 0)
        assert await stored_keys(files) == [uploaded["key"]]


class TestCommand:
    async def test_contactnotes_cleanup_runs_against_the_configured_database(
        self, client: httpx.AsyncClient, world: World, database: Database, files: Files, settings: Settings,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:  # fmt: skip
        import asyncio

        from typer.testing import CliRunner

        from contactnotes import cli
        from contactnotes import settings as settings_module

        await upload_pdf(client, world.alice)
        async with unit_of_work(database) as session:
            await session.execute(update(Upload).values(created_at=utc_now() - timedelta(days=2)))
        monkeypatch.setattr(settings_module, "get_settings", lambda: settings)
        monkeypatch.setattr(cli, "get_settings", lambda: settings)

        # The command runs its own event loop, so it runs in a thread beside this test's loop.
        result = await asyncio.to_thread(CliRunner().invoke, cli.app, ["cleanup"])

        assert result.exit_code == 0, result.output
        assert "removed 1 never-attached uploads and 0 files of deleted notes" in result.output
        assert await stored_keys(files) == []
