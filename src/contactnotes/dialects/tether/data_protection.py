"""A contact's data, for organization admins: export it (GDPR art. 15/20) or erase it (art. 17)."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from pydantic import Field
from starlette.background import BackgroundTask

from contactnotes.erasure import service as erasure
from contactnotes.http.auth import PrincipalDep
from contactnotes.http.deps import FilesDep, SessionDep
from contactnotes.orgs import service as orgs
from contactnotes.portability import service as portability

from .deps import ContactId
from .route import TetherRoute, errors
from .wire import Envelope, WireModel

router = APIRouter(prefix="/api/admin/contacts", route_class=TetherRoute, tags=["Data protection"])
ADMIN_ONLY = {403: "Only an organization admin", 404: "No such contact in this organization"}


@router.get(
    "/{contactId}/export",
    response_class=FileResponse,
    responses={**errors(403, 404, described=ADMIN_ONLY), 200: {"content": {"application/zip": {}}}},
)
async def export_contact(
    contact_id: ContactId, session: SessionDep, principal: PrincipalDep, files: FilesDep
) -> FileResponse:
    """A zip archive of everything that concerns the contact: manifest.json (docs/data.md) and its files."""
    org = await orgs.current(session, principal)
    target = Path(tempfile.mkstemp(prefix="contactnotes-export-", suffix=".zip")[1])
    try:
        await portability.export_contact(session, principal, org, contact_id, files.store, target)
    except BaseException:
        await asyncio.to_thread(target.unlink, missing_ok=True)
        raise
    return FileResponse(
        target,
        media_type="application/zip",
        filename=f"contact-{contact_id}.zip",
        background=BackgroundTask(target.unlink, missing_ok=True),
    )


class EraseIn(WireModel):
    confirm: str = Field(max_length=100, description="The contact's _id again: no stray request erases anyone.")


class ErasureOut(WireModel):
    erasure_id: str = Field(alias="erasureId")
    contact_id: str = Field(alias="contactId")
    erased_by: str = Field(alias="erasedBy")
    erased_at: str = Field(alias="erasedAt")
    counts: dict[str, int]


@router.post(
    "/{contactId}/erase",
    response_model=Envelope[ErasureOut],
    responses=errors(403, 404, described={**ADMIN_ONLY, 400: "`confirm` is not the contact's _id"}),
)
async def erase_contact(
    contact_id: ContactId, body: EraseIn, session: SessionDep, principal: PrincipalDep
) -> Envelope[ErasureOut]:
    """Erase the contact, its notes, reminders, notifications and files for good; an audit record keeps
    the counts and ids (never the content), and webhooks get `contact.erased`."""
    summary = await erasure.erase_contact(session, principal, principal.org_id, contact_id, confirm=body.confirm)
    return Envelope(
        message="Contact erased",
        data=ErasureOut(
            erasure_id=summary.oid,
            contact_id=summary.contact_oid,
            erased_by=summary.erased_by,
            erased_at=summary.erased_at,
            counts=summary.counts,
        ),
    )
