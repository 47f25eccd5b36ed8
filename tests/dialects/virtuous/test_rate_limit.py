"""Per-organization rate limits on the Virtuous dialect: headers on every answer, 429 with Retry-After over
the limit, and one shared counter for several server processes through Redis."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from contactnotes.app import create_app
from contactnotes.db.engine import Database
from contactnotes.settings import Settings
from tests.conftest import REDIS_URL, require_redis
from tests.factories import World

from .helpers import assert_error

SRC = Path(__file__).parents[3] / "src"


@pytest.fixture
async def limited(settings: Settings, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update={"virtuous_rate_limit": 3}), database)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        yield http


async def test_every_answer_carries_the_headers_and_the_limit_is_per_organization(
    limited: httpx.AsyncClient, world: World
) -> None:
    path = f"/api/ContactNote/ByContact/{world.contact.id}"
    answers = [
        await limited.get(path, headers=world.alice.headers),
        await limited.get("/api/ContactNote/999", headers=world.bob.headers),  # 404 counts too
        await limited.get(path, headers=world.ada.headers),
    ]
    assert [a.status_code for a in answers] == [200, 404, 200]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    for answer in answers:
        assert answer.headers["X-RateLimit-Limit"] == "3"
        assert int(answer.headers["X-RateLimit-Reset"]) > time.time()
    over = await limited.get(path, headers=world.alice.headers)
    body = assert_error(over, 429)
    assert body["error"]["code"] == "RATE_LIMITED"
    assert 0 < int(over.headers["Retry-After"]) <= 3600
    assert over.headers["X-RateLimit-Remaining"] == "0"
    # Globex has its own allowance; the Tether dialect counts separately (per user and organization).
    other = await limited.get("/api/ContactNote/Types", headers=world.carol.headers)
    assert other.status_code == 200 and other.headers["X-RateLimit-Remaining"] == "2"
    tether = await limited.post(
        "/api/contact-notes", json={"contactId": world.contact.oid}, headers=world.alice.headers
    )
    assert tether.status_code == 201 and tether.headers["X-RateLimit-Limit"] == "10000"


async def test_requests_over_the_limit_write_nothing(limited: httpx.AsyncClient, world: World) -> None:
    for _ in range(3):
        await limited.get("/api/ContactNote/Types", headers=world.alice.headers)
    refused = await limited.post("/api/ContactNote", json={"contactId": world.contact.id}, headers=world.alice.headers)
    assert refused.status_code == 429
    allowed = await limited.get(f"/api/ContactNote/ByContact/{world.contact.id}", headers=world.carol.headers)
    assert allowed.status_code == 404  # Carol cannot see Acme's contact, but she is not limited


async def test_unauthenticated_answers_are_counted_by_address(limited: httpx.AsyncClient, world: World) -> None:
    statuses = [(await limited.get("/api/ContactNote/Types")).status_code for _ in range(3)]
    assert statuses == [401, 401, 401]
    token = await limited.post("/Token", data={"grant_type": "password", "username": "a@b.c", "password": "x"})
    assert token.status_code == 429 and token.headers["X-RateLimit-Remaining"] == "0"


# ---- two real server processes sharing Redis --------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def two_servers(database_url: str, world: World, tmp_path: Path) -> Iterator[list[str]]:
    require_redis()
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "CONTACTNOTES_DATABASE_URL": database_url,
        "CONTACTNOTES_REDIS_URL": REDIS_URL,
        "CONTACTNOTES_VIRTUOUS_RATE_LIMIT": "7",
        "CONTACTNOTES_VAR_DIR": str(tmp_path / "var"),
    }
    ports = [_free_port(), _free_port()]
    servers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "contactnotes.app:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=tmp_path,
        )
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url, server in zip(urls, servers, strict=True):
            for _ in range(300):  # readiness, not a timing assertion: wait until the process answers
                assert server.poll() is None, "server exited"
                try:
                    if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            else:
                pytest.fail(f"{url} did not start")
        yield urls
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)


async def test_two_processes_sharing_redis_admit_exactly_the_limit(two_servers: list[str], world: World) -> None:
    async def one(url: str) -> httpx.Response:
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            return await http.get(f"/api/ContactNote/ByContact/{world.contact.id}", headers=world.alice.headers)

    answers = await asyncio.gather(*(one(two_servers[i % 2]) for i in range(24)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] * 7 + [429] * 17
    remaining = sorted(int(a.headers["X-RateLimit-Remaining"]) for a in answers if a.status_code == 200)
    assert remaining == [0, 1, 2, 3, 4, 5, 6]
    # Both processes served some of the burst, so the counter really was shared.
    servers_that_admitted = {str(a.url).split("/api")[0] for a in answers if a.status_code == 200}
    servers_that_refused = {str(a.url).split("/api")[0] for a in answers if a.status_code == 429}
    assert servers_that_admitted | servers_that_refused == set(two_servers)
    # Another organization is counted separately, on either process.
    async with httpx.AsyncClient(base_url=two_servers[1]) as http:
        other = await http.get("/api/ContactNote/Types", headers=world.carol.headers)
    assert other.status_code == 200 and other.headers["X-RateLimit-Remaining"] == "6"
