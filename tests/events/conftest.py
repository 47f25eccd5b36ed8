"""Fixtures for the events tests: settings that allow loopback receivers, a receiver, a worker pass."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from contactnotes.app import job_context
from contactnotes.db.engine import Database
from contactnotes.jobs.worker import Worker
from contactnotes.settings import Settings
from contactnotes.wiring import default_registry
from tests.events.receiver import Receiver, running_receiver


@pytest.fixture
def settings(database_url: str, tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(  # type: ignore[call-arg]
        database_url=database_url,
        var_dir=tmp_path / "var",
        webhooks_allow_private_urls=True,  # the receiver is on loopback
        webhook_backoff_base_seconds=0.05,
        webhook_timeout_seconds=5,
        worker_retry_base_seconds=0.05,
        _env_file=None,
    )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


async def work(settings: Settings, database: Database) -> int:
    """One worker pass, in this process: every event due now is handled."""
    return await Worker(job_context(settings, database), default_registry(settings)).run_once()


async def subscribe(client: httpx.AsyncClient, headers: dict[str, str], url: str, **fields: object) -> dict:  # type: ignore[type-arg]
    response = await client.post("/api/webhooks", json={"url": url, **fields}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


async def create_note(client: httpx.AsyncClient, headers: dict[str, str], contact_oid: str, **fields: object) -> dict:  # type: ignore[type-arg]
    response = await client.post("/api/contact-notes", json={"contactId": contact_oid, **fields}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["data"]  # type: ignore[no-any-return]
