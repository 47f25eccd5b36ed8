"""Webhook deliveries to a real receiver on loopback: body, signature, retries, permanent failures, redeliver."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from contactnotes.app import create_app
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.errors import Invalid
from contactnotes.http.auth import PrincipalDep
from contactnotes.http.deps import SessionDep
from contactnotes.models import OutboxEvent
from contactnotes.notes import service as notes
from contactnotes.notes.schemas import NoteCreate
from contactnotes.settings import Settings
from tests.events.conftest import create_note, subscribe, work
from tests.events.receiver import Receiver
from tests.factories import World


def verify(secret: str, headers: dict[str, str], body: bytes, tolerance: int = 300) -> bool:
    """Exactly what docs/events.md tells receivers to do."""
    timestamp = headers["x-contactnotes-timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance:
        return False
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(mac).decode(), headers["x-contactnotes-signature"])


async def deliveries(client: httpx.AsyncClient, headers: dict[str, str], hook_id: str) -> list[dict]:  # type: ignore[type-arg]
    response = await client.get(f"/api/webhooks/{hook_id}/deliveries", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


class TestDelivery:
    async def test_a_created_note_reaches_the_receiver_signed_with_the_tether_note(
        self, client: httpx.AsyncClient, world: World, receiver: Receiver, settings: Settings, database: Database
    ) -> None:
        hook = await subscribe(client, world.ada.headers, receiver.url(), events=["note.created"])
        note = await create_note(client, world.alice.headers, world.contact.oid, note="Called about the W2")

        await work(settings, database)

        [request] = receiver.wait_for(1)
        assert verify(hook["secret"], request.headers, request.body)
        assert not verify("another secret of some length", request.headers, request.body)
        redated = {
            **request.headers,
            "x-contactnotes-timestamp": str(int(request.headers["x-contactnotes-timestamp"]) - 1),
        }
        assert not verify(hook["secret"], redated, request.body)  # a replay cannot be re-dated
        body = request.json
        assert body["type"] == "note.created"
        assert body["id"] == request.headers["x-contactnotes-event-id"]
        assert body["time"].endswith("Z")
        assert body["data"]["note"]["_id"] == note["_id"]
        assert body["data"]["note"]["note"] == "Called about the W2"
        assert body["data"]["note"]["userId"]["_id"] == world.alice.oid
        [logged] = await deliveries(client, world.ada.headers, hook["_id"])
        assert logged["status"] == "delivered" and logged["attempts"] == 1 and logged["responseStatus"] == 200
        assert logged["eventId"] == body["id"]

    async def test_a_mention_is_delivered_with_the_mentioned_user(
        self, client: httpx.AsyncClient, world: World, receiver: Receiver, settings: Settings, database: Database
    ) -> None:
        await subscribe(client, world.ada.headers, receiver.url(), events=["user.mentioned"])
        note = await create_note(client, world.alice.headers, world.contact.oid, note="@bob please call back")

        await work(settings, database)

        [request] = receiver.wait_for(1)
        assert request.json["type"] == "user.mentioned"
        assert request.json["data"]["user"]["_id"] == world.bob.oid
        assert request.json["data"]["note"]["_id"] == note["_id"]

    async def test_private_notes_are_not_sent_to_organization_receivers(
        self, client: httpx.AsyncClient, world: World, receiver: Receiver, settings: Settings, database: Database
    ) -> None:
        hook = await subscribe(client, world.ada.headers, receiver.url(), events=["note.created"])
        await create_note(client, world.alice.headers, world.contact.oid, note="just for me", private=True)
        public = await create_note(client, world.alice.headers, world.contact.oid, note="for everyone")

        await work(settings, database)

        assert [r.json["data"]["note"]["_id"] for r in receiver.wait_for(1)] == [public["_id"]]
        assert len(await deliveries(client, world.ada.headers, hook["_id"])) == 1

    async def test_a_server_error_is_retried_with_the_same_event_id(
        self, client: httpx.AsyncClient, world: World, receiver: Receiver, settings: Settings, database: Database
    ) -> None:
        hook = await subscribe(client, world.ada.headers, receiver.url())
        receiver.answers = [500, 429]
        await create_note(client, world.alice.headers, world.contact.oid, note="retry me")

        for _ in range(200):  # each pass handles what is due; backoff here is 50 ms, then 100 ms
            await work(settings, database)
            if len(receiver.received) >= 3:
                break
        requests = receiver.wait_for(3)
        assert len({r.json["id"] for r in requests}) == 1
        [logged] = await deliveries(client, world.ada.headers, hook["_id"])
        assert logged["status"] == "delivered" and logged["attempts"] == 3

    async def test_a_client_error_is_permanent(
        self, client: httpx.AsyncClient, world: World, receiver: Receiver, settings: Settings, database: Database
    ) -> None:
        hook = await subscribe(client, world.ada.headers, receiver.url())
        receiver.answers = [410]
        await create_note(client, world.alice.headers, world.contact.oid, note="gone")

        await work(settings, database)
        await work(settings, database)

        assert len(receiver.wait_for(1)) == 1
        [logged] = await deliveries(client, world.ada.headers, hook["_id"])
        assert logged["status"] == "failed" and logged["responseStatus"] == 410 and logged["attempts"] == 1

    async def test_redeliver_sends_the_same_event_again(
        self, client: httpx.AsyncClient, world: World, receiver: Receiver, settings: Settings, database: Database
    ) -> None:
        hook = await subscribe(client, world.ada.headers, receiver.url())
        await create_note(client, world.alice.headers, world.contact.oid, note="again")
        await work(settings, database)
        [logged] = await deliveries(client, world.ada.headers, hook["_id"])

        response = await client.post(
            f"/api/webhooks/{hook['_id']}/deliveries/{logged['_id']}/redeliver", headers=world.ada.headers
        )
        assert response.status_code == 202, response.text
        await work(settings, database)

        first, second = receiver.wait_for(2)
        assert first.body == second.body
        assert first.json["id"] == second.json["id"] == logged["eventId"]
        assert verify(hook["secret"], second.headers, second.body)

    async def test_a_virtuous_subscription_gets_the_virtuous_note_and_body_signature(
        self, client: httpx.AsyncClient, world: World, receiver: Receiver, settings: Settings, database: Database
    ) -> None:
        secret = "virtuous-secret-0123456789"
        response = await client.post(
            "/api/Webhook",
            json={"payloadUrl": receiver.url(), "secret": secret, "contactNoteCreate": True, "active": True},
            headers=world.ada.headers,
        )
        assert response.status_code == 200, response.text
        note = await create_note(client, world.alice.headers, world.contact.oid, note="from Tether, seen as Virtuous")

        await work(settings, database)

        [request] = receiver.wait_for(1)
        expected = base64.b64encode(hmac.new(secret.encode(), request.body, hashlib.sha256).digest()).decode()
        assert request.headers["x-virtuous-signature"] == expected
        assert verify(secret, request.headers, request.body)
        body = request.json
        assert body["type"] == "contactNoteCreate"
        assert body["data"]["note"] == "from Tether, seen as Virtuous"
        assert body["data"]["contactId"] == world.contact.id
        assert body["data"]["createdByUser"] == "Alice Author"
        assert isinstance(body["data"]["id"], int) and note["_id"]


class TestRollback:
    async def test_a_request_whose_transaction_rolls_back_sends_nothing(
        self, settings: Settings, database: Database, world: World, receiver: Receiver
    ) -> None:
        app: FastAPI = create_app(settings, database)

        @app.post("/test/create-then-fail")
        async def create_then_fail(session: SessionDep, principal: PrincipalDep) -> None:
            await notes.create_note(session, principal, NoteCreate(contact=world.contact.id, body="@bob never"))
            raise Invalid.field("note", "failed after the note was written")

        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://t"
        ) as client:
            await subscribe(client, world.ada.headers, receiver.url())
            response = await client.post("/test/create-then-fail", headers=world.alice.headers)
            assert response.status_code == 500

        async with unit_of_work(database) as session:
            assert await session.scalar(select(func.count()).select_from(OutboxEvent)) == 0
        assert await work(settings, database) == 0
        assert receiver.received == []


@pytest.mark.parametrize("status", [408, 429, 503])
def test_retryable_answers(status: int) -> None:
    from contactnotes.webhooks.delivery import classify

    assert classify(status).retryable and not classify(status).delivered


@pytest.mark.parametrize("status", [301, 400, 401, 404, 410, 422])
def test_permanent_answers(status: int) -> None:
    from contactnotes.webhooks.delivery import classify

    assert not classify(status).retryable and not classify(status).delivered


@pytest.mark.parametrize(("retry_after", "wait"), [("30", 30.0), ("²", None), ("soon", None), (None, None)])
def test_retry_after_is_read_only_when_it_is_seconds(retry_after: str | None, wait: float | None) -> None:
    # "²" is a digit to str.isdigit() that float() refuses: it raised inside the worker.
    from contactnotes.webhooks.delivery import classify

    assert classify(503, retry_after).retry_after == wait


def test_json_is_compact() -> None:
    assert json.dumps({"a": 1}, separators=(",", ":")) == '{"a":1}'


class TestLinkedContacts:
    async def test_both_formats_name_every_contact_of_the_note(
        self, client: httpx.AsyncClient, world: World, receiver: Receiver, settings: Settings, database: Database
    ) -> None:
        await subscribe(client, world.ada.headers, receiver.url("/tether"), events=["note.created", "note.updated"])
        response = await client.post(
            "/api/Webhook",
            json={
                "payloadUrl": receiver.url("/virtuous"),
                "secret": "virtuous-secret-0123456789",
                "contactNoteCreate": True,
                "active": True,
            },
            headers=world.ada.headers,
        )
        assert response.status_code == 200, response.text
        both = [world.contact.oid, world.other_contact.oid]
        note = await create_note(client, world.alice.headers, world.contact.oid, contactIds=both, note="Meeting")
        relinked = await client.patch(
            f"/api/contact-notes/{note['_id']}", json={"contactIds": [world.contact.oid]}, headers=world.alice.headers
        )
        assert relinked.status_code == 200, relinked.text

        await work(settings, database)

        by_path = {}
        for request in receiver.wait_for(3):
            by_path.setdefault(request.path, []).append(request.json)
        created, updated = sorted(by_path["/tether"], key=lambda body: body["type"])
        assert created["type"] == "note.created"
        assert created["data"]["note"]["contactId"] == world.contact.oid
        assert created["data"]["note"]["contactIds"] == both
        assert [c["displayName"] for c in created["data"]["note"]["contacts"]] == ["Jordan Lee", "Priya Natarajan"]
        assert updated["data"]["note"]["contactIds"] == [world.contact.oid]  # the snapshot of that change
        [virtuous] = by_path["/virtuous"]
        assert virtuous["data"]["contactId"] == world.contact.id  # Virtuous's one contact: the primary
        assert virtuous["contactIds"] == [world.contact.id, world.other_contact.id]
