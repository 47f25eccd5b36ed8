"""The inbox (the user's notifications, newest first) and the bell in the header that counts the unread ones.

The bell is fetched after the page (every page has it, and no page waits for it) and again whenever the live
stream brings a notification or the inbox changes (the `bell-changed` trigger).
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse

from contactnotes.http.deps import SessionDep
from contactnotes.notifications import service as notifications

from .route import Me, WebRoute, is_htmx, page

router = APIRouter(route_class=WebRoute, include_in_schema=False)

INBOX_PAGE = 50
MAX_OFFSET = 100_000
BELL_CHANGED = {"HX-Trigger": "bell-changed"}


@router.get("/inbox")
async def inbox(
    request: Request, session: SessionDep, me: Me, offset: int = Query(default=0, ge=0, le=MAX_OFFSET)
) -> Response:
    found = await notifications.list_inbox(session, me.principal, limit=INBOX_PAGE, offset=offset)
    more = offset + INBOX_PAGE if offset + INBOX_PAGE < found.total else None
    return page(request, "inbox.html", {"me": me, "active": "inbox", "inbox": found, "more": more})


@router.get("/inbox/bell")
async def bell(request: Request, session: SessionDep, me: Me) -> Response:
    """The header's bell, with the unread count in its name."""
    found = await notifications.list_inbox(session, me.principal, unread_only=True, limit=1)
    return page(request, "bell.html", {"unread": found.unread})


@router.post("/inbox/read-all")
async def read_all(request: Request, session: SessionDep, me: Me) -> Response:
    await notifications.mark_all_read(session, me.principal)
    return RedirectResponse("/inbox", status_code=303)


@router.post("/inbox/{notification_oid}/read")
async def read_one(request: Request, notification_oid: str, session: SessionDep, me: Me) -> Response:
    item = await notifications.mark_read(session, me.principal, notification_oid)
    if not is_htmx(request):
        return RedirectResponse("/inbox", status_code=303)
    response = page(request, "inbox_item.html", {"me": me, "n": item})
    response.headers.update(BELL_CHANGED)
    return response
