"""The Virtuous-compatible API: /api/ContactNote here (parse, call one service function, render), and ROUTERS,
this router and the dialect's others, whose routes app.py adds in that order."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response

from contactnotes.auth.principal import Principal
from contactnotes.http.auth import PrincipalDep
from contactnotes.http.deps import SessionDep, SettingsDep
from contactnotes.http.errors import RequestRefused
from contactnotes.kit.clock import utc_now
from contactnotes.mail import note_email
from contactnotes.notes import conditions as condition_query
from contactnotes.notes import service as notes
from contactnotes.notes.schemas import NotePage
from contactnotes.orgs import service as orgs

from . import organization, reminders, token, webhooks
from .deps import BaseUrlDep, PagingDep, integer_id
from .limits import limit_emails
from .mapping import (
    SORT_BY_DISPLAY_NAMES,
    SORT_BY_NAMES,
    conditions,
    note_out,
    note_type_key,
    operator_out,
    option_out,
    parse_bool,
    parse_sort,
    to_note_create,
    to_note_update,
)
from .route import VirtuousRoute, errors
from .wire import (
    CustomFieldOut,
    EmailNoteIn,
    ListOut,
    NoteIn,
    QueryIn,
    QueryOptionsOut,
    VirtuousNoteCreateIn,
    VirtuousNoteOut,
    any_case,
)

router = APIRouter(route_class=VirtuousRoute, tags=["Virtuous: Contact Notes"])
NULL_BODY = "The argument cannot be null"  # the real API's answer to an empty body
# mapping.parse_sort and parse_bool: any case, surrounding blanks ignored; blank is the default.
SortByQuery = Annotated[
    str | None,
    Query(
        description="CreatedDateTime, NoteDate or ModifiedDateTime, or Create Date, Note Date or Last Modified "
        "Date (any case). Default NoteDate.",
        json_schema_extra={"pattern": rf"^\s*({any_case(*SORT_BY_NAMES, *SORT_BY_DISPLAY_NAMES)})?\s*$"},
    ),
]
DescendingQuery = Annotated[
    str | None,
    Query(
        description="True or False (or 1 or 0), any case. Default True.",
        json_schema_extra={"pattern": rf"^(\s*({any_case('true', 'false', '1', '0')})\s*)?$"},
    ),
]
# A missing or null note is taken in (to answer NULL_BODY as the real API does), but the document says it is
# required: a client must send a note.
NoteBody = Annotated[NoteIn | None, Body()]
VirtuousNoteCreateBody = Annotated[VirtuousNoteCreateIn | None, Body()]
BODY_REQUIRED: dict[str, Any] = {"requestBody": {"required": True}}  # and so not null (http/openapi.py)


def _page(page: NotePage, principal: Principal, base: str) -> ListOut[VirtuousNoteOut]:
    now = utc_now()
    return ListOut(items=[note_out(view, principal, base, now) for view in page.items], total=page.total)


@router.get("/api/ContactNote/Types", response_model=dict[str, str], responses=errors())
async def get_note_types(session: SessionDep, principal: PrincipalDep) -> dict[str, str]:
    """The organization's note types: key (first letter lowered) to display name, as Virtuous answers."""
    return {note_type_key(t.name): t.name for t in await orgs.list_note_types(session, principal.org_id)}


@router.get("/api/ContactNote/QueryOptions", response_model=QueryOptionsOut, responses=errors())
async def get_query_options(session: SessionDep, principal: PrincipalDep) -> QueryOptionsOut:
    """The parameters a Query may use, each with its operators and the values it offers (the note types; the
    relative dates), then every operator once, in Virtuous's shape."""
    options = await condition_query.query_options(session, principal)
    return QueryOptionsOut(
        options=[option_out(o) for o in options],
        operator_options=[operator_out(o) for o in condition_query.all_operators()],
    )


@router.post("/api/ContactNote/Query", response_model=ListOut[VirtuousNoteOut], responses=errors(400, 413))
async def query_notes(
    session: SessionDep,
    principal: PrincipalDep,
    base: BaseUrlDep,
    paging: PagingDep,
    body: Annotated[QueryIn | None, Body()] = None,
) -> ListOut[VirtuousNoteOut]:
    """Notes matching any group of conditions (conditions in a group are ANDed, groups ORed)."""
    body = body or QueryIn()
    page = await condition_query.query_notes(
        session,
        principal,
        conditions(body),
        sort=parse_sort(body.sort_by),
        descending=True if body.descending is None else body.descending,
        limit=paging.take,
        offset=paging.skip,
    )
    return _page(page, principal, base)


@router.get(
    "/api/ContactNote/ByContact/{contactId}", response_model=ListOut[VirtuousNoteOut], responses=errors(400, 404)
)
async def list_by_contact(
    contactId: str,
    session: SessionDep,
    principal: PrincipalDep,
    base: BaseUrlDep,
    paging: PagingDep,
    sortBy: SortByQuery = None,
    descending: DescendingQuery = None,
) -> ListOut[VirtuousNoteOut]:
    """A contact's notes the caller can see, a page at a time."""
    page = await notes.list_notes(
        session,
        principal,
        integer_id(contactId, "Contact"),
        limit=paging.take,
        offset=paging.skip,
        sort=parse_sort(sortBy),
        descending=parse_bool(descending, "descending", default=True),
    )
    return _page(page, principal, base)


@router.get(
    "/api/ContactNote/Important/ByContact/{contactId}",
    response_model=ListOut[VirtuousNoteOut],
    responses=errors(400, 404),
)
async def list_important_by_contact(
    contactId: str,
    session: SessionDep,
    principal: PrincipalDep,
    base: BaseUrlDep,
    paging: PagingDep,
) -> ListOut[VirtuousNoteOut]:
    """A contact's important notes the caller can see, newest note date first."""
    page = await notes.list_notes(
        session,
        principal,
        integer_id(contactId, "Contact"),
        limit=paging.take,
        offset=paging.skip,
        important_only=True,
    )
    return _page(page, principal, base)


@router.post(
    "/api/ContactNote", response_model=VirtuousNoteOut, responses=errors(400, 404, 413), openapi_extra=BODY_REQUIRED
)
async def create_note(
    session: SessionDep,
    principal: PrincipalDep,
    base: BaseUrlDep,
    body: VirtuousNoteCreateBody = None,
) -> VirtuousNoteOut:
    """Create a note for a contact (200, as Virtuous answers)."""
    if body is None:
        raise RequestRefused.field("body", NULL_BODY, "REQUIRED")
    view = await notes.create_note(session, principal, to_note_create(body, principal.time_zone))
    return note_out(view, principal, base, utc_now())


@router.get("/api/ContactNote/CustomFields", response_model=list[CustomFieldOut], responses=errors())
async def get_custom_fields(principal: PrincipalDep) -> list[CustomFieldOut]:
    """The custom fields notes may carry: none (notes have no custom fields here), as an empty list."""
    return []


@router.post(
    "/api/ContactNote/Email",
    response_model=VirtuousNoteOut,
    responses=errors(400, 404, 413),
    openapi_extra=BODY_REQUIRED,
)
async def email_note(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    base: BaseUrlDep,
    body: Annotated[EmailNoteIn | None, Body()] = None,
) -> VirtuousNoteOut:
    """Email a note the caller can see to an address (sent by a worker, through the configured SMTP server);
    answers the note. Each user may send `CONTACTNOTES_EMAIL_HOURLY_CAP` per window (429 past it)."""
    if body is None:
        raise RequestRefused.field("body", NULL_BODY, "REQUIRED")
    if body.contact_note_id is None:
        raise RequestRefused.field("contactNoteId", "contactNoteId is required", "REQUIRED")
    if not body.to_email:
        raise RequestRefused.field("toEmail", "toEmail is required", "REQUIRED")
    await limit_emails(request, principal, settings)
    view = await note_email.email_note(
        session, principal, body.contact_note_id, to=body.to_email, subject=body.subject, message=body.body
    )
    return note_out(view, principal, base, utc_now())


@router.get("/api/ContactNote/{noteId}", response_model=VirtuousNoteOut, responses=errors(404))
async def get_note(noteId: str, session: SessionDep, principal: PrincipalDep, base: BaseUrlDep) -> VirtuousNoteOut:
    """One note."""
    view = await notes.get_note(session, principal, integer_id(noteId, "Contact note"))
    return note_out(view, principal, base, utc_now())


@router.put(
    "/api/ContactNote/{noteId}",
    response_model=VirtuousNoteOut,
    responses=errors(400, 403, 404, 413),
    openapi_extra=BODY_REQUIRED,
)
async def update_note(
    noteId: str,
    session: SessionDep,
    principal: PrincipalDep,
    base: BaseUrlDep,
    body: NoteBody = None,
) -> VirtuousNoteOut:
    """Replace a note with the full model sent: an omitted optional field is cleared. Author only."""
    if body is None:
        raise RequestRefused.field("body", NULL_BODY, "REQUIRED")
    note_id = integer_id(noteId, "Contact note")
    view, _ = await notes.update_note(session, principal, note_id, to_note_update(body, principal.time_zone))
    return note_out(view, principal, base, utc_now())


@router.delete(
    "/api/ContactNote/{noteId}",
    status_code=200,
    response_class=Response,
    responses={200: {"description": "Deleted (empty body)"}, **errors(403, 404)},
)
async def delete_note(noteId: str, session: SessionDep, principal: PrincipalDep) -> Response:
    """Delete a note (author or admin); it is 404 from then on."""
    await notes.delete_note(session, principal, integer_id(noteId, "Contact note"))
    return Response(status_code=200)


# Every router of the dialect, in the order app.py adds their routes.
ROUTERS: tuple[APIRouter, ...] = (router, reminders.router, token.router, webhooks.router, organization.router)
