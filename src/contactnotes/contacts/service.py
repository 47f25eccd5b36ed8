"""Contacts: the people and organizations notes are about."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.contacts import repository
from contactnotes.contacts.schemas import ContactPage, ContactSummary, ContactView
from contactnotes.errors import Invalid, NotFound
from contactnotes.kit.clock import utc_now
from contactnotes.models import Contact
from contactnotes.users.service import normalize_email

MAX_DISPLAY_NAME = 300
CONTACT_NOT_FOUND = "Contact not found"
MAX_AVATAR_URL = 2000


def _clean_display_name(name: str) -> str:
    """Runs of white space become one space; a name left empty, or too long, is refused."""
    name = " ".join(name.split())
    if not name:
        raise Invalid.field("display_name", "A contact needs a display name")
    if len(name) > MAX_DISPLAY_NAME:
        raise Invalid.field("display_name", f"A display name has at most {MAX_DISPLAY_NAME} characters")
    return name


async def create_contact(
    session: AsyncSession,
    org_id: int,
    *,
    display_name: str,
    email: str | None = None,
    avatar_url: str | None = None,
    oid: str | None = None,
) -> Contact:
    display_name = _clean_display_name(display_name)
    contact = Contact(
        org_id=org_id,
        display_name=display_name,
        email=normalize_email(email) if email else None,
        avatar_url=avatar_url,
        created_at=utc_now(),
    )
    if oid:
        contact.oid = oid
    return await repository.add(session, contact)


async def get_contact(session: AsyncSession, org_id: int, ref: int | str) -> Contact:
    contact = await repository.get(session, org_id, ref)
    if contact is None:
        raise NotFound(CONTACT_NOT_FOUND)
    return contact


async def get_contact_summary(session: AsyncSession, org_id: int, ref: int | str) -> ContactSummary:
    contact = await repository.find_summary(session, org_id, ref)
    if contact is None:
        raise NotFound(CONTACT_NOT_FOUND)
    return contact


async def find_summaries(session: AsyncSession, org_id: int, refs: list[int | str]) -> dict[int | str, ContactSummary]:
    """The organization's contacts among `refs`, by ref; refs naming no contact of it are left out."""
    return await repository.find_summaries(session, org_id, refs) if refs else {}


async def list_contacts(
    session: AsyncSession, org_id: int, *, search: str | None, limit: int, offset: int
) -> tuple[list[Contact], int]:
    return await repository.list_in_org(session, org_id, search=search, limit=limit, offset=offset)


async def contact_names(
    session: AsyncSession, org_id: int, *, search: str | None, limit: int
) -> tuple[list[tuple[str, str]], bool]:
    """(oid, name) of the first `limit` contacts by name matching `search`, and whether more match (a
    picker's options: one statement, no count)."""
    found = await repository.names_in_org(session, org_id, search=search, limit=limit + 1)
    return found[:limit], len(found) > limit


async def contacts_of_org(session: AsyncSession, org_id: int) -> list[Contact]:
    """Every contact of an organization, oldest first (an operator's view: the command line)."""
    return await repository.all_in_org(session, org_id)


def contact_view(contact: Contact) -> ContactView:
    return ContactView(
        id=contact.id,
        oid=contact.oid,
        display_name=contact.display_name,
        email=contact.email,
        avatar_url=contact.avatar_url,
        created_at=contact.created_at,
    )


def _check_avatar_url(url: str | None) -> str | None:
    if url is None or not url.strip():
        return None
    url = url.strip()
    # Shown as an <img src> by clients: only web addresses, never javascript: or data:.
    if not url.lower().startswith(("https://", "http://")) or len(url) > MAX_AVATAR_URL:
        raise Invalid.field("avatar_url", f"An avatar must be an http(s) URL of at most {MAX_AVATAR_URL} characters")
    return url


async def add_contact(
    session: AsyncSession, principal: Principal, *, display_name: str, email: str | None, avatar_url: str | None
) -> ContactView:
    """A new contact in the caller's organization."""
    contact = await create_contact(
        session, principal.org_id, display_name=display_name, email=email, avatar_url=_check_avatar_url(avatar_url)
    )
    return contact_view(contact)


async def view_contact(session: AsyncSession, principal: Principal, ref: int | str) -> ContactView:
    return contact_view(await get_contact(session, principal.org_id, ref))


async def page_contacts(
    session: AsyncSession, principal: Principal, *, search: str | None, limit: int, offset: int
) -> ContactPage:
    """The caller's organization's contacts by name; `search` matches name or email anywhere, ignoring case."""
    found, total = await list_contacts(
        session, principal.org_id, search=(search or "").strip() or None, limit=limit, offset=offset
    )
    return ContactPage([contact_view(c) for c in found], total)


async def update_contact(
    session: AsyncSession, principal: Principal, ref: int | str, *, display_name: str, email: str | None
) -> ContactView:
    """A new name or email for a contact of the caller's organization (any member may correct them); an
    empty email removes it. Notes keep pointing at the contact and show its new name."""
    contact = await get_contact(session, principal.org_id, ref)
    display_name = _clean_display_name(display_name)
    contact.display_name = display_name
    contact.email = normalize_email(email) if email and email.strip() else None
    await session.flush()
    return contact_view(contact)
