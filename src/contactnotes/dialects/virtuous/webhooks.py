"""Virtuous's webhook subscriptions: /api/Webhook with one toggle per note event."""

from __future__ import annotations

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from contactnotes.http.auth import PrincipalDep
from contactnotes.http.deps import SessionDep, SettingsDep
from contactnotes.http.inputs import NoNulText
from contactnotes.jobs.events import EventType
from contactnotes.kit.unset import UNSET
from contactnotes.webhooks import service as webhooks
from contactnotes.webhooks.schemas import Format, WebhookCreate, WebhookUpdate, WebhookView
from contactnotes.webhooks.service import MAX_SECRET, MIN_SECRET

from .dates import utc_text
from .route import VirtuousRoute, errors
from .wire import MAX_ID, LenientBool

TOGGLES = {
    "contactNoteCreate": EventType.NOTE_CREATED.value,
    "contactNoteUpdate": EventType.NOTE_UPDATED.value,
    "contactNoteDelete": EventType.NOTE_DELETED.value,
}
FIELD_NAMES = {"payload_url": "payloadUrl", "event_types": "contactNoteCreate", "secret": "secret"}


ERRORS = errors(
    400,
    403,
    404,
    always=(401, 500, 503),
    described={403: "The caller is not an organization admin", 404: "No such webhook in the caller's organization"},
)


def _webhook_ref(raw: str) -> int:
    """The id as an integer; one that is no integer (or too large for one) names nothing, so it becomes 0, which
    no row has: the service still refuses a non-admin with 403 first, and answers an admin 404."""
    text = raw.strip()
    return int(text) if text.isascii() and text.isdigit() and int(text) <= MAX_ID else 0


router = APIRouter(prefix="/api/Webhook", route_class=VirtuousRoute, tags=["Virtuous Webhook"])


class VirtuousWebhookIn(NoNulText):
    model_config = ConfigDict(extra="ignore")

    payload_url: str = Field(alias="payloadUrl", max_length=2000)
    secret: str = Field(
        description="Signs each delivery (16-200 characters; empty: one is made).",
        json_schema_extra={
            "anyOf": [
                {"type": "string", "minLength": MIN_SECRET, "maxLength": MAX_SECRET},
                {"type": "string", "maxLength": 0},
            ]
        },
    )
    contact_note_create: LenientBool = Field(default=False, alias="contactNoteCreate")
    contact_note_update: LenientBool = Field(default=False, alias="contactNoteUpdate")
    contact_note_delete: LenientBool = Field(default=False, alias="contactNoteDelete")
    active: LenientBool = True

    def event_types(self) -> list[str]:
        chosen = (self.contact_note_create, self.contact_note_update, self.contact_note_delete)
        return [event for event, on in zip(TOGGLES.values(), chosen, strict=True) if on]


class VirtuousWebhookOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: int
    payload_url: str = Field(alias="payloadUrl")
    contact_note_create: bool = Field(alias="contactNoteCreate")
    contact_note_update: bool = Field(alias="contactNoteUpdate")
    contact_note_delete: bool = Field(alias="contactNoteDelete")
    active: bool
    create_date_time_utc: str = Field(alias="createDateTimeUtc")
    modified_date_time_utc: str = Field(alias="modifiedDateTimeUtc")


def webhook_out(view: WebhookView) -> VirtuousWebhookOut:
    return VirtuousWebhookOut(
        id=view.id,
        payload_url=view.payload_url,
        contact_note_create=TOGGLES["contactNoteCreate"] in view.event_types,
        contact_note_update=TOGGLES["contactNoteUpdate"] in view.event_types,
        contact_note_delete=TOGGLES["contactNoteDelete"] in view.event_types,
        active=view.active,
        create_date_time_utc=utc_text(view.created_at),
        modified_date_time_utc=utc_text(view.updated_at),
    )


@router.post("", response_model=VirtuousWebhookOut, responses=ERRORS)
async def create_webhook(
    body: VirtuousWebhookIn, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> VirtuousWebhookOut:
    """Create a webhook subscription for contact note events."""
    view = await webhooks.create(
        session,
        principal,
        Format.VIRTUOUS,
        WebhookCreate(body.payload_url, body.event_types(), body.secret, "", body.active),
        allow_private=settings.webhooks_allow_private_urls,
        field_names=FIELD_NAMES,
    )
    return webhook_out(view)


@router.get("/{webhook_id}", response_model=VirtuousWebhookOut, responses=ERRORS)
async def get_webhook(webhook_id: str, session: SessionDep, principal: PrincipalDep) -> VirtuousWebhookOut:
    """Get a webhook subscription."""
    return webhook_out(await webhooks.get(session, principal, Format.VIRTUOUS, _webhook_ref(webhook_id)))


@router.put("/{webhook_id}", response_model=VirtuousWebhookOut, responses=ERRORS)
async def update_webhook(
    webhook_id: str, body: VirtuousWebhookIn, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> VirtuousWebhookOut:
    """Replace a webhook subscription (send the full model)."""
    view = await webhooks.update(
        session,
        principal,
        Format.VIRTUOUS,
        _webhook_ref(webhook_id),
        WebhookUpdate(
            payload_url=body.payload_url, event_types=body.event_types(), secret=body.secret, active=body.active
        ),
        allow_private=settings.webhooks_allow_private_urls,
        field_names=FIELD_NAMES,
    )
    return webhook_out(view)


@router.put("/{webhook_id}/Active", response_model=VirtuousWebhookOut, responses=ERRORS)
async def set_active(
    webhook_id: str, session: SessionDep, principal: PrincipalDep, settings: SettingsDep, active: bool = Query()
) -> VirtuousWebhookOut:
    """Turn a webhook subscription on or off."""
    view = await webhooks.update(
        session,
        principal,
        Format.VIRTUOUS,
        _webhook_ref(webhook_id),
        WebhookUpdate(active=active, description=UNSET),
        allow_private=settings.webhooks_allow_private_urls,
    )
    return webhook_out(view)


@router.delete("/{webhook_id}", status_code=204, response_model=None, responses=ERRORS)
async def delete_webhook(webhook_id: str, session: SessionDep, principal: PrincipalDep) -> None:
    """Delete a webhook subscription."""
    await webhooks.delete(session, principal, Format.VIRTUOUS, _webhook_ref(webhook_id))
