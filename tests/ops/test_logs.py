"""JSON logs from real processes: one line per request and per job, the request id carried from the request
into its jobs, and never a token, a password or a note's text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.settings import Settings
from contactnotes.users import service as users
from tests.factories import World
from tests.live import start_server, stop_server

PASSWORD = "correct horse battery staple 4417"
NOTE_TEXT = "Confidential: the client's divorce settlement terms 93b1"
REQUEST_ID = "checkout-7f3a.retry-2"
WORKER_BANNER = "worker ready; SIGTERM stops it cleanly"  # for process supervisors and scripts, on stderr


def lines(path: Path) -> list[dict[str, object]]:
    """Every line of a log, each of which must be one JSON object (but the worker's start-up banner)."""
    text = path.read_text(errors="replace")
    return [json.loads(line) for line in text.splitlines() if line.strip() and line != WORKER_BANNER]


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "contactnotes", "worker"],
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )


def wait_for_line(paths: list[Path], predicate: object, seconds: float = 30) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for path in paths:
            for line in lines(path):
                if predicate(line):  # type: ignore[operator]
                    return line
        time.sleep(0.2)
    raise AssertionError(f"no such line in {[p.read_text()[-3000:] for p in paths]}")


async def test_request_and_job_lines_carry_the_request_id_and_no_secret(
    settings: Settings, database: Database, world: World, tmp_path: Path
) -> None:
    async with unit_of_work(database) as session:
        await users.set_password(session, "alice@acme.example.com", PASSWORD)
    await database.dispose()
    env = {
        "CONTACTNOTES_DATABASE_URL": settings.database_url,
        "CONTACTNOTES_VAR_DIR": str(tmp_path / "var"),
        "CONTACTNOTES_LOG_LEVEL": "info",
        "CONTACTNOTES_LOG_FORMAT": "json",
        "CONTACTNOTES_WORKER_POLL_SECONDS": "0.1",
    }
    server = start_server(env)
    worker_log = Path(tempfile.mkstemp(prefix="contactnotes-worker-", suffix=".log")[1])
    worker = None if database.is_sqlite else start_worker(env, worker_log)  # SQLite: the server's own worker
    secrets = [world.alice.token, PASSWORD, NOTE_TEXT]
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=15) as client:
            login = await client.post(
                "/Token", data={"grant_type": "password", "username": "alice@acme.example.com", "password": PASSWORD}
            )
            assert login.status_code == 200, login.text
            secrets += [login.json()["access_token"], login.json()["refresh_token"]]
            created = await client.post(
                "/api/contact-notes",
                json={"contactId": world.contact.oid, "note": NOTE_TEXT, "mentions": [world.bob.oid]},
                headers={**world.alice.headers, "X-Request-ID": REQUEST_ID},
            )
            assert created.status_code == 201, created.text
            assert created.headers["X-Request-ID"] == REQUEST_ID
            made = await client.get(
                "/api/contact-notes", params={"contactId": world.contact.oid}, headers=world.alice.headers
            )
            assert len(made.headers["X-Request-ID"]) == 32  # none offered: one is made
            odd = await client.get("/livez", headers={"X-Request-ID": "has spaces and ;"})
            assert odd.headers["X-Request-ID"] != "has spaces and ;"  # not plain enough to log: replaced
            refused = await client.get(
                "/api/contact-notes", headers={"Authorization": "Bearer " + world.alice.token[:-2] + "xx"}
            )
            assert refused.status_code == 401
            secrets.append(world.alice.token[:-2] + "xx")

        logs = [server.log, worker_log]
        job = wait_for_line(logs, lambda line: line.get("msg") == "job" and line.get("type") == "note.created")
        assert job["request_id"] == REQUEST_ID
        assert job["outcome"] == "done" and job["event_id"]
        mention = wait_for_line(logs, lambda line: line.get("msg") == "job" and line.get("type") == "user.mentioned")
        assert mention["request_id"] == REQUEST_ID
    finally:
        stop_server(server)
        if worker is not None:
            worker.terminate()
            worker.wait(30)

    request_lines = [line for line in lines(server.log) if line.get("msg") == "request"]
    [create] = [line for line in request_lines if line["method"] == "POST" and line["route"] == "/api/contact-notes"]
    assert create["request_id"] == REQUEST_ID
    assert create["status"] == 201
    assert isinstance(create["duration_ms"], float)
    assert {line["status"] for line in request_lines if line["route"] == "/api/contact-notes"} >= {200, 201, 401}
    everything = server.log.read_text() + worker_log.read_text()  # noqa: ASYNC240 (after the processes stopped)
    for secret in secrets:
        assert secret not in everything
