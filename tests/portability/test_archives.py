"""Exports and restores: a contact's archive holds what concerns it and nothing else; an organization's
archive restored into an empty database exports again field for field, its files byte for byte."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from contactnotes.attachments.files import Files
from contactnotes.cli import app as cli
from contactnotes.db.engine import Database
from contactnotes.db.migrate import upgrade
from contactnotes.settings import Settings, get_settings
from tests.attachments.helpers import as_attachment, upload
from tests.conftest import fresh_pg_database, require_postgres
from tests.factories import World
from tests.files import pdf_bytes
from tests.security.objects import tether_note


async def run(database_url: str, var_dir: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    """The command in a thread (it runs its own event loop, as from a shell)."""

    def invoke() -> tuple[int, str, str]:
        env = {"CONTACTNOTES_DATABASE_URL": database_url, "CONTACTNOTES_VAR_DIR": str(var_dir)}
        get_settings.cache_clear()
        result = CliRunner().invoke(cli, list(args), env=env, input=stdin)
        get_settings.cache_clear()
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.stdout, result.stderr

    return await asyncio.to_thread(invoke)


async def history(client: httpx.AsyncClient, world: World) -> dict[str, Any]:
    """Notes about Jordan with a file, a mention, a reaction, a reminder and an edit (a revision); a private
    and a deleted one; a note about Priya linked to Jordan too; and a note about Priya only that Jordan's
    export must not carry."""
    [uploaded] = await upload(client, world.alice, ("w2.pdf", pdf_bytes(3000)))
    main = await tether_note(
        client, world.alice, world.contact.oid, note="W-2 is in, @bob please check", mentions=[world.bob.oid],
        reminder={"message": "Call back", "targetDate": "2030-01-01T00:00:00Z"}, attachments=[as_attachment(uploaded)],
    )  # fmt: skip
    await client.post(f"/api/contact-notes/{main['_id']}/reaction", json={"emoji": "👍"}, headers=world.bob.headers)
    edit = {"note": "W-2 and 1099 are in, @bob please check", "important": True}
    edited = await client.patch(f"/api/contact-notes/{main['_id']}", json=edit, headers=world.alice.headers)
    assert edited.status_code == 200, edited.text
    await tether_note(client, world.alice, world.contact.oid, note="my own thoughts", private=True)
    gone = await tether_note(client, world.bob, world.contact.oid, note="typo")
    await client.delete(f"/api/contact-notes/{gone['_id']}", headers=world.bob.headers)
    both = [world.other_contact.oid, world.contact.oid]
    meeting = await tether_note(client, world.bob, world.other_contact.oid, note="met them both", contactIds=both)
    other = await tether_note(client, world.alice, world.other_contact.oid, note="about Priya only")
    return {"main": main, "meeting": meeting, "other": other, "file": pdf_bytes(3000), "key": uploaded["key"]}


async def test_a_contacts_export_holds_its_notes_reactions_mentions_reminders_and_files(
    client: httpx.AsyncClient, world: World
) -> None:
    made = await history(client, world)
    response = await client.get(f"/api/admin/contacts/{world.contact.oid}/export", headers=world.ada.headers)
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    manifest = json.loads(archive.read("manifest.json"))
    assert (manifest["format"], manifest["version"], manifest["scope"]) == ("contactnotes-export", 1, "contact")
    assert [c["oid"] for c in manifest["contacts"]] == [world.contact.oid]
    bodies = sorted(n["body"] for n in manifest["notes"])
    # The deleted one too, and the note about Priya that is linked to Jordan.
    assert bodies == ["W-2 and 1099 are in, @bob please check", "met them both", "my own thoughts", "typo"]
    [main] = [n for n in manifest["notes"] if n["oid"] == made["main"]["_id"]]
    [meeting] = [n for n in manifest["notes"] if n["oid"] == made["meeting"]["_id"]]
    assert meeting["contact"] == world.other_contact.oid  # its primary contact, named by ObjectId only
    assert manifest["linked_contacts"] == [{"note": meeting["oid"], "contact": world.contact.oid}]
    [revision] = manifest["revisions"]
    assert (revision["note"], revision["number"], revision["edited_by"]) == (main["oid"], 1, world.alice.oid)
    assert (revision["body"], revision["important"]) == ("W-2 is in, @bob please check", False)
    assert revision["edited_at"] and revision["note_date"] == main["note_date"]
    assert "Priya" not in json.dumps(manifest["contacts"])
    assert main["mentions"][0]["user"] == world.bob.oid
    assert [(r["emoji"], r["user"]) for r in main["reactions"]] == [("👍", world.bob.oid)]
    assert [r["message"] for r in manifest["reminders"]] == ["Call back"]
    [file] = manifest["files"]
    assert archive.read(file["path"]) == made["file"] and file["note"] == main["oid"]
    assert "about Priya only" not in response.content.decode("utf-8", "replace")


def comparable(manifest: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in manifest.items() if key != "exported_at"}


@pytest.fixture
def empty_database_url(database_url: str, tmp_path: Path, worker_id_suffix: str) -> str:
    """A second, empty database of the same kind, built by the migrations."""
    if database_url.startswith("sqlite"):
        url = f"sqlite+aiosqlite:///{tmp_path / 'restored.db'}"
    else:
        require_postgres()
        url = fresh_pg_database(f"contactnotes_restore_{worker_id_suffix}")
    upgrade(url)
    return url


async def test_an_organization_round_trips_through_its_archive(
    client: httpx.AsyncClient, world: World, settings: Settings, empty_database_url: str, tmp_path: Path
) -> None:
    made = await history(client, world)
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    code, out, err = await run(
        settings.database_url, settings.var_dir, "export", "org", "--org", "Acme", "-o", str(first)
    )
    assert code == 0, err
    assert out.startswith("exported 2 contacts, 5 notes and 1 files")
    before = json.loads(zipfile.ZipFile(first).read("manifest.json"))
    [revision] = before["revisions"]
    assert revision["body"] == "W-2 is in, @bob please check" and revision["note"] == made["main"]["_id"]
    linked = {"note": made["meeting"]["_id"], "contact": world.contact.oid}
    assert before["linked_contacts"] == [linked]

    restored_var = tmp_path / "restored-var"
    code, out, err = await run(empty_database_url, restored_var, "import", "org", str(first))
    assert code == 0, err
    code, _, err = await run(empty_database_url, restored_var, "export", "org", "--org", "Acme", "-o", str(second))
    assert code == 0, err

    a, b = zipfile.ZipFile(first), zipfile.ZipFile(second)
    before, after = json.loads(a.read("manifest.json")), json.loads(b.read("manifest.json"))
    sections = ("organization", "users", "note_types", "contacts", "notes", "reminders", "files", "revisions")
    for section in (*sections, "linked_contacts"):
        assert after[section] == before[section], section
    assert comparable(after) == comparable(before)
    assert sorted(a.namelist()) == sorted(b.namelist())
    for name in a.namelist():
        assert a.read(name) == b.read(name) or name == "manifest.json"
    assert a.read(f"files/{made['key']}") == made["file"]
    files = Files.from_settings(Settings(database_url=empty_database_url, var_dir=restored_var, _env_file=None))  # type: ignore[call-arg]
    try:
        assert b"".join([chunk async for chunk in files.store.stream(made["key"])]) == made["file"]
    finally:
        await files.close()

    # A second restore into the same database is refused, and changes nothing.
    code, _, err = await run(empty_database_url, restored_var, "import", "org", str(first))
    assert code == 1 and "empty database" in err


@pytest.mark.parametrize("content", [b"not a zip", b"PK\x05\x06" + b"\x00" * 18])
async def test_an_archive_that_is_not_ours_is_refused(
    settings: Settings, database: Database, tmp_path: Path, content: bytes
) -> None:
    archive = tmp_path / "odd.zip"
    archive.write_bytes(content)
    code, _, err = await run(settings.database_url, settings.var_dir, "import", "org", str(archive))
    assert code == 1 and "error:" in err


async def test_the_command_line_exports_then_erases_a_contact_after_asking(
    client: httpx.AsyncClient, world: World, settings: Settings, database: Database, tmp_path: Path
) -> None:
    made = await history(client, world)
    url, var = settings.database_url, settings.var_dir
    code, out, err = await run(
        url, var, "export", "contact", str(world.contact.id), "--org", "Acme", "-o", str(tmp_path / "j.zip")
    )
    assert code == 0, err
    assert out.strip() == f"exported 4 notes, 1 reminders and 1 files to {tmp_path / 'j.zip'}"

    code, _, _ = await run(url, var, "erase", "contact", world.contact.oid, "--org", "Acme", stdin="n\n")
    assert code == 1  # not confirmed: nothing erased
    assert (await client.get(f"/api/contacts/{world.contact.oid}", headers=world.ada.headers)).status_code == 200

    code, out, err = await run(
        url, var, "erase", "contact", world.contact.oid, "--org", "Acme", "--by", "dpo@acme", stdin="y\n"
    )
    assert code == 0, err
    assert f"erased contact {world.contact.oid}: 3 notes, 1 reminders, " in out
    assert (await client.get(f"/api/contacts/{world.contact.oid}", headers=world.ada.headers)).status_code == 404
    assert out.rstrip().split(" (audit record")[0].endswith("1 unlinked notes")
    assert (
        await client.get(f"/api/contact-notes/{made['other']['_id']}", headers=world.ada.headers)
    ).status_code == 200
    # The note about Priya that was linked to Jordan stays, without Jordan.
    meeting = await client.get(f"/api/contact-notes/{made['meeting']['_id']}", headers=world.ada.headers)
    assert meeting.status_code == 200 and meeting.json()["data"]["contactIds"] == [world.other_contact.oid]
    code, _, err = await run(url, var, "erase", "contact", world.contact.oid, "--org", "Acme", "--yes")
    assert code == 1 and "not found" in err.lower()
