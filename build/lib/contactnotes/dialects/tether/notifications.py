"""/api/notifications: the caller's own inbox."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from contactnotes.http.auth import PrincipalDep
from contactnotes.http.deps import SessionDep
from contactnotes.notifications import service as notifications

from .deps import NotificationId, PagingDep
from .errors import TetherRoute
from .mapping import notification_out, notification_page_out
from .responses import errors
from .wire import Envelope, NotificationListEnvelope, NotificationOut, ReadAllOut

router = APIRouter(prefix="/api/notifications", route_class=TetherRoute, tags=["Notifications"])


@router.get("", response_model=NotificationListEnvelope, responses=errors())
async def list_notifications(
    session: SessionDep,
    principal: PrincipalDep,
    paging: PagingDep,
    unread: Annotated[bool, Query(description="true: unread notifications only.")] = False,
) -> NotificationListEnvelope:
    """The caller's notifications, newest first."""
    page = await notifications.list_inbox(
        session, principal, unread_only=unread, limit=paging.limit, offset=paging.offset
    )
    return notification_page_out(page, limit=paging.limit, offset=paging.offset)


# Declared before /{notificationId}/read so "read-all" is never taken for an id.
@router.post("/read-all", response_model=Envelope[ReadAllOut], responses=errors())
async def mark_all_notifications_read(session: SessionDep, principal: PrincipalDep) -> Envelope[ReadAllOut]:
    """Mark every notification of the caller read."""
    updated = await notifications.mark_all_read(session, principal)
    return Envelope(message="Notifications marked read", data=ReadAllOut(updated=updated))


@router.post("/{notificationId}/read", response_model=Envelope[NotificationOut], responses=errors(404))
async def mark_notification_read(
    notification_id: NotificationId, session: SessionDep, principal: PrincipalDep
) -> Envelope[NotificationOut]:
    """Mark one notification of the caller read."""
    view = await notifications.mark_read(session, principal, notification_id)
    return Envelope(message="Notification marked read", data=notification_out(view))
