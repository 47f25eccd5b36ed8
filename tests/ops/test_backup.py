"""Backup while a live server takes concurrent creates; restore; every note acknowledged before the backup
began is there, and so are the files of local storage."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
from sqlalchemy import select, text

from contactnotes.db.engine import Database
from contactnotes.db.migrate import head_revision
from contactnotes.db.uow import unit_of_work
from contactnotes.models import Note
from contactnotes.settings import Settings
from tests.attachments.helpers import as_attachment, upload_pdf
from tests.conftest import PG_ADMIN_URL, sqlalchemy_pg_url
from tests.factories import World
from tests.files import pdf_bytes
from tests.live import start_server, stop_server

WRITERS = 8


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "contactnotes", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


async def notes_in(url: str, tmp: Path) -> tuple[set[str], str]:
    settings = Settings(database_url=url, var_dir=tmp, _env_file=None)  # type: ignore[call-arg]
    database = Database(settings)
    try:
        async with unit_of_work(database) as session:
            oids = set(await session.scalars(select(Note.oid)))
            revision = await session.scalar(text("SELECT version_num FROM alembic_version"))
        return oids, str(revision)
    finally:
        await database.dispose()


async def test_backup_under_write_load_restores_every_acknowledged_note(
    settings: Settings, database: Database, world: World, tmp_path: Path, worker_id_suffix: str
) -> None:
    var = tmp_path / "var"
    await database.dispose()
    env = {
        "CONTACTNOTES_DATABASE_URL": settings.database_url,
        "CONTACTNOTES_VAR_DIR": str(var),
        "CONTACTNOTES_LOG_LEVEL": "warning",
    }
    server = start_server(env)
    acknowledged: list[tuple[float, str]] = []  # (when answered, note id)
    stop = asyncio.Event()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            uploaded = await upload_pdf(client, world.alice, "terms.pdf", 5000)
            attached = await client.post(
                "/api/contact-notes",
                json={"contactId": world.contact.oid, "note": "terms", "attachments": [as_attachment(uploaded)]},
                headers=world.alice.headers,
            )
            assert attached.status_code == 201, attached.text
            key = uploaded["key"]
            acknowledged.append((time.monotonic(), attached.json()["data"]["_id"]))

            async def writer(n: int) -> None:
                i = 0
                while not stop.is_set():
                    i += 1
                    response = await client.post(
                        "/api/contact-notes",
                        json={"contactId": world.contact.oid, "note": f"writer {n} note {i}"},
                        headers=world.alice.headers,
                    )
                    assert response.status_code == 201, response.text
                    acknowledged.append((time.monotonic(), response.json()["data"]["_id"]))

            writers = [asyncio.create_task(writer(n)) for n in range(WRITERS)]
            while len(acknowledged) < 40:  # noqa: ASYNC110 (the load is under way before the backup)
                await asyncio.sleep(0.05)
            backup_dir = tmp_path / "backup"
            began = time.monotonic()
            made = await asyncio.to_thread(cli, env, "backup", str(backup_dir))
            during = [oid for when, oid in acknowledged if when > began]
            await asyncio.sleep(0.3)
            stop.set()
            await asyncio.gather(*writers)
    finally:
        stop_server(server)
    assert made.returncode == 0, made.stderr
    assert "files" in made.stdout
    assert during, "the writers went on while the backup ran"
    before = {oid for when, oid in acknowledged if when <= began}

    restored_var = tmp_path / "restored"
    if database.is_sqlite:
        restored_url = f"sqlite+aiosqlite:///{tmp_path / 'restored.db'}"
        drop = None
    else:
        name = f"contactnotes_restore_{worker_id_suffix}_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(PG_ADMIN_URL)
        await admin.execute(f'CREATE DATABASE "{name}"')
        await admin.close()
        restored_url = sqlalchemy_pg_url(name)
        drop = name
    try:
        restore_env = {**env, "CONTACTNOTES_DATABASE_URL": restored_url, "CONTACTNOTES_VAR_DIR": str(restored_var)}
        put_back = await asyncio.to_thread(cli, restore_env, "restore", str(backup_dir))
        assert put_back.returncode == 0, put_back.stderr
        oids, revision = await notes_in(restored_url, restored_var)
        assert before <= oids, f"{len(before - oids)} acknowledged notes missing"
        assert oids <= {oid for _, oid in acknowledged}  # nothing half-written or invented
        assert revision == head_revision()
        assert (restored_var / "files" / key).read_bytes() == pdf_bytes(5000)
        again = await asyncio.to_thread(cli, restore_env, "restore", str(backup_dir))
        assert again.returncode == 1 and "--force" in again.stderr  # never over data by accident
        forced = await asyncio.to_thread(cli, restore_env, "restore", "--force", str(backup_dir))
        assert forced.returncode == 0, forced.stderr
        assert (await notes_in(restored_url, restored_var))[0] == oids
        print(f"backup under {WRITERS} writers: {len(before)} notes acknowledged before it began, all restored")
    finally:
        if drop is not None:
            admin = await asyncpg.connect(PG_ADMIN_URL)
            await admin.execute(f'DROP DATABASE IF EXISTS "{drop}" WITH (FORCE)')
            await admin.close()


def test_restore_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    env = {"CONTACTNOTES_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db", "CONTACTNOTES_VAR_DIR": str(tmp_path)}
    result = cli(env, "restore", str(tmp_path))
    assert result.returncode == 1
    assert "not a contactnotes backup" in result.stderr


def test_restore_refuses_a_backup_of_the_other_database(tmp_path: Path) -> None:
    backup_dir = tmp_path / "b"
    backup_dir.mkdir()
    (backup_dir / "manifest.json").write_text(json.dumps({"format": 1, "database": "postgresql", "files": None}))
    env = {"CONTACTNOTES_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db", "CONTACTNOTES_VAR_DIR": str(tmp_path)}
    result = cli(env, "restore", str(backup_dir))
    assert result.returncode == 1
    assert "holds a postgresql database" in result.stderr
