"""Every SQL statement for webhook subscriptions and deliveries; reads are scoped to an organization."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from sqlalchemy import Select, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.db.core import table_of
from contactnotes.kit.ids import new_oid
from contactnotes.models import DeliveryStatus, WebhookDelivery, WebhookDeliveryAttempt, WebhookSubscription


async def add(session: AsyncSession, subscription: WebhookSubscription) -> WebhookSubscription:
    session.add(subscription)
    await session.flush()
    return subscription


async def get(
    session: AsyncSession, org_id: int, format_name: str | None, ref: int | str
) -> WebhookSubscription | None:
    """A subscription by id in one format (each API sees its own), or in any (format_name None: the web app)."""
    key = WebhookSubscription.id == ref if isinstance(ref, int) else WebhookSubscription.oid == ref
    statement = select(WebhookSubscription).where(WebhookSubscription.org_id == org_id, key)
    if format_name is not None:
        statement = statement.where(WebhookSubscription.format == format_name)
    return (await session.scalars(statement)).first()


async def list_in_org(session: AsyncSession, org_id: int, format_name: str | None) -> list[WebhookSubscription]:
    statement = select(WebhookSubscription).where(WebhookSubscription.org_id == org_id)
    if format_name is not None:
        statement = statement.where(WebhookSubscription.format == format_name)
    return list(await session.scalars(statement.order_by(WebhookSubscription.id)))


async def delete(session: AsyncSession, subscription: WebhookSubscription) -> None:
    await session.delete(subscription)
    await session.flush()


@lru_cache(maxsize=1)
def _subscribed_types() -> Select[list[str]]:
    subscriptions = table_of(WebhookSubscription)
    return select(subscriptions.c.event_types).where(
        subscriptions.c.org_id == bindparam("org_id"), subscriptions.c.active.is_(True)
    )


async def any_active_for(session: AsyncSession, org_id: int, event_type: str) -> bool:
    """Whether any active subscription of the organization wants the event type. Asked for every event, and
    the answer is almost always no: one prepared statement with no entities to load (half the cost of
    active_for on the embedded database)."""
    rows = await session.execute(_subscribed_types(), {"org_id": org_id})
    return any(event_type in types for (types,) in rows)


async def active_for(session: AsyncSession, org_id: int, event_type: str) -> list[WebhookSubscription]:
    # Few subscriptions per organization: filtering the JSON list in Python keeps the SQL portable.
    statement = (
        select(WebhookSubscription)
        .where(WebhookSubscription.org_id == org_id, WebhookSubscription.active.is_(True))
        .order_by(WebhookSubscription.id)
    )
    return [s for s in await session.scalars(statement) if event_type in s.event_types]


async def add_delivery_once(
    session: AsyncSession,
    subscription: WebhookSubscription,
    *,
    event_id: str,
    event_type: str,
    body: str,
    at: datetime,
) -> int | None:
    """A delivery row for (subscription, event), unless one exists: returns the new id or None."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(WebhookDelivery)
        .values(
            oid=new_oid(),
            org_id=subscription.org_id,
            subscription_id=subscription.id,
            event_id=event_id,
            event_type=event_type,
            body=body,
            status=DeliveryStatus.PENDING.value,
            attempts=0,
            requested_at=at,
            created_at=at,
        )
        .on_conflict_do_nothing(index_elements=["subscription_id", "event_id"])
        .returning(WebhookDelivery.id)
    )
    return await session.scalar(statement)


async def delivery_with_subscription(
    session: AsyncSession, delivery_id: int
) -> tuple[WebhookDelivery, WebhookSubscription] | None:
    statement = (
        select(WebhookDelivery, WebhookSubscription)
        .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
        .where(WebhookDelivery.id == delivery_id)
    )
    row = (await session.execute(statement)).first()
    return (row[0], row[1]) if row else None


async def record_attempt(
    session: AsyncSession,
    delivery_id: int,
    *,
    status: DeliveryStatus,
    at: datetime,
    response_status: int | None,
    error: str | None,
) -> None:
    await session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id)
        .values(
            status=status.value,
            attempts=WebhookDelivery.attempts + 1,
            last_attempt_at=at,
            response_status=response_status,
            last_error=error,
            delivered_at=at if status == DeliveryStatus.DELIVERED else None,
        )
        .execution_options(synchronize_session=False)
    )
    # The log keeps every attempt, not only the last: a redelivery shows as a row of its own.
    outcome = DeliveryStatus.DELIVERED if status == DeliveryStatus.DELIVERED else DeliveryStatus.FAILED
    await session.execute(
        insert(WebhookDeliveryAttempt).values(
            delivery_id=delivery_id,
            attempted_at=at,
            status=outcome.value,
            response_status=response_status,
            error=error,
        )
    )


async def page_deliveries(
    session: AsyncSession, subscription_id: int, *, limit: int, offset: int
) -> tuple[list[WebhookDelivery], int]:
    total = await session.scalar(
        select(func.count()).select_from(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
    )
    statement = (
        select(WebhookDelivery)
        .where(WebhookDelivery.subscription_id == subscription_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(await session.scalars(statement)), int(total or 0)


async def get_delivery(session: AsyncSession, subscription_id: int, ref: int | str) -> WebhookDelivery | None:
    key = WebhookDelivery.id == ref if isinstance(ref, int) else WebhookDelivery.oid == ref
    statement = select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id, key)
    return (await session.scalars(statement)).first()


async def page_attempts(
    session: AsyncSession, subscription_id: int, *, limit: int
) -> list[tuple[WebhookDeliveryAttempt, WebhookDelivery]]:
    """The subscription's latest attempts, newest first, each with its delivery."""
    statement = (
        select(WebhookDeliveryAttempt, WebhookDelivery)
        .join(WebhookDelivery, WebhookDelivery.id == WebhookDeliveryAttempt.delivery_id)
        .where(WebhookDelivery.subscription_id == subscription_id)
        .order_by(WebhookDeliveryAttempt.id.desc())
        .limit(limit)
    )
    return [(row[0], row[1]) for row in await session.execute(statement)]
