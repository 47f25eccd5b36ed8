"""Webhook delivery, run by workers: fan an event out to subscriptions, then sign and POST each one.

Two steps, so a slow or failing receiver never holds up the others: fan-out writes one delivery row per
subscription (unique per event, so a re-run adds nothing) and one outbox item per row; each item then
makes one HTTP attempt outside any database transaction and records the result.
"""

from __future__ import annotations

import json
import logging
import random
from dataclasses import dataclass
from typing import Any

import httpx

from contactnotes.db.uow import unit_of_work
from contactnotes.jobs.events import EventType
from contactnotes.jobs.queue import enqueue
from contactnotes.jobs.registry import JobContext, OutboxItem, Retry
from contactnotes.kit.clock import epoch_seconds, utc_now
from contactnotes.kit.signing import sign, signed_message
from contactnotes.models import DeliveryStatus
from contactnotes.notes import events
from contactnotes.notes.events import LoadedEvent
from contactnotes.observability import metrics
from contactnotes.webhooks import repository
from contactnotes.webhooks.schemas import PayloadRenderers, WebhookEvent
from contactnotes.webhooks.urls import RefusedUrl, check_shape, guarded_client

log = logging.getLogger("contactnotes.webhooks")

SIGNATURE_HEADER = "X-Contactnotes-Signature"
TIMESTAMP_HEADER = "X-Contactnotes-Timestamp"
EVENT_ID_HEADER = "X-Contactnotes-Event-Id"
EVENT_TYPE_HEADER = "X-Contactnotes-Event-Type"
# Virtuous's documented scheme: Base64 HMAC-SHA256 of the body alone (its header name is not published).
USER_AGENT = "contactnotes-webhooks/1"
MAX_BACKOFF_SECONDS = 3600.0
RENDERERS = "webhook_renderers"
HTTP_CLIENT = "webhook_http"


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    retryable: bool
    response_status: int | None
    error: str | None
    retry_after: float | None = None


def classify(status: int, retry_after: str | None = None) -> Outcome:
    """2xx delivered; 408, 429 and 5xx worth retrying; any other answer permanent (3xx are not followed)."""
    if 200 <= status < 300:
        return Outcome(True, False, status, None)
    retryable = status in (408, 429) or status >= 500
    wait = float(retry_after) if retry_after and retry_after.isascii() and retry_after.isdigit() else None
    return Outcome(False, retryable, status, f"receiver answered HTTP {status}", wait)


def headers_for(
    renderers: PayloadRenderers,
    format_name: str,
    secret: str,
    body: bytes,
    event_id: str,
    event_type: str,
    timestamp: int,
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        EVENT_ID_HEADER: event_id,
        EVENT_TYPE_HEADER: event_type,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, signed_message(timestamp, body)),
        **renderers.headers(format_name, secret, body),
    }


def _webhook_event(loaded: LoadedEvent) -> WebhookEvent | None:
    """What an organization's receiver (nobody in particular) may be told, from the event's snapshot; None
    when nothing: a note private then or now, or deleted since (note.deleted excepted), or nothing to say."""
    state = loaded.state
    if not loaded.visible_to(loaded.org_id, None):
        return None
    about = state.reminder if loaded.type == EventType.REMINDER_DUE else state.note
    if about is None:
        return None
    return WebhookEvent(loaded.event_id, loaded.type, loaded.occurred_at, state.note, state.user, state.reminder)


async def fan_out(context: JobContext, item: OutboxItem) -> None:
    async with context.database.read_session() as session:
        if not await repository.any_active_for(session, item.org_id, item.type):
            return
    renderers: PayloadRenderers = context.service(RENDERERS)
    async with unit_of_work(context.database) as session:
        subscriptions = await repository.active_for(session, item.org_id, item.type)
        if not subscriptions:
            return
        [loaded] = await events.load(session, [item])
        event = _webhook_event(loaded)
        if event is None:
            return
        now = utc_now()
        for subscription in subscriptions:
            body = json.dumps(renderers.render(subscription.format, event), separators=(",", ":"), ensure_ascii=False)
            delivery_id = await repository.add_delivery_once(
                session, subscription, event_id=item.event_id, event_type=item.type, body=body, at=now
            )
            if delivery_id is not None:
                await enqueue(session, item.org_id, EventType.WEBHOOK_DELIVERY, delivery_id=delivery_id)


def erasure_body(item: OutboxItem) -> dict[str, Any]:
    """contact.erased is the same in every format: who was erased (ids), when, and how much went; never what."""
    erasure = (item.snapshot or {}).get("erasure", {})
    return {"id": item.event_id, "type": item.type, "time": item.created_at.isoformat(), "data": erasure}


async def fan_out_erasure(context: JobContext, item: OutboxItem) -> None:
    async with unit_of_work(context.database) as session:
        body = json.dumps(erasure_body(item), separators=(",", ":"), ensure_ascii=False)
        now = utc_now()
        for subscription in await repository.active_for(session, item.org_id, item.type):
            delivery_id = await repository.add_delivery_once(
                session, subscription, event_id=item.event_id, event_type=item.type, body=body, at=now
            )
            if delivery_id is not None:
                await enqueue(session, item.org_id, EventType.WEBHOOK_DELIVERY, delivery_id=delivery_id)


def _client(context: JobContext) -> httpx.AsyncClient:
    client = context.services.get(HTTP_CLIENT)
    if client is None:
        settings = context.settings
        client = guarded_client(
            timeout=settings.webhook_timeout_seconds, allow_private=settings.webhooks_allow_private_urls
        )
        context.services[HTTP_CLIENT] = client
    return client


async def post(context: JobContext, url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    # The address is checked as the connection is made (urls.GuardedBackend): resolved once, checked, and
    # connected to, so a name cannot answer the check with one address and the connection with another.
    try:
        check_shape(url)
        response = await _client(context).post(url, content=body, headers=headers)
    except RefusedUrl as exc:
        return Outcome(False, False, None, f"payload URL refused: {exc}")
    except httpx.TimeoutException:
        return Outcome(False, True, None, "timed out")
    except httpx.HTTPError as exc:
        return Outcome(False, True, None, f"{exc.__class__.__name__}: {exc}"[:500])
    return classify(response.status_code, response.headers.get("retry-after"))


async def deliver(context: JobContext, item: OutboxItem) -> None:
    settings = context.settings
    delivery_id = int(item.payload["delivery_id"])
    async with unit_of_work(context.database) as session:
        found = await repository.delivery_with_subscription(session, delivery_id)
        if found is None:
            return  # the subscription was deleted
        delivery, subscription = found
        if delivery.status != DeliveryStatus.PENDING:
            return  # already settled (a redelivery made a new item)
        if not subscription.active:
            await repository.record_attempt(
                session, delivery.id, status=DeliveryStatus.FAILED, at=utc_now(), response_status=None,
                error="subscription is inactive",
            )  # fmt: skip
            return
        url, secret, format_name = subscription.payload_url, subscription.secret, subscription.format
        body, event_id, event_type = delivery.body.encode(), delivery.event_id, delivery.event_type
        attempt, requested_at = delivery.attempts + 1, delivery.requested_at

    renderers: PayloadRenderers = context.service(RENDERERS)
    headers = headers_for(renderers, format_name, secret, body, event_id, event_type, int(epoch_seconds()))
    outcome = await post(context, url, body, headers)

    now = utc_now()
    age = (now - requested_at).total_seconds()
    will_retry = (
        outcome.retryable and attempt < settings.webhook_max_attempts and age < settings.webhook_max_age_seconds
    )
    status = (
        DeliveryStatus.DELIVERED
        if outcome.delivered
        else DeliveryStatus.PENDING
        if will_retry
        else DeliveryStatus.FAILED
    )
    async with unit_of_work(context.database) as session:
        await repository.record_attempt(
            session, delivery_id, status=status, at=now, response_status=outcome.response_status, error=outcome.error
        )
    metrics.WEBHOOK_DELIVERIES.labels("delivered" if outcome.delivered else "retry" if will_retry else "failed").inc()
    if will_retry:
        backoff = settings.webhook_backoff_base_seconds * 2 ** (attempt - 1) * random.uniform(0.8, 1.2)
        delay = min(max(backoff, outcome.retry_after or 0), MAX_BACKOFF_SECONDS)
        raise Retry(delay, f"attempt {attempt}: {outcome.error}")
    if status == DeliveryStatus.FAILED:
        log.info("webhook delivery %s failed for good: %s", delivery_id, outcome.error)
