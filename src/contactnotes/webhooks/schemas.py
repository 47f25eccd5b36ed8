"""Dialect-neutral inputs and outputs of webhook subscriptions, and the event a payload renderer gets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from contactnotes.kit.unset import UNSET, Unset
from contactnotes.notes.schemas import NoteView
from contactnotes.reminders.schemas import ReminderSummary
from contactnotes.users.schemas import UserSummary


class Format:
    """Which dialect renders a subscription's payloads."""

    TETHER = "tether"
    VIRTUOUS = "virtuous"


@dataclass(slots=True)
class WebhookCreate:
    payload_url: str
    event_types: list[str]
    secret: str | None = None  # None: the service makes one
    description: str = ""
    active: bool = True


@dataclass(slots=True)
class WebhookUpdate:
    payload_url: str | Unset = UNSET
    event_types: list[str] | Unset = UNSET
    secret: str | Unset = UNSET
    description: str | Unset = UNSET
    active: bool | Unset = UNSET


@dataclass(frozen=True, slots=True)
class WebhookView:
    id: int
    oid: str
    format: str
    payload_url: str
    event_types: list[str]
    description: str
    active: bool
    created_at: datetime
    updated_at: datetime
    secret: str | None = None  # only right after creation or a secret change


@dataclass(frozen=True, slots=True)
class DeliveryView:
    id: int
    oid: str
    event_id: str
    event_type: str
    status: str
    attempts: int
    response_status: int | None
    last_error: str | None
    created_at: datetime
    last_attempt_at: datetime | None
    delivered_at: datetime | None


@dataclass(frozen=True, slots=True)
class AttemptView:
    """One HTTP attempt of a delivery, as the delivery log shows it."""

    delivery_oid: str
    event_id: str
    event_type: str
    attempted_at: datetime
    status: str  # delivered or failed
    response_status: int | None
    error: str | None
    delivery_status: str  # the delivery's state now: pending (a retry or redelivery is due), delivered, failed


@dataclass(frozen=True, slots=True)
class DeliveryPage:
    items: list[DeliveryView]
    total: int


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """Everything a payload renderer may show: the event and the state it announced (its snapshot)."""

    event_id: str
    type: str
    occurred_at: datetime
    note: NoteView | None
    user: UserSummary | None = None  # the mentioned user (user.mentioned)
    reminder: ReminderSummary | None = None  # reminder.due
    time_zone: str = "UTC"  # the organization's, for renderers that show calendar days (Virtuous)


PayloadRenderer = Callable[[WebhookEvent], dict[str, Any]]
# A dialect's own headers for a delivery, from the subscription's secret and the exact body (e.g. a signature
# in the vendor's scheme, beside the standard one every delivery carries).
HeaderSigner = Callable[[str, bytes], dict[str, str]]


class PayloadRenderers:
    """Format name -> the dialect's renderer. Filled by the composition root; the core knows no dialect."""

    def __init__(self) -> None:
        self._renderers: dict[str, PayloadRenderer] = {}
        self._signers: dict[str, HeaderSigner] = {}

    def register(self, format_name: str, renderer: PayloadRenderer, headers: HeaderSigner | None = None) -> None:
        self._renderers[format_name] = renderer
        if headers is not None:
            self._signers[format_name] = headers

    def headers(self, format_name: str, secret: str, body: bytes) -> dict[str, str]:
        signer = self._signers.get(format_name)
        return signer(secret, body) if signer else {}

    def render(self, format_name: str, event: WebhookEvent) -> dict[str, Any]:
        return self._renderers[format_name](event)
