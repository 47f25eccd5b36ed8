"""Metrics across processes: two API processes in prometheus-client's multiprocess mode answer for both, and a
worker serves its own at worker_metrics_address."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from contactnotes.db.engine import Database
from contactnotes.settings import Settings
from tests.factories import World
from tests.live import free_port, start_server, stop_server
from tests.ops.metrics import value


async def test_two_servers_in_multiprocess_mode_and_a_worker_with_its_own_endpoint(
    settings: Settings, database: Database, world: World, tmp_path: Path
) -> None:
    await database.dispose()
    shared = tmp_path / "prometheus"
    shared.mkdir()
    env = {
        "CONTACTNOTES_DATABASE_URL": settings.database_url,
        "CONTACTNOTES_VAR_DIR": str(tmp_path / "var"),
        "CONTACTNOTES_METRICS_ENABLED": "true",
        "CONTACTNOTES_EMBEDDED_WORKER": "false",
        "CONTACTNOTES_LOG_LEVEL": "warning",
        "PROMETHEUS_MULTIPROC_DIR": str(shared),
    }
    first, second = start_server(env), start_server(env)
    worker_port = free_port()
    worker = subprocess.Popen(  # noqa: ASYNC220 (a process that outlives this coroutine's steps)
        [sys.executable, "-m", "contactnotes", "worker"],
        env={
            **os.environ,
            **{k: v for k, v in env.items() if k != "PROMETHEUS_MULTIPROC_DIR"},
            "CONTACTNOTES_WORKER_METRICS_ADDRESS": f"127.0.0.1:{worker_port}",
            "CONTACTNOTES_WORKER_POLL_SECONDS": "0.1",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        async with httpx.AsyncClient(timeout=15) as client:
            for _ in range(3):
                assert (await client.get(f"{first.url}/livez")).status_code == 200
            for _ in range(2):
                assert (await client.get(f"{second.url}/livez")).status_code == 200
            created = await client.post(
                f"{second.url}/api/contact-notes",
                json={"contactId": world.contact.oid, "note": "counted by the worker"},
                headers=world.alice.headers,
            )
            assert created.status_code == 201
            scraped = (await client.get(f"{first.url}/metrics")).text
            livez = {"method": "GET", "route": "/livez", "status": "200"}
            assert value(scraped, "contactnotes_http_requests_total", **livez) == 5  # both processes
            created_by = {"method": "POST", "route": "/api/contact-notes", "status": "201"}
            assert value(scraped, "contactnotes_http_requests_total", **created_by) == 1  # made by the second

            deadline = time.monotonic() + 60
            while True:
                try:
                    from_worker = (await client.get(f"http://127.0.0.1:{worker_port}/metrics")).text
                except httpx.TransportError:
                    from_worker = ""
                handled = value(from_worker, "contactnotes_events_handled_total", type="note.created", outcome="done")
                if handled == 1:
                    break
                assert time.monotonic() < deadline, from_worker[-2000:]
                await asyncio.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(30)
        stop_server(first)
        stop_server(second)
