"""A contact's timeline and everything done to notes on it: write, preview, edit, delete, react."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from contactnotes.attachments.files import Files
from contactnotes.auth.sessions import SignedIn
from contactnotes.contacts import service as contacts
from contactnotes.errors import DomainError, Forbidden, Invalid
from contactnotes.http.deps import FilesDep, SessionDep
from contactnotes.notes import browsing, history
from contactnotes.notes import service as notes
from contactnotes.notes.rendering import render_markdown
from contactnotes.notes.schemas import MAX_CONTACTS, MAX_NOTE_LENGTH, NoteView, TimelineFilter
from contactnotes.realtime import events as stream
from contactnotes.settings import Settings
from contactnotes.users.schemas import MemberView

from . import team
from .forms import Composer, Edit, FormErrors, errors_of
from .route import Me, WebRoute, form_of, is_htmx, page
from .views import names_of, note_item

router = APIRouter(route_class=WebRoute, include_in_schema=False)

TIMELINE_PAGE = 25
IMPORTANT_SHOWN = 5
# The composer lists this many of the organization's contacts (by name) to link a note to besides the page's;
# its search box asks the server for the others (/contacts/{oid}/choices), so that any contact can be found
# and a page does not carry every contact of a large organization (500 of them were half its rendering).
CONTACT_CHOICES = 50


def _day(value: str, field: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        raise Invalid.field(field, f"{field} is not a date") from None


def _filters(request: Request) -> tuple[TimelineFilter, dict[str, str]]:
    """The timeline's filters from the query, and the query that repeats them (for "more" links)."""
    query = request.query_params
    kept = {name: query.get(name, "") for name in ("type", "author", "important", "files", "from", "to")}
    kept = {name: value for name, value in kept.items() if value}
    until = _day(kept.get("to", ""), "to")
    try:
        before = until + timedelta(days=1) if until else None  # "to" includes its whole day
    except OverflowError:  # to 9999-12-31: up to the end of time
        before = None
    wanted = TimelineFilter(
        type=kept.get("type") or None,
        author=kept.get("author") or None,
        important=kept.get("important") == "on",
        has_files=kept.get("files") == "on",
        date_from=_day(kept.get("from", ""), "from"),
        date_to=before,
    )
    return wanted, kept


async def _members(session: SessionDep, me: SignedIn) -> list[MemberView]:
    return await team.members(session, me.principal)


def _items(files: Files, me: SignedIn, found: list[NoteView], members: list[MemberView]) -> list[Any]:
    names = names_of(members)
    return [note_item(files, me.principal, note, names) for note in found]


async def _contact_choices(
    session: SessionDep, me: SignedIn, search: str | None, chosen: list[str]
) -> tuple[list[tuple[str, str]], bool]:
    """(oid, name) of the contacts chosen so far, then of the first CONTACT_CHOICES others matching `search`,
    and whether there are more than that to find."""
    wanted = list(dict.fromkeys(chosen))[:MAX_CONTACTS]  # what one note may be about
    found = await contacts.find_summaries(session, me.principal.org_id, [*wanted])  # none wanted: no statement
    kept = [(oid, found[oid].display_name) for oid in wanted if oid in found]
    listed, more = await contacts.contact_names(
        session, me.principal.org_id, search=search or None, limit=CONTACT_CHOICES
    )
    picked = {oid for oid, _ in kept}
    return kept + [(oid, name) for oid, name in listed if oid not in picked], more


async def _composer_context(
    request: Request,
    session: SessionDep,
    me: SignedIn,
    members: list[MemberView] | None = None,
    chosen: list[str] | None = None,
) -> dict[str, Any]:
    settings: Settings = request.app.state.settings
    choices, more = await _contact_choices(session, me, None, chosen or [])
    return {
        "contact_choices": choices,
        "more_contacts": more,
        "max_upload_bytes": settings.upload_max_bytes,
        "note_types": await team.note_types(session, me.principal),
        "members": members if members is not None else await _members(session, me),
    }


@router.get("/contacts/{contact_oid}")
async def timeline(request: Request, contact_oid: str, session: SessionDep, files: FilesDep, me: Me) -> Response:
    contact = await contacts.view_contact(session, me.principal, contact_oid)
    wanted, kept = _filters(request)
    # Read before the notes: the live stream replays from here, so a change made while this page is built
    # reaches it (twice at worst, and the page places notes by id).
    position = await stream.position(session)
    found = await browsing.timeline(
        session, me.principal, contact.oid, wanted, limit=TIMELINE_PAGE, cursor=request.query_params.get("cursor")
    )
    members = await _members(session, me)
    context = {
        "me": me,
        "contact": contact,
        "live_after": position,
        "items": _items(files, me, found.items, members),
        "next_url": _more_url(contact.oid, kept, found.next_cursor),
        "filters": kept,
        "filtered": not wanted.is_empty,
        "composer": Composer(),
        "errors": {},
        "history_visible": history.may_see_history(me.principal),
        **await _composer_context(request, session, me, members),
    }
    if is_htmx(request) and request.headers.get("hx-target") == "timeline":
        return page(request, "timeline_list.html", context)
    return page(request, "timeline.html", context)


@router.get("/contacts/{contact_oid}/important")
async def important(request: Request, contact_oid: str, session: SessionDep, me: Me) -> Response:
    """The "Important" strip over the timeline (fetched after the page, which does not wait for it)."""
    found = await notes.list_notes(session, me.principal, contact_oid, limit=IMPORTANT_SHOWN, important_only=True)
    return page(request, "important.html", {"important": found.items})


def _more_url(contact_oid: str, kept: dict[str, str], cursor: str | None) -> str | None:
    if cursor is None:
        return None
    return f"/contacts/{contact_oid}/notes?{urlencode({**kept, 'cursor': cursor})}"


@router.get("/contacts/{contact_oid}/choices")
async def contact_choices(request: Request, contact_oid: str, session: SessionDep, me: Me) -> Response:
    """The composer's "Other contacts" options for what was typed in its search box, the chosen ones kept."""
    contact = await contacts.view_contact(session, me.principal, contact_oid)
    query = request.query_params
    chosen = [oid.strip().lower() for oid in query.getlist("also_contact") if oid.strip()]
    found, more = await _contact_choices(session, me, query.get("find", "").strip()[:200], chosen)
    context = {"contact": contact, "contact_choices": found, "chosen": set(chosen), "more_contacts": more}
    return page(request, "contact_choices.html", context)


@router.get("/contacts/{contact_oid}/notes")
async def more_notes(request: Request, contact_oid: str, session: SessionDep, files: FilesDep, me: Me) -> Response:
    """The next slice of the timeline (infinite scroll), ending with the link to the one after it."""
    contact = await contacts.view_contact(session, me.principal, contact_oid)
    wanted, kept = _filters(request)
    found = await browsing.timeline(
        session, me.principal, contact.oid, wanted, limit=TIMELINE_PAGE, cursor=request.query_params.get("cursor")
    )
    if not is_htmx(request):  # a plain link (no script): the whole page, from this cursor on
        return RedirectResponse(f"/contacts/{contact.oid}?{request.url.query}", status_code=303)
    context = {
        "me": me,
        "contact": contact,
        "items": _items(files, me, found.items, await _members(session, me)),
        "next_url": _more_url(contact.oid, kept, found.next_cursor),
        "history_visible": history.may_see_history(me.principal),
    }
    return page(request, "note_slice.html", context)


@router.post("/contacts/{contact_oid}/notes")
async def post_note(request: Request, contact_oid: str, session: SessionDep, files: FilesDep, me: Me) -> Response:
    contact = await contacts.view_contact(session, me.principal, contact_oid)
    composer = Composer.from_form(await form_of(request))
    try:
        created = await notes.create_note(session, me.principal, composer.to_create(contact.oid))
    except FormErrors as exc:
        return await _composer_again(request, session, me, contact.oid, composer, exc.errors)
    except DomainError as exc:
        return await _composer_again(request, session, me, contact.oid, composer, errors_of(exc))
    if not is_htmx(request):
        return RedirectResponse(f"/contacts/{contact.oid}", status_code=303)
    context = {
        "me": me,
        "contact": contact,
        "composer": Composer(),
        "errors": {},
        "posted": note_item(files, me.principal, created, names_of(await _members(session, me))),
        **await _composer_context(request, session, me),
    }
    return page(request, "composer_posted.html", context)


async def _composer_again(
    request: Request, session: SessionDep, me: SignedIn, contact_oid: str, composer: Composer, errors: dict[str, str]
) -> HTMLResponse:
    """The composer as it was sent, each error next to its field (422: nothing was written)."""
    contact = await contacts.view_contact(session, me.principal, contact_oid)
    context = {"me": me, "contact": contact, "composer": composer, "errors": errors}
    context.update(await _composer_context(request, session, me, chosen=composer.also))
    if is_htmx(request):
        return page(request, "composer.html", context, status_code=422)
    context.update({"items": [], "next_url": None, "filters": {}})
    return page(request, "timeline.html", context, status_code=422)


@router.post("/contacts/{contact_oid}/preview")
async def preview(request: Request, contact_oid: str, session: SessionDep, me: Me) -> Response:
    """The note as it will look: the same renderer and sanitizer as the timeline."""
    await contacts.view_contact(session, me.principal, contact_oid)
    body = str((await form_of(request)).get("body") or "")
    if len(body) > MAX_NOTE_LENGTH:  # what Post would refuse is not rendered either
        return page(request, "preview.html", {"too_long": MAX_NOTE_LENGTH, "empty": False})
    return page(request, "preview.html", {"html": render_markdown(body), "empty": not body.strip()})


async def _note_response(
    request: Request, session: SessionDep, files: Files, me: SignedIn, note: NoteView, *, editing: bool = False
) -> HTMLResponse:
    item = note_item(files, me.principal, note, names_of(await _members(session, me)))
    context: dict[str, Any] = {
        "me": me,
        "item": item,
        # "edited" links to the note's history where the organization shows it to this member.
        "history_visible": history.may_see_history(me.principal),
    }
    if editing:
        context["note_types"] = await team.note_types(session, me.principal)
        context["edit"] = Edit(note.body, note.type, note.important)
        context["errors"] = {}
        return page(request, "note_edit.html", context)
    return page(request, "note.html", context)


@router.get("/notes/{note_oid}")
async def show_note(request: Request, note_oid: str, session: SessionDep, files: FilesDep, me: Me) -> Response:
    note = await notes.get_note(session, me.principal, note_oid)
    if not is_htmx(request):
        return RedirectResponse(f"/contacts/{note.contact.oid}#note-{note.oid}", status_code=303)
    return await _note_response(request, session, files, me, note)


@router.get("/notes/{note_oid}/edit")
async def edit_form(request: Request, note_oid: str, session: SessionDep, files: FilesDep, me: Me) -> Response:
    note = await notes.get_note(session, me.principal, note_oid)
    if note.author.id != me.principal.user_id:
        raise Forbidden("Only the author can edit a note")
    return await _note_response(request, session, files, me, note, editing=True)


@router.post("/notes/{note_oid}")
async def save_edit(request: Request, note_oid: str, session: SessionDep, files: FilesDep, me: Me) -> Response:
    edit = Edit.from_form(await form_of(request))
    try:
        note, _added = await notes.update_note(session, me.principal, note_oid, edit.to_update())
    except (Invalid, FormErrors) as exc:
        current = await notes.get_note(session, me.principal, note_oid)
        item = note_item(files, me.principal, current, names_of(await _members(session, me)))
        errors = exc.errors if isinstance(exc, FormErrors) else errors_of(exc)
        note_types = await team.note_types(session, me.principal)
        context = {"me": me, "item": item, "edit": edit, "errors": errors, "note_types": note_types}
        return page(request, "note_edit.html", context, status_code=422)
    if not is_htmx(request):
        return RedirectResponse(f"/contacts/{note.contact.oid}#note-{note.oid}", status_code=303)
    return await _note_response(request, session, files, me, note)


@router.post("/notes/{note_oid}/delete")
async def delete(request: Request, note_oid: str, session: SessionDep, me: Me) -> Response:
    note = await notes.delete_note(session, me.principal, note_oid)
    if not is_htmx(request):
        return RedirectResponse(f"/contacts/{note.contact.oid}", status_code=303)
    return page(request, "deleted.html", {"note": note})


@router.post("/notes/{note_oid}/reactions")
async def react(request: Request, note_oid: str, session: SessionDep, files: FilesDep, me: Me) -> Response:
    emoji = str((await form_of(request)).get("emoji") or "")
    note = await notes.toggle_reaction(session, me.principal, note_oid, emoji)
    if not is_htmx(request):
        return RedirectResponse(f"/contacts/{note.contact.oid}#note-{note.oid}", status_code=303)
    return await _note_response(request, session, files, me, note)
