"""A contact's name and email, and deleting a contact with its notes after a confirmation that counts them.

Deleting is the GDPR erasure (erasure/service.py), so that a contact deleted from the browser leaves no
more behind than one erased through the API: revisions, links, outbox rows and webhook deliveries included,
with the audit record and the `contact.erased` event."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from contactnotes.auth.sessions import SignedIn
from contactnotes.contacts import service as contacts
from contactnotes.contacts.schemas import ContactView
from contactnotes.erasure import service as erasure
from contactnotes.errors import DomainError, NotFound
from contactnotes.http.deps import SessionDep

from .admin_access import text_of
from .forms import errors_of
from .route import Me, WebRoute, form_of, page

router = APIRouter(route_class=WebRoute, include_in_schema=False)


def _edit_page(
    request: Request, me: SignedIn, contact: ContactView, *, form: dict[str, str], errors: dict[str, str], status: int
) -> Response:
    context: dict[str, Any] = {"me": me, "active": "contacts", "contact": contact, "form": form, "errors": errors}
    return page(request, "contact_edit.html", context, status_code=status)


@router.get("/contacts/{contact_oid}/edit")
async def edit_form(request: Request, contact_oid: str, session: SessionDep, me: Me) -> Response:
    contact = await contacts.view_contact(session, me.principal, contact_oid.lower())
    form = {"name": contact.display_name, "email": contact.email or ""}
    return _edit_page(request, me, contact, form=form, errors={}, status=200)


@router.post("/contacts/{contact_oid}/edit")
async def save(request: Request, contact_oid: str, session: SessionDep, me: Me) -> Response:
    form = await form_of(request)
    typed = {"name": text_of(form, "name"), "email": text_of(form, "email")}
    try:
        saved = await contacts.update_contact(
            session, me.principal, contact_oid.lower(), display_name=typed["name"], email=typed["email"]
        )
    except NotFound:
        raise
    except DomainError as exc:
        contact = await contacts.view_contact(session, me.principal, contact_oid.lower())
        return _edit_page(request, me, contact, form=typed, errors=errors_of(exc), status=422)
    return RedirectResponse(f"/contacts/{saved.oid}", status_code=303)


@router.get("/contacts/{contact_oid}/delete")
async def confirm_delete(request: Request, contact_oid: str, session: SessionDep, me: Me) -> Response:
    """The confirmation: how many notes and files go with the contact."""
    removal = await erasure.what_goes(session, me.principal, contact_oid.lower())
    return page(request, "contact_delete.html", {"me": me, "active": "contacts", "removal": removal})


@router.post("/contacts/{contact_oid}/delete")
async def delete(request: Request, contact_oid: str, session: SessionDep, me: Me) -> Response:
    """The confirmation page was the confirmation the erasure asks for: the form posts back to this contact's
    own address (and carries the CSRF token), so the contact's id is repeated by the page, not typed."""
    oid = contact_oid.lower()
    removal = await erasure.what_goes(session, me.principal, oid)  # the numbers the confirmation showed
    await erasure.erase_contact(session, me.principal, me.principal.org_id, oid, confirm=oid)
    return page(request, "contact_deleted.html", {"me": me, "active": "contacts", "removal": removal})
