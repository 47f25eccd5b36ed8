"""`contactnotes serve --workers 2`: two server processes answer, count one set of rate limits (Redis) and
feed one event stream; without Redis, more than one process is refused."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.conftest import REDIS_URL, require_redis
from tests.events.processes import ROOT, environment, start_worker, stop
from tests.events.test_stream import next_event, sse_events
from tests.factories import World
from tests.live import free_port

USER_LIMIT = 6
WRITES = 12


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            if parent == pid:
                found.append(int(entry.name))
    return found


@contextmanager
def serving(env: dict[str, str], workers: int) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "contactnotes", "serve", "--port", str(port), "--workers", str(workers)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300  # two processes importing on a loaded test machine: a bound, not a measure
        while True:
            assert process.poll() is None, "the server exited"
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not become ready"
            time.sleep(0.3)
        yield base, process
    finally:
        assert stop(process) == 0


async def test_two_workers_share_the_rate_limits_and_the_stream(
    world: World, database_url: str, tmp_path: Path
) -> None:
    require_redis()
    settings = {"redis_url": REDIS_URL, "var_dir": tmp_path / "var", "tether_user_rate_limit": USER_LIMIT}
    # PostgreSQL's events leave through a worker process; the embedded database's server runs its own.
    worker = None if database_url.startswith("sqlite") else start_worker(database_url, **settings)
    try:
        with serving(environment(database_url, **settings), workers=2) as (base, supervisor):
            deadline = time.monotonic() + 60
            while len(children(supervisor.pid)) < 2:  # uvicorn's supervisor and its two server processes
                assert time.monotonic() < deadline
                await asyncio.sleep(0.2)

            async with httpx.AsyncClient(timeout=30) as http:
                stream = http.stream("GET", f"{base}/api/notifications/stream", headers=world.bob.headers)
                async with stream as live:
                    events = sse_events(live)
                    assert await anext(events) is None  # subscribed

                    async def create(n: int) -> httpx.Response:
                        # Each on a connection of its own: the two processes take connections as they come.
                        async with httpx.AsyncClient(base_url=base, timeout=30) as own:
                            return await own.post(
                                "/api/contact-notes",
                                json={"contactId": world.contact.oid, "note": f"note {n}"},
                                headers=world.alice.headers,
                            )

                    answers = await asyncio.gather(*(create(n) for n in range(WRITES)))
                    # One count across both processes: exactly the user's limit is admitted.
                    assert sorted(a.status_code for a in answers) == [201] * USER_LIMIT + [429] * (WRITES - USER_LIMIT)
                    created = {a.json()["data"]["_id"] for a in answers if a.status_code == 201}
                    seen: set[str] = set()
                    async with asyncio.timeout(30):
                        while seen != created:  # every note reaches the one stream, whichever process made it
                            seen.add((await next_event(events, "note_created")).data["_id"])
    finally:
        if worker is not None:
            assert stop(worker) == 0


def test_more_than_one_worker_without_redis_is_refused(tmp_path: Path) -> None:
    env = environment(f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}")
    ran = subprocess.run(
        [sys.executable, "-m", "contactnotes", "serve", "--workers", "2"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert ran.returncode == 2
    assert "CONTACTNOTES_REDIS_URL" in ran.stderr
