"""GET /api/Organization/Current: which organization a token belongs to (a published client starts here)."""

from __future__ import annotations

from fastapi import APIRouter

from contactnotes.http.auth import PrincipalDep
from contactnotes.http.deps import SessionDep
from contactnotes.orgs import service as orgs

from .route import VirtuousRoute, errors
from .wire import OrganizationOut

router = APIRouter(route_class=VirtuousRoute, tags=["Virtuous: Organization"])
CULTURE = "en-US"  # the culture whose formats the answers use (M/d/yyyy)


@router.get("/api/Organization/Current", response_model=OrganizationOut, responses=errors())
async def current_organization(session: SessionDep, principal: PrincipalDep) -> OrganizationOut:
    """The caller's organization: id, name and time zone, and whether the caller administers it."""
    org = await orgs.current(session, principal)
    return OrganizationOut(
        organization_id=org.id,
        organization_user_id=principal.user_id,
        organization_name=org.name,
        organization_time_zone=org.time_zone,
        organization_culture=CULTURE,
        current_user_time_zone=org.time_zone,
        is_administrator=principal.is_admin,
        is_enabled=True,
    )
