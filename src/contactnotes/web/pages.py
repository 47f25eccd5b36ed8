"""Home and the contacts list."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from contactnotes.contacts import service as contacts
from contactnotes.errors import DomainError
from contactnotes.http.deps import FilesDep, SessionDep
from contactnotes.notes import browsing
from contactnotes.notifications import service as notifications
from contactnotes.reminders import service as reminders

from . import team
from .forms import errors_of
from .route import Me, WebRoute, form_of, is_htmx, page
from .views import names_of, note_item

router = APIRouter(route_class=WebRoute, include_in_schema=False)

HOME_NOTES = 10
MENTION = "mention"  # the inbox also tells of reminders come due; the home page lists those apart
CONTACTS_PAGE = 50
MAX_SEARCH = 200


@router.get("/")
async def home(request: Request, session: SessionDep, files: FilesDep, me: Me) -> Response:
    principal = me.principal
    latest = await browsing.latest(session, principal, limit=HOME_NOTES)
    inbox = await notifications.list_inbox(session, principal, limit=HOME_NOTES)
    mine = await reminders.list_active(session, principal, mine=True, limit=HOME_NOTES)
    members = await team.members(session, principal)
    names = names_of(members)
    return page(
        request,
        "home.html",
        {
            "me": me,
            "latest": [note_item(files, principal, note, names) for note in latest],
            "mentions": [item for item in inbox.items if item.kind == MENTION and item.note_oid is not None],
            "reminders": mine.items,
        },
    )


@router.get("/contacts")
async def contact_list(request: Request, session: SessionDep, me: Me) -> Response:
    search = (request.query_params.get("q") or "")[:MAX_SEARCH]
    cursor = request.query_params.get("cursor") or None
    found = await browsing.contacts_page(session, me.principal, search=search, limit=CONTACTS_PAGE, cursor=cursor)
    context = {"me": me, "page": found, "q": search, "form": {}, "errors": {}}
    # The search box and "more" ask for rows only; a link or reload gets the whole page.
    rows_only = is_htmx(request) and request.headers.get("hx-target") != "main"
    return page(request, "contact_rows.html" if rows_only else "contacts.html", context)


@router.post("/contacts")
async def add_contact(request: Request, session: SessionDep, me: Me) -> Response:
    form = await form_of(request)
    name, email = str(form.get("name") or ""), str(form.get("email") or "").strip()
    try:
        created = await contacts.add_contact(
            session, me.principal, display_name=name, email=email or None, avatar_url=None
        )
    except DomainError as exc:
        found = await browsing.contacts_page(session, me.principal, search="", limit=CONTACTS_PAGE)
        context = {"me": me, "page": found, "q": "", "form": {"name": name, "email": email}, "errors": errors_of(exc)}
        return page(request, "contacts.html", context, status_code=422)
    return RedirectResponse(f"/contacts/{created.oid}", status_code=303)
