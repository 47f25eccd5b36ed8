"""Webhooks (admins only): subscribe with events and a secret, pause and resume, delete, and the delivery log
with each attempt's result and response code, and redelivery."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from contactnotes.auth.sessions import SignedIn
from contactnotes.errors import DomainError, Invalid
from contactnotes.http.deps import SessionDep, SettingsDep
from contactnotes.webhooks import service as webhooks
from contactnotes.webhooks.schemas import Format, WebhookCreate, WebhookUpdate

from .admin_access import Admin, text_of
from .forms import errors_by_field
from .route import WebRoute, form_of, page

router = APIRouter(route_class=WebRoute, include_in_schema=False)

FORMATS = {Format.TETHER: "TetherAI", Format.VIRTUOUS: "Virtuous"}
EVENT_LABELS = {
    "note.created": "A note is written",
    "note.updated": "A note is edited",
    "note.deleted": "A note is deleted",
    "note.reaction_toggled": "Someone reacts to a note",
    "user.mentioned": "Someone is mentioned",
    "reminder.due": "A reminder comes due",
}
DONE = {
    "paused": "Paused: events are no longer sent to it (deliveries due meanwhile fail, and can be redelivered).",
    "resumed": "Resumed: new events are sent to it again.",
    "redelivered": "Queued for redelivery: the attempt appears in the log once it is made.",
}
FIELDS = {"url", "events", "secret", "format"}


async def _list(
    request: Request, session: SessionDep, me: SignedIn, *, status_code: int = 200, **extra: Any
) -> Response:
    context: dict[str, Any] = {
        "me": me,
        "active": "admin",
        "section": "webhooks",
        "hooks": await webhooks.list_subscriptions(session, me.principal, None),
        "formats": FORMATS,
        "events": [(event, EVENT_LABELS.get(event, event)) for event in webhooks.SUBSCRIBABLE],
        "form": {"events": webhooks.SUBSCRIBABLE, "format": Format.TETHER},
        "errors": {},
        "done": {"deleted": "The webhook is deleted, with its delivery log."}.get(request.query_params.get("done", "")),
        **extra,
    }
    return page(request, "admin_webhooks.html", context, status_code=status_code)


@router.get("/admin/webhooks")
async def webhooks_page(request: Request, session: SessionDep, me: Admin) -> Response:
    return await _list(request, session, me)


@router.post("/admin/webhooks")
async def create_webhook(request: Request, session: SessionDep, settings: SettingsDep, me: Admin) -> Response:
    form = await form_of(request)
    chosen = [value for value in form.getlist("events") if isinstance(value, str)]
    fmt = text_of(form, "format") or Format.TETHER
    url, description = text_of(form, "url"), text_of(form, "description")
    typed = {"url": url, "events": chosen, "format": fmt, "description": description}
    try:
        if fmt not in FORMATS:
            raise Invalid.field("format", "Choose a payload format")
        if not chosen:
            raise Invalid.field("events", "Choose at least one event")
        created = await webhooks.create(
            session,
            me.principal,
            fmt,
            WebhookCreate(
                payload_url=url,
                event_types=chosen,
                secret=text_of(form, "secret") or None,
                description=description,
            ),
            allow_private=settings.webhooks_allow_private_urls,
        )
    except DomainError as exc:
        return await _list(request, session, me, status_code=422, form=typed, errors=errors_by_field(exc, FIELDS))
    return await _detail(request, session, me, created.oid, status_code=201, created=created)


async def _detail(
    request: Request, session: SessionDep, me: SignedIn, oid: str, *, status_code: int = 200, **extra: Any
) -> Response:
    hook = await webhooks.get(session, me.principal, None, oid.lower())
    context: dict[str, Any] = {
        "me": me,
        "active": "admin",
        "section": "webhooks",
        "hook": hook,
        "formats": FORMATS,
        "labels": EVENT_LABELS,
        "attempts": await webhooks.attempt_log(session, me.principal, None, hook.oid),
        "done": DONE.get(request.query_params.get("done", "")),
        "errors": {},
        **extra,
    }
    return page(request, "admin_webhook.html", context, status_code=status_code)


@router.get("/admin/webhooks/{webhook_oid}")
async def webhook_page(request: Request, webhook_oid: str, session: SessionDep, me: Admin) -> Response:
    return await _detail(request, session, me, webhook_oid)


async def _set_active(session: SessionDep, settings: SettingsDep, me: SignedIn, oid: str, active: bool) -> None:
    update = WebhookUpdate(active=active)
    await webhooks.update(
        session, me.principal, None, oid.lower(), update, allow_private=settings.webhooks_allow_private_urls
    )


@router.post("/admin/webhooks/{webhook_oid}/pause")
async def pause(webhook_oid: str, session: SessionDep, settings: SettingsDep, me: Admin) -> Response:
    await _set_active(session, settings, me, webhook_oid, False)
    return RedirectResponse(f"/admin/webhooks/{webhook_oid.lower()}?done=paused", status_code=303)


@router.post("/admin/webhooks/{webhook_oid}/resume")
async def resume(webhook_oid: str, session: SessionDep, settings: SettingsDep, me: Admin) -> Response:
    await _set_active(session, settings, me, webhook_oid, True)
    return RedirectResponse(f"/admin/webhooks/{webhook_oid.lower()}?done=resumed", status_code=303)


@router.post("/admin/webhooks/{webhook_oid}/delete")
async def delete(webhook_oid: str, session: SessionDep, me: Admin) -> Response:
    await webhooks.delete(session, me.principal, None, webhook_oid.lower())
    return RedirectResponse("/admin/webhooks?done=deleted", status_code=303)


@router.post("/admin/webhooks/{webhook_oid}/deliveries/{delivery_oid}/redeliver")
async def redeliver(webhook_oid: str, delivery_oid: str, session: SessionDep, me: Admin) -> Response:
    await webhooks.redeliver(session, me.principal, None, webhook_oid.lower(), delivery_oid.lower())
    return RedirectResponse(f"/admin/webhooks/{webhook_oid.lower()}?done=redelivered", status_code=303)
