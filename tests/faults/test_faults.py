"""Faults: the API process killed mid-write, and PostgreSQL stopped under load. Run by `make test-faults`.

The promise under test: every create answered 2xx is in the database afterwards; while the database is away,
clients get 503 with Retry-After (never a 500, a stack trace or SQL); service resumes once it is back.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import pytest
from sqlalchemy import select

from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.models import Note
from contactnotes.settings import Settings
from tests.factories import World
from tests.live import start_server, stop_server

pytestmark = pytest.mark.faults
WRITERS = 16


@dataclass
class Load:
    acknowledged: list[str] = field(default_factory=list)  # note ids answered 201
    outcomes: list[tuple[float, int]] = field(default_factory=list)  # (time, status; 0 = no answer)


async def write_for(
    base: str, world: World, seconds: float, load: Load, stop_when: Callable[[], bool] = lambda: False
) -> None:
    """16 writers creating notes as fast as the server answers, for `seconds` or until `stop_when()`."""
    deadline = time.monotonic() + seconds

    async def writer(n: int) -> None:
        async with httpx.AsyncClient(base_url=base, timeout=15) as client:
            i = 0
            while time.monotonic() < deadline and not stop_when():
                i += 1
                try:
                    response = await client.post(
                        "/api/contact-notes",
                        json={"contactId": world.contact.oid, "note": f"writer {n} note {i}"},
                        headers=world.alice.headers,
                    )
                except httpx.TransportError:
                    load.outcomes.append((time.monotonic(), 0))
                    await asyncio.sleep(0.05)
                    continue
                load.outcomes.append((time.monotonic(), response.status_code))
                if response.status_code == 201:
                    load.acknowledged.append(response.json()["data"]["_id"])
                else:
                    assert response.status_code == 503, response.text
                    assert int(response.headers["Retry-After"]) > 0
                    assert "Traceback" not in response.text and "SELECT" not in response.text
                    await asyncio.sleep(0.05)

    await asyncio.gather(*(writer(n) for n in range(WRITERS)))


async def stored(settings: Settings) -> set[str]:
    database = Database(settings)
    try:
        async with unit_of_work(database) as session:
            return set(await session.scalars(select(Note.oid)))
    finally:
        await database.dispose()


async def test_sigkill_under_sixteen_writers_loses_no_acknowledged_write(
    settings: Settings, world: World, database: Database
) -> None:
    await database.dispose()  # the server, not this process, holds the database now
    env = {"CONTACTNOTES_DATABASE_URL": settings.database_url}
    server = start_server(env)
    load = Load()
    killed = False
    try:
        writing = asyncio.create_task(write_for(server.url, world, 60.0, load, stop_when=lambda: killed))
        while len(load.acknowledged) < 50:  # noqa: ASYNC110 (mid-stream: some writes answered, more in flight)
            await asyncio.sleep(0.05)
        server.process.send_signal(signal.SIGKILL)
        killed = True
        server.process.wait()
        await writing
    finally:
        stop_server(server)
    assert len(load.acknowledged) > WRITERS  # the kill came mid-stream, not before the first write
    assert set(load.acknowledged) <= await stored(settings)
    print(f"SIGKILL under {WRITERS} writers: {len(load.acknowledged)} acknowledged creates, all stored")

    restarted = start_server(env)  # and the service comes back on the same data
    try:
        async with httpx.AsyncClient(base_url=restarted.url) as client:
            answer = await client.post(
                "/api/contact-notes", json={"contactId": world.contact.oid}, headers=world.alice.headers
            )
        assert answer.status_code == 201
    finally:
        stop_server(restarted)


def pg_cluster(action: str) -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    extra = ["-m", "fast"] if action == "stop" else []
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action, *extra],
        check=True,
        capture_output=True,
        timeout=120,
    )


async def test_postgresql_outage_gives_503_then_service_resumes_with_nothing_lost(
    settings: Settings, world: World, database: Database
) -> None:
    if database.is_sqlite:
        pytest.skip("a database server outage is a PostgreSQL scenario")
    await database.dispose()
    server = start_server({"CONTACTNOTES_DATABASE_URL": settings.database_url})
    load = Load()
    try:
        writing = asyncio.create_task(write_for(server.url, world, 20.0, load))
        await asyncio.sleep(3)
        await asyncio.to_thread(pg_cluster, "stop")
        stopped_at = time.monotonic()
        try:
            await asyncio.sleep(4)
        finally:
            restarting_at = time.monotonic()  # PostgreSQL may accept again before `start` returns
            await asyncio.to_thread(pg_cluster, "start")
        back_at = time.monotonic()
        try:
            await writing
        except AssertionError as failure:
            raise AssertionError(f"{failure}\n--- server log ---\n{server.log_tail()}") from failure
    finally:
        stop_server(server)

    # Answers already on their way when the stop returned may still arrive just after it: allow a second.
    during = [status for at, status in load.outcomes if stopped_at + 1 < at < restarting_at]
    assert during and set(during) <= {503}, set(during)
    first_success = min((at for at, status in load.outcomes if at > back_at and status == 201), default=None)
    assert first_success is not None and first_success - back_at <= 10
    assert set(load.acknowledged) <= await stored(settings)
    print(
        f"PostgreSQL outage: {len(during)} answers while it was down, all 503; first create "
        f"{first_success - back_at:.1f} s after it was back; {len(load.acknowledged)} acknowledged creates, all stored"
    )
