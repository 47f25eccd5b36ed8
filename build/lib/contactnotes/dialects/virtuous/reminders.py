"""Virtuous-compatible /api/Reminder: active reminders, and the complete/dismiss URLs reminders carry."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from contactnotes.auth.principal import Principal
from contactnotes.http.auth import PrincipalDep
from contactnotes.http.deps import SessionDep
from contactnotes.kit.clock import utc_now
from contactnotes.reminders import service as reminders
from contactnotes.reminders.schemas import ReminderPage

from .deps import BaseUrlDep, PagingDep, integer_id
from .errors import VirtuousRoute
from .mapping import reminder_out
from .router import E, errors
from .wire import ListOut, VirtuousErrorOut, VirtuousReminderOut

router = APIRouter(route_class=VirtuousRoute, tags=["Virtuous: Reminders"])
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": VirtuousErrorOut, "description": "Already completed or dismissed"}
}


def _page(page: ReminderPage, principal: Principal, base: str) -> ListOut[VirtuousReminderOut]:
    now = utc_now()
    return ListOut(items=[reminder_out(v, principal, base, now) for v in page.items], total=page.total)


@router.get("/api/Reminder/Active", response_model=ListOut[VirtuousReminderOut], responses=errors(400))
async def active_reminders(
    session: SessionDep, principal: PrincipalDep, base: BaseUrlDep, paging: PagingDep
) -> ListOut[VirtuousReminderOut]:
    """The caller's unresolved reminders, soonest first."""
    page = await reminders.list_active(session, principal, mine=True, limit=paging.take, offset=paging.skip)
    return _page(page, principal, base)


@router.get(
    "/api/Reminder/ByContact/{contactId}/Active",
    response_model=ListOut[VirtuousReminderOut],
    responses=errors(400, 404),
)
async def active_reminders_by_contact(
    contactId: str,
    session: SessionDep,
    principal: PrincipalDep,
    base: BaseUrlDep,
    paging: PagingDep,
) -> ListOut[VirtuousReminderOut]:
    """A contact's unresolved reminders (anyone's, on notes the caller can see), soonest first."""
    page = await reminders.list_active(
        session,
        principal,
        mine=False,
        contact=integer_id(contactId, "Contact"),
        limit=paging.take,
        offset=paging.skip,
    )
    return _page(page, principal, base)


@router.post(
    "/api/Reminder/{reminderId}/Complete",
    response_model=VirtuousReminderOut,
    responses={**errors(403, 404), **CONFLICT},
)
async def complete_reminder(
    reminderId: str,
    session: SessionDep,
    principal: PrincipalDep,
    base: BaseUrlDep,
) -> VirtuousReminderOut:
    """Mark a reminder done (its owner or an admin): the reminder's `completeUrl`."""
    view = await reminders.complete(session, principal, integer_id(reminderId, "Reminder"))
    return reminder_out(view, principal, base, utc_now())


@router.post(
    "/api/Reminder/{reminderId}/Dismiss", response_model=VirtuousReminderOut, responses={**errors(403, 404), **CONFLICT}
)
async def dismiss_reminder(
    reminderId: str,
    session: SessionDep,
    principal: PrincipalDep,
    base: BaseUrlDep,
) -> VirtuousReminderOut:
    """Dismiss a reminder without doing it (its owner or an admin): the reminder's `dismissUrl`."""
    view = await reminders.dismiss(session, principal, integer_id(reminderId, "Reminder"))
    return reminder_out(view, principal, base, utc_now())


__all__ = ["E", "router"]
