"""Faults: the API process killed mid-write, and PostgreSQL stopped under load. Run by `make test-faults`.

The outage test stops a PostgreSQL cluster it started itself (tests/faults/cluster.py), never the shared one.

The promise under test: every create answered 2xx is in the database afterwards; while the database is away,
clients get 503 with Retry-After (never a 500, a stack trace or SQL); service resumes once it is back.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from contactnotes.db import migrate
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.models import Note, NoteMention
from contactnotes.settings import Settings
from tests.conftest import IN_CI, fresh_pg_database
from tests.factories import World, build_world
from tests.faults.cluster import Cluster, postgres_bin_dir, throwaway_cluster
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
                        # A create with a mention: the note, its mention, a notification and outbox rows.
                        json={"contactId": world.contact.oid, "note": f"@bob writer {n} note {i}"},
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


async def stored(settings: Settings, *, mentioning: bool = False) -> set[str]:
    """The notes in the database; with `mentioning`, only those whose mention was stored with them."""
    database = Database(settings)
    query = select(Note.oid)
    if mentioning:
        query = query.join(NoteMention, NoteMention.note_id == Note.id)
    try:
        async with unit_of_work(database) as session:
            return set(await session.scalars(query))
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
    # Each acknowledged create is there whole: the note and the mention written in its transaction.
    assert set(load.acknowledged) <= await stored(settings, mentioning=True)
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


@pytest.fixture
def own_postgres(tmp_path: Path) -> Iterator[tuple[Cluster, Settings]]:
    """A PostgreSQL cluster of this test's own, migrated: the one the outage test stops (never a shared one)."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        message = "PostgreSQL's programs (initdb, pg_ctl) are not installed"
        if IN_CI:
            pytest.fail(message + " (CI=true: the outage test is required)")
        pytest.skip(message)
    with throwaway_cluster(bin_dir) as cluster:
        url = fresh_pg_database("contactnotes_faults", admin_url=cluster.admin_url())
        migrate.upgrade(url)
        yield cluster, Settings(database_url=url, var_dir=tmp_path / "var", _env_file=None)  # type: ignore[call-arg]


async def test_postgresql_outage_gives_503_then_service_resumes_with_nothing_lost(
    own_postgres: tuple[Cluster, Settings],
) -> None:
    cluster, settings = own_postgres
    database = Database(settings)
    try:
        world = await build_world(database)
    finally:
        await database.dispose()
    server = start_server({"CONTACTNOTES_DATABASE_URL": settings.database_url})
    load = Load()
    try:
        writing = asyncio.create_task(write_for(server.url, world, 20.0, load))
        await asyncio.sleep(3)
        await asyncio.to_thread(cluster.stop)
        stopped_at = time.monotonic()
        try:
            await asyncio.sleep(4)
        finally:
            restarting_at = time.monotonic()  # PostgreSQL may accept again before `start` returns
            await asyncio.to_thread(cluster.start)
        back_at = time.monotonic()
        try:
            await writing
        except AssertionError as failure:
            raise AssertionError(
                f"{failure}\n--- server log ---\n{server.log_tail()}\n--- PostgreSQL log ---\n{cluster.log_tail()}"
            ) from failure
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
