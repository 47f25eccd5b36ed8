"""Every SQL statement for webhook subscriptions and deliveries; reads are scoped to an organization."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.kit.ids import new_oid
from contactnotes.models import DeliveryStatus, WebhookDelivery, WebhookSubscription


async def add(session: AsyncSession, subscription: WebhookSubscription) -> WebhookSubscription:
    session.add(subscription)
    await session.flush()
    return subscription


async def get(session: AsyncSession, org_id: int, format_name: str, ref: int | str) -> WebhookSubscription | None:
    key = WebhookSubscription.id == ref if isinstance(ref, int) else WebhookSubscription.oid == ref
    statement = select(WebhookSubscription).where(
        WebhookSubscription.org_id == org_id, WebhookSubscription.format == format_name, key
    )
    return (await session.scalars(statement)).first()


async def list_in_org(session: AsyncSession, org_id: int, format_name: str) -> list[WebhookSubscription]:
    statement = (
        select(WebhookSubscription)
        .where(WebhookSubscription.org_id == org_id, WebhookSubscription.format == format_name)
        .order_by(WebhookSubscription.id)
    )
    return list(await session.scalars(statement))


async def delete(session: AsyncSession, subscription: WebhookSubscription) -> None:
    await session.delete(subscription)
    await session.flush()


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
