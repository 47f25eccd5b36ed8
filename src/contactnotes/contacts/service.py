"""Contacts: the people and organizations notes are about."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.contacts import repository
from contactnotes.errors import Invalid, NotFound
from contactnotes.kit.clock import utc_now
from contactnotes.models import Contact
from contactnotes.users.service import normalize_email

MAX_DISPLAY_NAME = 300


async def create_contact(
    session: AsyncSession,
    org_id: int,
    *,
    display_name: str,
    email: str | None = None,
    avatar_url: str | None = None,
    oid: str | None = None,
) -> Contact:
    display_name = " ".join(display_name.split())
    if not display_name:
        raise Invalid.field("displayName", "A contact needs a display name")
    if len(display_name) > MAX_DISPLAY_NAME:
        raise Invalid.field("displayName", f"A display name has at most {MAX_DISPLAY_NAME} characters")
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
        raise NotFound("Contact not found")
    return contact


async def list_contacts(
    session: AsyncSession, org_id: int, *, search: str | None, limit: int, offset: int
) -> tuple[list[Contact], int]:
    return await repository.list_in_org(session, org_id, search=search, limit=limit, offset=offset)
