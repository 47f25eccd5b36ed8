"""Webhook subscriptions: organization admins manage them; each dialect sees the ones in its own format."""

from __future__ import annotations

import secrets as secrets_lib

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.errors import Forbidden, Invalid, NotFound
from contactnotes.jobs.events import WEBHOOK_EVENTS, EventType
from contactnotes.jobs.queue import enqueue
from contactnotes.kit.clock import utc_now
from contactnotes.kit.unset import Unset
from contactnotes.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from contactnotes.webhooks import repository
from contactnotes.webhooks.schemas import (
    AttemptView,
    DeliveryPage,
    DeliveryView,
    WebhookCreate,
    WebhookUpdate,
    WebhookView,
)
from contactnotes.webhooks.urls import RefusedUrl, check_destination

NOT_FOUND = "Webhook not found"
SUBSCRIBABLE = [event.value for event in WEBHOOK_EVENTS]
MAX_SECRET = 200
MIN_SECRET = 16


def _require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden("Only organization admins manage webhooks")


async def _check_url(url: str, *, allow_private: bool, field: str) -> str:
    url = url.strip()
    if len(url) > 2000:
        raise Invalid.field(field, "URL is longer than 2000 characters", "TOO_LONG")
    try:
        await check_destination(url, allow_private=allow_private)
    except RefusedUrl as exc:
        raise Invalid.field(field, f"{field} {exc}", "URL_REFUSED") from exc
    return url


def _check_events(event_types: list[str], field: str) -> list[str]:
    unknown = [e for e in event_types if e not in SUBSCRIBABLE]
    if unknown:
        raise Invalid.field(field, f"unknown event type {unknown[0]!r}; one of {', '.join(SUBSCRIBABLE)}")
    return [e for e in SUBSCRIBABLE if e in event_types]  # canonical order, no duplicates


def _check_secret(secret: str, field: str) -> str:
    if not MIN_SECRET <= len(secret) <= MAX_SECRET:
        raise Invalid.field(field, f"secret must have {MIN_SECRET} to {MAX_SECRET} characters")
    return secret


def _view(subscription: WebhookSubscription, *, with_secret: bool = False) -> WebhookView:
    return WebhookView(
        id=subscription.id,
        oid=subscription.oid,
        format=subscription.format,
        payload_url=subscription.payload_url,
        event_types=list(subscription.event_types),
        description=subscription.description,
        active=subscription.active,
        created_at=subscription.created_at,
        updated_at=subscription.updated_at,
        secret=subscription.secret if with_secret else None,
    )


async def _get(
    session: AsyncSession, principal: Principal, format_name: str | None, ref: int | str
) -> WebhookSubscription:
    """The caller's organization's subscription (in one format, or any: None), for an admin. Looked up
    first: an id that is not one of the organization's is 404 whoever asks, so a member of another
    organization learns nothing from a 403."""
    subscription = await repository.get(session, principal.org_id, format_name, ref)
    if subscription is None:
        raise NotFound(NOT_FOUND)
    _require_admin(principal)
    return subscription


async def create(
    session: AsyncSession,
    principal: Principal,
    format_name: str,
    data: WebhookCreate,
    *,
    allow_private: bool,
    field_names: dict[str, str] | None = None,
) -> WebhookView:
    """Subscribe a receiver. The secret is made here when none is given and is returned this once."""
    names = {"payload_url": "url", "event_types": "events", "secret": "secret", **(field_names or {})}
    _require_admin(principal)
    url = await _check_url(data.payload_url, allow_private=allow_private, field=names["payload_url"])
    events = _check_events(data.event_types, names["event_types"])
    secret = _check_secret(data.secret, names["secret"]) if data.secret else secrets_lib.token_urlsafe(32)
    now = utc_now()
    subscription = await repository.add(
        session,
        WebhookSubscription(
            org_id=principal.org_id,
            created_by_id=principal.user_id,
            format=format_name,
            payload_url=url,
            secret=secret,
            event_types=events,
            description=data.description[:500],
            active=data.active,
            created_at=now,
            updated_at=now,
        ),
    )
    return _view(subscription, with_secret=True)


async def list_subscriptions(session: AsyncSession, principal: Principal, format_name: str | None) -> list[WebhookView]:
    _require_admin(principal)
    return [_view(s) for s in await repository.list_in_org(session, principal.org_id, format_name)]


async def get(session: AsyncSession, principal: Principal, format_name: str | None, ref: int | str) -> WebhookView:
    return _view(await _get(session, principal, format_name, ref))


async def update(
    session: AsyncSession,
    principal: Principal,
    format_name: str | None,
    ref: int | str,
    data: WebhookUpdate,
    *,
    allow_private: bool,
    field_names: dict[str, str] | None = None,
) -> WebhookView:
    names = {"payload_url": "url", "event_types": "events", "secret": "secret", **(field_names or {})}
    subscription = await _get(session, principal, format_name, ref)
    if not isinstance(data.payload_url, Unset):
        subscription.payload_url = await _check_url(
            data.payload_url, allow_private=allow_private, field=names["payload_url"]
        )
    if not isinstance(data.event_types, Unset):
        subscription.event_types = _check_events(data.event_types, names["event_types"])
    if not isinstance(data.secret, Unset):
        subscription.secret = _check_secret(data.secret, names["secret"])
    if not isinstance(data.description, Unset):
        subscription.description = data.description[:500]
    if not isinstance(data.active, Unset):
        subscription.active = data.active
    subscription.updated_at = utc_now()
    await session.flush()
    return _view(subscription)


async def delete(session: AsyncSession, principal: Principal, format_name: str | None, ref: int | str) -> None:
    """Unsubscribe; deliveries not yet made are dropped with their log."""
    await repository.delete(session, await _get(session, principal, format_name, ref))


def _delivery_view(delivery: WebhookDelivery) -> DeliveryView:
    return DeliveryView(
        id=delivery.id,
        oid=delivery.oid,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        status=delivery.status,
        attempts=delivery.attempts,
        response_status=delivery.response_status,
        last_error=delivery.last_error,
        created_at=delivery.created_at,
        last_attempt_at=delivery.last_attempt_at,
        delivered_at=delivery.delivered_at,
    )


async def deliveries(
    session: AsyncSession, principal: Principal, format_name: str | None, ref: int | str, *, limit: int, offset: int
) -> DeliveryPage:
    """The subscription's delivery log, newest first."""
    subscription = await _get(session, principal, format_name, ref)
    rows, total = await repository.page_deliveries(session, subscription.id, limit=limit, offset=offset)
    return DeliveryPage([_delivery_view(d) for d in rows], total)


async def redeliver(
    session: AsyncSession, principal: Principal, format_name: str | None, ref: int | str, delivery_ref: int | str
) -> DeliveryView:
    """Send a delivery again, the same body and event id, with a fresh round of retries."""
    subscription = await _get(session, principal, format_name, ref)
    delivery = await repository.get_delivery(session, subscription.id, delivery_ref)
    if delivery is None:
        raise NotFound("Delivery not found")
    delivery.status = DeliveryStatus.PENDING.value
    delivery.attempts = 0
    delivery.requested_at = utc_now()
    await session.flush()
    await enqueue(session, principal.org_id, EventType.WEBHOOK_DELIVERY, delivery_id=delivery.id)
    return _delivery_view(delivery)


LOG_SHOWN = 100


async def attempt_log(
    session: AsyncSession, principal: Principal, format_name: str | None, ref: int | str, *, limit: int = LOG_SHOWN
) -> list[AttemptView]:
    """Each HTTP attempt of the subscription's deliveries, newest first (a redelivery adds one)."""
    subscription = await _get(session, principal, format_name, ref)
    rows = await repository.page_attempts(session, subscription.id, limit=limit)
    return [
        AttemptView(
            delivery_oid=delivery.oid,
            event_id=delivery.event_id,
            event_type=delivery.event_type,
            attempted_at=attempt.attempted_at,
            status=attempt.status,
            response_status=attempt.response_status,
            error=attempt.error,
            delivery_status=delivery.status,
        )
        for attempt, delivery in rows
    ]
