"""/api/users and /api/contacts: what a client needs around notes (mention pickers, contact pages)."""

from __future__ import annotations

from fastapi import APIRouter, status

from contactnotes.contacts import service as contacts
from contactnotes.http.auth import PrincipalDep
from contactnotes.http.deps import SessionDep
from contactnotes.users import service as users

from .deps import ContactId, PagingDep, Search
from .errors import TetherRoute
from .mapping import contact_out, contacts_out, me_out, pagination, users_out
from .responses import errors
from .wire import ContactCreateIn, ContactOut, Envelope, ListEnvelope, MeOut, UserOut

users_router = APIRouter(prefix="/api/users", route_class=TetherRoute, tags=["Users"])
contacts_router = APIRouter(prefix="/api/contacts", route_class=TetherRoute, tags=["Contacts"])


@users_router.get("/me", response_model=Envelope[MeOut], responses=errors(404))
async def get_current_user(session: SessionDep, principal: PrincipalDep) -> Envelope[MeOut]:
    """The caller and their organization."""
    return Envelope(message="User retrieved", data=me_out(await users.get_me(session, principal)))


@users_router.get("", response_model=ListEnvelope[UserOut], responses=errors())
async def list_users(
    session: SessionDep, principal: PrincipalDep, paging: PagingDep, search: Search = None
) -> ListEnvelope[UserOut]:
    """Members of the caller's organization, by name (for mention pickers)."""
    page = await users.list_members(session, principal, limit=paging.limit, offset=paging.offset, search=search)
    return ListEnvelope(
        message="Users retrieved",
        data=users_out(page),
        pagination=pagination(page.total, limit=paging.limit, offset=paging.offset, returned=len(page.items)),
    )


@contacts_router.get("", response_model=ListEnvelope[ContactOut], responses=errors())
async def list_contacts(
    session: SessionDep, principal: PrincipalDep, paging: PagingDep, search: Search = None
) -> ListEnvelope[ContactOut]:
    """Contacts of the caller's organization, by name."""
    page = await contacts.page_contacts(session, principal, search=search, limit=paging.limit, offset=paging.offset)
    return ListEnvelope(
        message="Contacts retrieved",
        data=contacts_out(page),
        pagination=pagination(page.total, limit=paging.limit, offset=paging.offset, returned=len(page.items)),
    )


@contacts_router.post("", status_code=status.HTTP_201_CREATED, response_model=Envelope[ContactOut], responses=errors())
async def create_contact(body: ContactCreateIn, session: SessionDep, principal: PrincipalDep) -> Envelope[ContactOut]:
    """Create a contact in the caller's organization."""
    view = await contacts.add_contact(
        session, principal, display_name=body.display_name, email=body.email, avatar_url=body.avatar_url
    )
    return Envelope(message="Contact created", data=contact_out(view))


@contacts_router.get("/{contactId}", response_model=Envelope[ContactOut], responses=errors(404))
async def get_contact(contact_id: ContactId, session: SessionDep, principal: PrincipalDep) -> Envelope[ContactOut]:
    """Get one contact."""
    return Envelope(
        message="Contact retrieved", data=contact_out(await contacts.view_contact(session, principal, contact_id))
    )
