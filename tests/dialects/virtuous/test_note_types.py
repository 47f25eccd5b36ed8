"""GET /api/ContactNote/Types in the real API's shape; admins manage types through /api/note-types and the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.factories import World

from .helpers import assert_error, create_note, fixture

SRC = Path(__file__).parents[3] / "src"


async def test_types_answer_the_virtuous_defaults_in_order(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get("/api/ContactNote/Types", headers=world.alice.headers)
    assert response.status_code == 200
    assert list(response.json().items()) == list(fixture("note_types.response.json").items())


async def test_an_admin_adds_and_removes_types(client: httpx.AsyncClient, world: World) -> None:
    added = await client.post("/api/note-types", json={"name": "Site  Visit"}, headers=world.ada.headers)
    assert added.status_code == 201, added.text
    assert added.json() == {"success": True, "message": "Note type added", "data": {"name": "Site Visit"}}
    types = (await client.get("/api/ContactNote/Types", headers=world.alice.headers)).json()
    assert list(types.items())[-1] == ("site Visit", "Site Visit")
    assert (await create_note(client, world.alice, world.contact.id, type="site visit"))["type"] == "Site Visit"
    duplicate = await client.post("/api/note-types", json={"name": "SITE VISIT"}, headers=world.ada.headers)
    assert duplicate.status_code == 409
    removed = await client.delete("/api/note-types/site visit", headers=world.ada.headers)
    assert removed.status_code == 200 and removed.json()["success"] is True
    refused = await client.post(
        "/api/ContactNote", json={"contactId": world.contact.id, "type": "Site Visit"}, headers=world.alice.headers
    )
    assert_error(refused, 400, "type")
    # The note written before keeps its type.
    listed = await client.get(f"/api/ContactNote/ByContact/{world.contact.id}", headers=world.alice.headers)
    assert listed.json()["list"][0]["type"] == "Site Visit"
    # Globex's types are untouched.
    globex = await client.get("/api/note-types", headers=world.carol.headers)
    assert [t["name"] for t in globex.json()["data"]][-1] == "Thank You"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("POST", "/api/note-types", {"name": "Gossip"}), ("DELETE", "/api/note-types/Call", None)],
)
async def test_members_cannot_change_types(
    client: httpx.AsyncClient, world: World, method: str, path: str, body: dict | None
) -> None:
    response = await client.request(method, path, json=body, headers=world.alice.headers)
    assert response.status_code == 403 and response.json()["success"] is False
    assert (await client.request(method, path, json=body)).status_code == 401
    types = (await client.get("/api/ContactNote/Types", headers=world.alice.headers)).json()
    assert "call" in types and "gossip" not in types


async def test_bad_type_input(client: httpx.AsyncClient, world: World) -> None:
    empty = await client.post("/api/note-types", json={"name": ""}, headers=world.ada.headers)
    assert empty.status_code == 400 and empty.json()["errors"][0]["field"] == "name"
    unknown = await client.delete("/api/note-types/Nothing", headers=world.ada.headers)
    assert unknown.status_code == 404


def test_the_cli_lists_adds_and_removes_types(world: World, database_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "CONTACTNOTES_DATABASE_URL": database_url, "PYTHONPATH": str(SRC)}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "contactnotes", "note-type", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            check=False,
        )

    assert cli("add", "Board Meeting", "--org", "Acme").returncode == 0
    listed = cli("list", "--org", "Acme")
    assert listed.returncode == 0 and listed.stdout.splitlines()[-2:] == ["Thank You", "Board Meeting"]
    assert cli("remove", "board meeting", "--org", world.acme.oid).returncode == 0
    assert "Board Meeting" not in cli("list", "--org", "Acme").stdout
    missing = cli("remove", "Nothing", "--org", "Acme")
    assert missing.returncode == 1 and "Nothing" in missing.stderr
    assert cli("list", "--org", "Globex").stdout.splitlines()[0] == "General"
