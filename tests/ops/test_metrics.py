"""/metrics: off by default or behind a token; the numbers move with what users and workers do."""

from __future__ import annotations

import httpx
from pydantic import SecretStr
from sqlalchemy import func, select

from contactnotes.app import create_app
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.models import OutboxEvent
from contactnotes.settings import Settings
from tests.attachments.helpers import upload_pdf
from tests.events.conftest import create_note, subscribe, work
from tests.events.receiver import Receiver
from tests.factories import World
from tests.ops.metrics import value


async def scrape(client: httpx.AsyncClient, **headers: str) -> str:
    response = await client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    return response.text


def app_client(settings: Settings, database: Database) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(settings, database))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def test_metrics_are_off_unless_enabled_and_need_the_token_when_one_is_set(
    settings: Settings, database: Database
) -> None:
    async with app_client(settings.model_copy(update={"metrics_enabled": False}), database) as client:
        assert (await client.get("/metrics")).status_code == 404
    with_token = settings.model_copy(
        update={"metrics_enabled": False, "metrics_token": SecretStr("scrape-secret-4821")}
    )
    async with app_client(with_token, database) as client:
        assert (await client.get("/metrics")).status_code == 401
        refused = await client.get("/metrics", headers={"Authorization": "Bearer wrong"})
        assert refused.status_code == 401
        assert "contactnotes_http_requests_total" in await scrape(client, Authorization="Bearer scrape-secret-4821")


async def test_request_counts_and_latency_move_by_route_template_and_status(
    client: httpx.AsyncClient, world: World
) -> None:
    before = await scrape(client)
    labels = {"method": "POST", "route": "/api/contact-notes", "status": "201"}
    for n in range(3):
        await create_note(client, world.alice.headers, world.contact.oid, note=f"metrics {n}")
    note = await create_note(client, world.alice.headers, world.contact.oid, note="read me")
    assert (await client.get(f"/api/contact-notes/{note['_id']}", headers=world.alice.headers)).status_code == 200
    assert (await client.get("/no/such/path")).status_code == 404
    after = await scrape(client)

    def moved(name: str, **by: str) -> float:
        return value(after, name, **by) - value(before, name, **by)

    assert moved("contactnotes_http_requests_total", **labels) == 4
    assert moved("contactnotes_http_request_duration_seconds_count", **labels) == 4
    assert moved("contactnotes_http_request_duration_seconds_sum", **labels) > 0
    read = {"method": "GET", "route": "/api/contact-notes/{noteId}", "status": "200"}
    assert moved("contactnotes_http_requests_total", **read) == 1
    unmatched = {"method": "GET", "route": "<unmatched>", "status": "404"}
    assert moved("contactnotes_http_requests_total", **unmatched) == 1
    assert "/no/such/path" not in after  # one series for every unknown path, never one per path


async def test_outbox_events_webhooks_and_pool_gauges_follow_the_work(
    client: httpx.AsyncClient, world: World, receiver: Receiver, settings: Settings, database: Database
) -> None:
    await subscribe(client, world.ada.headers, receiver.url(), events=["note.created"])
    before = await scrape(client)
    for n in range(2):
        await create_note(client, world.alice.headers, world.contact.oid, note=f"event {n}")
    async with unit_of_work(database) as session:
        pending = await session.scalar(select(func.count()).where(OutboxEvent.processed_at.is_(None)))
    waiting = await scrape(client)
    assert pending and value(waiting, "contactnotes_outbox_backlog") == pending
    assert value(waiting, "contactnotes_outbox_oldest_pending_age_seconds") > 0

    await work(settings, database)
    receiver.wait_for(2)
    done = await scrape(client)
    assert value(done, "contactnotes_outbox_backlog") == 0
    assert value(done, "contactnotes_outbox_oldest_pending_age_seconds") == 0

    def moved(name: str, **by: str) -> float:
        return value(done, name, **by) - value(before, name, **by)

    assert moved("contactnotes_events_handled_total", type="note.created", outcome="done") == 2
    assert moved("contactnotes_job_duration_seconds_count", type="note.created") == 2
    assert moved("contactnotes_webhook_deliveries_total", outcome="delivered") == 2
    assert moved("contactnotes_db_pool_checkout_seconds_count") > 0
    assert value(done, "contactnotes_db_pool_connections_in_use") >= 0


async def test_rate_limit_refusals_upload_bytes_and_stream_subscribers_are_counted(
    settings: Settings, database: Database, world: World
) -> None:
    limited = settings.model_copy(update={"tether_user_rate_limit": 2})
    app = create_app(limited, database)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        before = await scrape(client)
        uploaded = await upload_pdf(client, world.bob)
        statuses = [
            (
                await client.get(
                    "/api/contact-notes", params={"contactId": world.contact.oid}, headers=world.bob.headers
                )
            ).status_code
            for _ in range(3)
        ]
        assert statuses[-1] == 429
        listener = await app.state.stream_hub.subscribe(world.bob.principal)
        during = await scrape(client)
        app.state.stream_hub.unsubscribe(listener)
        after = await scrape(client)
        await app.state.stream_hub.close()

    refused = value(during, "contactnotes_rate_limit_refusals_total", route="/api/contact-notes")
    assert refused - value(before, "contactnotes_rate_limit_refusals_total", route="/api/contact-notes") == 2
    grew = value(during, "contactnotes_upload_bytes_total") - value(before, "contactnotes_upload_bytes_total")
    assert grew == uploaded["size"] > 0
    assert value(during, "contactnotes_stream_subscribers") == value(after, "contactnotes_stream_subscribers") + 1
