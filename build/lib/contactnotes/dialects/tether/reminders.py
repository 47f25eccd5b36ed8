"""TetherAI-style reminders: the caller's active reminders, complete and dismiss (the note's `reminder`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from contactnotes.errors import NotFound
from contactnotes.http.auth import PrincipalDep
from contactnotes.http.deps import SessionDep
from contactnotes.kit.clock import utc_now
from contactnotes.kit.ids import parse_oid
from contactnotes.reminders import service as reminders

from .deps import PagingDep
from .errors import TetherRoute
from .mapping import reminder_out
from .wire import Envelope, ErrorOut, ObjectId, ReminderOut, WireModel

router = APIRouter(prefix="/api", route_class=TetherRoute, tags=["Reminders"])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Bad input; `errors` names each field at fault"},
    401: {"model": ErrorOut, "description": "Missing, malformed, unknown, expired or revoked token"},
    404: {"model": ErrorOut, "description": "No such reminder (or contact) in the caller's organization"},
}
RESOLVE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    403: {"model": ErrorOut, "description": "Only the reminder's owner or an admin may resolve it"},
    409: {"model": ErrorOut, "description": "Already completed or dismissed"},
}


class Pagination(WireModel):
    total: int
    limit: int
    offset: int
    has_more: bool = Field(alias="hasMore")


class ReminderList(WireModel):
    success: Literal[True] = True
    data: list[ReminderOut]
    pagination: Pagination


@router.get("/reminders", response_model=ReminderList, responses=ERRORS)
async def list_reminders(
    session: SessionDep,
    principal: PrincipalDep,
    paging: PagingDep,
    contact_id: Annotated[ObjectId | None, Query(alias="contactId", description="Only this contact's")] = None,
) -> ReminderList:
    """The caller's unresolved reminders, soonest first (optionally for one contact)."""
    limit, offset = paging.limit, paging.offset
    page = await reminders.list_active(session, principal, mine=True, contact=contact_id, limit=limit, offset=offset)
    now = utc_now()
    return ReminderList(
        data=[reminder_out(view, principal, now) for view in page.items],
        pagination=Pagination(total=page.total, limit=limit, offset=offset, has_more=offset + limit < page.total),
    )


def _reminder_oid(raw: str) -> str:
    oid = parse_oid(raw)
    if oid is None:
        raise NotFound("Reminder not found")
    return oid


@router.post("/reminders/{reminderId}/complete", response_model=Envelope[ReminderOut], responses=RESOLVE_ERRORS)
async def complete_reminder(
    reminderId: str,
    session: SessionDep,
    principal: PrincipalDep,
) -> Envelope[ReminderOut]:
    """Mark a reminder done (its owner or an admin)."""
    view = await reminders.complete(session, principal, _reminder_oid(reminderId))
    return Envelope(message="Reminder completed", data=reminder_out(view, principal))


@router.post("/reminders/{reminderId}/dismiss", response_model=Envelope[ReminderOut], responses=RESOLVE_ERRORS)
async def dismiss_reminder(
    reminderId: str,
    session: SessionDep,
    principal: PrincipalDep,
) -> Envelope[ReminderOut]:
    """Dismiss a reminder without doing it (its owner or an admin)."""
    view = await reminders.dismiss(session, principal, _reminder_oid(reminderId))
    return Envelope(message="Reminder dismissed", data=reminder_out(view, principal))
