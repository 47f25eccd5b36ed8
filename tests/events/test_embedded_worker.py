"""With the embedded database, `contactnotes serve` delivers events by itself: `make run` needs nothing else."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.events.processes import server
from tests.events.receiver import Receiver
from tests.factories import World


async def test_serve_on_sqlite_delivers_webhooks_without_a_separate_worker(
    world: World, database_url: str, receiver: Receiver
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the in-process worker runs only with the embedded database")
    with server(database_url) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            hook = await http.post(
                "/api/webhooks", json={"url": receiver.url(), "events": ["note.created"]}, headers=world.ada.headers
            )
            assert hook.status_code == 201, hook.text
            note = await http.post(
                "/api/contact-notes",
                json={"contactId": world.contact.oid, "note": "hello"},
                headers=world.alice.headers,
            )
            [request] = await asyncio.to_thread(receiver.wait_for, 1, 120)
    assert request.json["data"]["note"]["_id"] == note.json()["data"]["_id"]
