"""Our TetherAI-style webhook subscriptions (/api/webhooks) and the payloads their receivers get."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import Field, WithJsonSchema

from contactnotes.http.auth import PrincipalDep
from contactnotes.http.deps import SessionDep, SettingsDep
from contactnotes.http.inputs import JsonBool, NoNulText
from contactnotes.jobs.events import WEBHOOK_EVENTS
from contactnotes.kit.clock import iso_millis
from contactnotes.kit.unset import UNSET
from contactnotes.webhooks import service as webhooks
from contactnotes.webhooks.schemas import (
    DeliveryView,
    Format,
    WebhookCreate,
    WebhookEvent,
    WebhookUpdate,
    WebhookView,
)
from contactnotes.webhooks.service import MAX_SECRET, MIN_SECRET

from .deps import MAX_OFFSET
from .mapping import note_out
from .route import TetherRoute, errors
from .wire import Envelope, Pagination, WireModel

EVENT_TYPES = [e.value for e in WEBHOOK_EVENTS]

ERRORS = errors(
    403,
    404,
    always=(400, 401, 500, 503),
    described={403: "The caller is not an organization admin", 404: "No such webhook in the caller's organization"},
)

router = APIRouter(prefix="/api/webhooks", route_class=TetherRoute, tags=["Webhook"])


# ---- wire -------------------------------------------------------------------------------------------


# What webhooks/service.py checks, in the document too: known event types, and a secret of 16-200 characters
# (on create, an empty one is as good as none: one is made).
EventName = Annotated[str, WithJsonSchema({"type": "string", "enum": EVENT_TYPES})]
SECRET = {"type": "string", "minLength": MIN_SECRET, "maxLength": MAX_SECRET}
NewSecret = Annotated[str, WithJsonSchema({"anyOf": [SECRET, {"type": "string", "maxLength": 0}]})]
Secret = Annotated[str, WithJsonSchema(SECRET)]


class WebhookIn(WireModel, NoNulText):
    url: Annotated[str, Field(max_length=2000, description="Receiver; must be public unless allowed by config.")]
    events: list[EventName] = Field(
        default_factory=lambda: list(EVENT_TYPES), description=f"Event types wanted: {', '.join(EVENT_TYPES)}."
    )
    secret: NewSecret | None = Field(default=None, description="16-200 characters; made for you when absent.")
    description: str = Field(default="", max_length=500)
    active: JsonBool = True


class WebhookPatchIn(WireModel, NoNulText):
    url: str | None = Field(default=None, max_length=2000)
    events: list[EventName] | None = None
    secret: Secret | None = Field(default=None, description="16-200 characters; null keeps the current one.")
    description: str | None = Field(default=None, max_length=500)
    active: JsonBool | None = None


class WebhookOut(WireModel):
    id: str = Field(alias="_id")
    url: str
    events: list[str]
    description: str
    active: bool
    secret: str | None = Field(default=None, description="Only in the answer to create.")
    created_at: str = Field(alias="createdAt")
    updated_at: str = Field(alias="updatedAt")


class DeliveryOut(WireModel):
    id: str = Field(alias="_id")
    event_id: str = Field(alias="eventId")
    event_type: str = Field(alias="eventType")
    status: str = Field(description="pending, delivered or failed")
    attempts: int
    response_status: int | None = Field(alias="responseStatus")
    last_error: str | None = Field(alias="lastError")
    created_at: str = Field(alias="createdAt")
    last_attempt_at: str | None = Field(alias="lastAttemptAt")
    delivered_at: str | None = Field(alias="deliveredAt")


class DeliveryList(WireModel):
    success: bool = True
    data: list[DeliveryOut]
    pagination: Pagination


class Done(WireModel):
    success: bool = True
    message: str


# ---- mapping ----------------------------------------------------------------------------------------


def _iso(value: Any) -> str | None:
    return iso_millis(value) if value is not None else None


def webhook_out(view: WebhookView) -> WebhookOut:
    return WebhookOut(
        id=view.oid,
        url=view.payload_url,
        events=view.event_types,
        description=view.description,
        active=view.active,
        secret=view.secret,
        created_at=iso_millis(view.created_at),
        updated_at=iso_millis(view.updated_at),
    )


def delivery_out(view: DeliveryView) -> DeliveryOut:
    return DeliveryOut(
        id=view.oid,
        event_id=view.event_id,
        event_type=view.event_type,
        status=view.status,
        attempts=view.attempts,
        response_status=view.response_status,
        last_error=view.last_error,
        created_at=iso_millis(view.created_at),
        last_attempt_at=_iso(view.last_attempt_at),
        delivered_at=_iso(view.delivered_at),
    )


def webhook_payload(event: WebhookEvent) -> dict[str, Any]:
    """The body a Tether-format receiver gets: {id, type, time, data: {note, user?, reminder?}}."""
    data: dict[str, Any] = {"note": note_out(event.note).model_dump(by_alias=True) if event.note else None}
    if event.user is not None:
        data["user"] = {"_id": event.user.oid, "fullName": event.user.full_name, "email": event.user.email}
    if event.reminder is not None:
        data["reminder"] = {
            "_id": event.reminder.oid,
            "message": event.reminder.message,
            "targetDate": iso_millis(event.reminder.target_date),
            "owner": {"_id": event.reminder.owner.oid, "fullName": event.reminder.owner.full_name},
        }
    return {"id": event.event_id, "type": event.type, "time": iso_millis(event.occurred_at), "data": data}


# ---- routes -----------------------------------------------------------------------------------------


@router.post("", status_code=status.HTTP_201_CREATED, response_model=Envelope[WebhookOut], responses=ERRORS)
async def create_webhook(
    body: WebhookIn, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> Envelope[WebhookOut]:
    """Subscribe a receiver to events; the answer carries the signing secret, shown this once."""
    view = await webhooks.create(
        session,
        principal,
        Format.TETHER,
        WebhookCreate(body.url, body.events, body.secret, body.description, body.active),
        allow_private=settings.webhooks_allow_private_urls,
    )
    return Envelope(message="Webhook created", data=webhook_out(view))


@router.get("", response_model=Envelope[list[WebhookOut]], responses=ERRORS)
async def list_webhooks(session: SessionDep, principal: PrincipalDep) -> Envelope[list[WebhookOut]]:
    """The organization's webhooks."""
    views = await webhooks.list_subscriptions(session, principal, Format.TETHER)
    return Envelope(message="Webhooks", data=[webhook_out(v) for v in views])


@router.get("/{webhook_id}", response_model=Envelope[WebhookOut], responses=ERRORS)
async def get_webhook(webhook_id: str, session: SessionDep, principal: PrincipalDep) -> Envelope[WebhookOut]:
    """One webhook (without its secret)."""
    view = await webhooks.get(session, principal, Format.TETHER, webhook_id.lower())
    return Envelope(message="Webhook", data=webhook_out(view))


@router.patch("/{webhook_id}", response_model=Envelope[WebhookOut], responses=ERRORS)
async def update_webhook(
    webhook_id: str, body: WebhookPatchIn, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> Envelope[WebhookOut]:
    """Change the fields sent; the others stay."""
    sent = body.model_fields_set
    data = WebhookUpdate(
        payload_url=body.url if "url" in sent and body.url is not None else UNSET,
        event_types=body.events if "events" in sent and body.events is not None else UNSET,
        secret=body.secret if "secret" in sent and body.secret is not None else UNSET,
        description=body.description if "description" in sent and body.description is not None else UNSET,
        active=body.active if "active" in sent and body.active is not None else UNSET,
    )
    view = await webhooks.update(
        session, principal, Format.TETHER, webhook_id.lower(), data, allow_private=settings.webhooks_allow_private_urls
    )
    return Envelope(message="Webhook updated", data=webhook_out(view))


@router.delete("/{webhook_id}", response_model=Done, responses=ERRORS)
async def delete_webhook(webhook_id: str, session: SessionDep, principal: PrincipalDep) -> Done:
    """Unsubscribe; pending deliveries are dropped."""
    await webhooks.delete(session, principal, Format.TETHER, webhook_id.lower())
    return Done(message="Webhook deleted")


@router.get("/{webhook_id}/deliveries", response_model=DeliveryList, responses=ERRORS)
async def list_deliveries(
    webhook_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,  # a larger one overflows the database's integer
) -> DeliveryList:
    """The webhook's delivery log, newest first."""
    page = await webhooks.deliveries(session, principal, Format.TETHER, webhook_id.lower(), limit=limit, offset=offset)
    return DeliveryList(
        data=[delivery_out(d) for d in page.items],
        pagination=Pagination(total=page.total, limit=limit, offset=offset, has_more=offset + limit < page.total),
    )


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/redeliver",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Envelope[DeliveryOut],
    responses=ERRORS,
)
async def redeliver(
    webhook_id: str, delivery_id: str, session: SessionDep, principal: PrincipalDep
) -> Envelope[DeliveryOut]:
    """Send a delivery again: the same body and event id, with a fresh round of retries."""
    view = await webhooks.redeliver(session, principal, Format.TETHER, webhook_id.lower(), delivery_id.lower())
    return Envelope(message="Redelivery queued", data=delivery_out(view))
