"""Pure functions between TetherAI's wire shapes and the core's schemas."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from contactnotes.attachments.schemas import AttachmentIn as CoreAttachment
from contactnotes.auth.principal import Principal
from contactnotes.contacts.schemas import ContactPage, ContactView
from contactnotes.http.errors import RequestRefused
from contactnotes.kit.clock import iso_millis, utc_now
from contactnotes.notes.history import HistoryPage, NoteState, RevisionView
from contactnotes.notes.rendering import render_markdown
from contactnotes.notes.schemas import NoteCreate, NotePage, NoteUpdate, NoteView
from contactnotes.notifications.schemas import NotificationPage, NotificationView
from contactnotes.reminders.schemas import ReminderInput, ReminderView
from contactnotes.search.schemas import SearchPage
from contactnotes.users.schemas import MemberPage, MemberView, MeView, UserSummary

from .wire import (
    AttachmentIn,
    AttachmentOut,
    AuthorOut,
    ContactOut,
    ContactRefOut,
    DiffSegmentOut,
    HistoryEnvelope,
    MatchedInOut,
    MeOut,
    NoteCreateIn,
    NoteListEnvelope,
    NoteOut,
    NotePagination,
    NoteStateOut,
    NoteUpdateIn,
    NotificationListEnvelope,
    NotificationOut,
    OrganizationRefOut,
    Pagination,
    ReactionOut,
    ReminderIn,
    ReminderOut,
    RevisionOut,
    SearchEnvelope,
    SearchHitOut,
    SearchPagination,
    UserOut,
)


def _attachments(items: list[AttachmentIn]) -> list[CoreAttachment]:
    return [CoreAttachment(a.key, a.name) for a in items]  # size and type: the stored file's, not the client's


def to_note_create(body: NoteCreateIn) -> NoteCreate:
    contact = body.contact_id or (body.contact_ids[0] if body.contact_ids else None)
    if contact is None:
        raise RequestRefused.field("contactId", "contactId is required", "REQUIRED")
    return NoteCreate(
        contact=contact,
        contacts=list(body.contact_ids) if body.contact_ids is not None else None,
        body=body.note,
        mentions=list(body.mentions),
        attachments=_attachments(body.attachments),
        type=body.type,
        important=bool(body.important),
        is_private=bool(body.private),
        time_spent_minutes=body.time_spent,
        note_date=body.note_date_time,
        reminder=to_reminder_input(body.reminder),
    )


def to_reminder_input(body: ReminderIn | None) -> ReminderInput | None:
    if body is None:
        return None
    target = body.target_date if body.target_date.tzinfo else body.target_date.replace(tzinfo=UTC)
    return ReminderInput(message=body.message, target_date=target, owner=body.owner, description=body.description)


def reminder_out(view: ReminderView, principal: Principal | None = None, now: datetime | None = None) -> ReminderOut:
    owner = view.owner
    return ReminderOut(
        id=view.oid,
        note_id=view.note_oid,
        contact_id=view.contact.oid,
        message=view.message,
        description=view.description,
        target_date=iso_millis(view.target_date),
        status=view.status,
        is_past_due=view.is_past_due(now or utc_now()),
        is_unresolved=view.is_unresolved,
        can_complete=view.can_be_completed_by(principal) if principal else None,
        owner=AuthorOut(id=owner.oid, full_name=owner.full_name, email=owner.email, avatar_url=owner.avatar_url),
        resolved_at=iso_millis(view.resolved_at) if view.resolved_at else None,
        created_at=iso_millis(view.created_at),
        updated_at=iso_millis(view.updated_at),
    )


def author_out(user: UserSummary) -> AuthorOut:
    return AuthorOut(id=user.oid, full_name=user.full_name, email=user.email, avatar_url=user.avatar_url)


def note_out(view: NoteView) -> NoteOut:
    return NoteOut(**_note_fields(view))


def _note_fields(view: NoteView) -> dict[str, Any]:
    """NoteOut's fields, by name: also the first fields of a search hit, which are built without a NoteOut."""
    return dict(
        id=view.oid,
        contact_id=view.contact.oid,
        contact_ids=[c.oid for c in view.all_contacts],
        contacts=[
            ContactRefOut(id=c.oid, display_name=c.display_name, avatar_url=c.avatar_url) for c in view.all_contacts
        ],
        user_id=author_out(view.author),
        note=view.body,
        note_html=render_markdown(view.body),
        mentions=[user.oid for user in view.mentions],
        attachments=[
            AttachmentOut(key=a.key, name=a.name, size=a.size, type=a.content_type, signed_url=a.signed_url)
            for a in view.attachments
        ],
        reactions=[ReactionOut(emoji=r.emoji, users=r.user_oids, count=r.count) for r in view.reactions],
        type=view.type,
        important=view.important,
        is_private=view.is_private,
        time_spent=view.time_spent_minutes,
        note_date=iso_millis(view.note_date),
        is_edited=view.is_edited,
        created_at=iso_millis(view.created_at),
        updated_at=iso_millis(view.updated_at),
        reminder=reminder_out(view.reminder) if view.reminder else None,
    )


# Fields a PATCH may send as null to clear or reset; any other field sent as null is refused.
_NULLABLE_ON_UPDATE = {"type", "time_spent", "note_date_time", "reminder"}


def to_note_update(body: NoteUpdateIn) -> NoteUpdate:
    """Only the fields present in the request become changes (absent is not the same as null)."""
    sent = body.model_fields_set
    for name in sorted(sent - _NULLABLE_ON_UPDATE):
        if getattr(body, name) is None:
            wire_name = NoteUpdateIn.model_fields[name].alias or name
            raise RequestRefused.field(wire_name, f"{wire_name} must not be null", "NULL")
    update = NoteUpdate()
    if "contact_id" in sent and body.contact_id is not None:
        update.contact = body.contact_id
    if "contact_ids" in sent and body.contact_ids is not None:
        update.contacts = list(body.contact_ids)
    if "note" in sent and body.note is not None:
        update.body = body.note
    if "mentions" in sent and body.mentions is not None:
        update.mentions = list(body.mentions)
    if "attachments" in sent and body.attachments is not None:
        update.attachments = _attachments(body.attachments)
    if "type" in sent:
        update.type = body.type
    if "important" in sent and body.important is not None:
        update.important = body.important
    if "private" in sent and body.private is not None:
        update.is_private = body.private
    if "time_spent" in sent:
        update.time_spent_minutes = body.time_spent
    if "note_date_time" in sent:
        update.note_date = body.note_date_time
    if "reminder" in sent:  # null removes the note's reminder
        update.reminder = to_reminder_input(body.reminder)
    return update


def note_page_out(page: NotePage, *, limit: int, offset: int) -> NoteListEnvelope:
    return NoteListEnvelope(
        message="Contact notes retrieved",
        data=[note_out(view) for view in page.items],
        pagination=NotePagination(
            total=page.total,
            limit=limit,
            offset=offset,
            has_more=page.next_cursor is not None,
            next_cursor=page.next_cursor,
        ),
    )


def search_page_out(page: SearchPage, *, limit: int) -> SearchEnvelope:
    return SearchEnvelope(
        message="Contact notes found",
        data=[
            SearchHitOut(
                **_note_fields(hit.note),
                snippet=hit.snippet,
                matched_in=MatchedInOut(field=hit.matched_in.field, file_name=hit.matched_in.file_name),
            )
            for hit in page.items
        ],
        pagination=SearchPagination(limit=limit, has_more=page.next_cursor is not None, next_cursor=page.next_cursor),
    )


def pagination(total: int, *, limit: int, offset: int, returned: int) -> Pagination:
    return Pagination(total=total, limit=limit, offset=offset, has_more=offset + returned < total)


# ---- notifications ----------------------------------------------------------------------------------


def _notification_message(view: NotificationView) -> str:
    who = view.actor.full_name if view.actor else "Someone"
    about = f" about {view.contact.display_name}" if view.contact else ""
    if view.kind == "mention":
        return f"{who} mentioned you in a note{about}"
    if view.kind == "reminder_due":
        return f"A reminder{about} is due"
    return f"New notification{about}"


def notification_out(view: NotificationView) -> NotificationOut:
    return NotificationOut(
        id=view.oid,
        type=view.kind,
        message=_notification_message(view),
        is_read=view.read_at is not None,
        read_at=iso_millis(view.read_at) if view.read_at else None,
        created_at=iso_millis(view.created_at),
        note_id=view.note_oid,
        note_excerpt=view.note_excerpt,
        contact_id=view.contact.oid if view.contact else None,
        contact=ContactRefOut(
            id=view.contact.oid, display_name=view.contact.display_name, avatar_url=view.contact.avatar_url
        )
        if view.contact
        else None,
        actor=author_out(view.actor) if view.actor else None,
    )


def notification_page_out(page: NotificationPage, *, limit: int, offset: int) -> NotificationListEnvelope:
    return NotificationListEnvelope(
        message="Notifications retrieved",
        data=[notification_out(view) for view in page.items],
        pagination=pagination(page.total, limit=limit, offset=offset, returned=len(page.items)),
        unread_count=page.unread,
    )


# ---- users and contacts -----------------------------------------------------------------------------


def _user_fields(view: MemberView) -> dict[str, object]:
    return {
        "id": view.oid,
        "full_name": view.full_name,
        "email": view.email,
        "handle": view.handle,
        "avatar_url": view.avatar_url,
        "role": "admin" if view.is_admin else "member",
        "created_at": iso_millis(view.created_at),
    }


def user_out(view: MemberView) -> UserOut:
    return UserOut.model_validate(_user_fields(view))


def me_out(view: MeView) -> MeOut:
    organization = OrganizationRefOut(id=view.org_oid, name=view.org_name)
    return MeOut.model_validate({**_user_fields(view.user), "organization": organization})


def users_out(page: MemberPage) -> list[UserOut]:
    return [user_out(view) for view in page.items]


def contact_out(view: ContactView) -> ContactOut:
    return ContactOut(
        id=view.oid,
        display_name=view.display_name,
        email=view.email,
        avatar_url=view.avatar_url,
        created_at=iso_millis(view.created_at),
    )


def contacts_out(page: ContactPage) -> list[ContactOut]:
    return [contact_out(view) for view in page.items]


# ---- note history -----------------------------------------------------------------------------------

# Core field names to the names NoteStateOut (and NoteOut) spell them with.
_STATE_FIELDS = {
    "body": "note", "type": "type", "important": "important", "is_private": "isPrivate",
    "time_spent_minutes": "timeSpent", "note_date": "noteDate",
}  # fmt: skip


def note_state_out(state: NoteState) -> NoteStateOut:
    return NoteStateOut(
        note=state.body,
        type=state.type,
        important=state.important,
        is_private=state.is_private,
        time_spent=state.time_spent_minutes,
        note_date=iso_millis(state.note_date),
    )


def revision_out(view: RevisionView) -> RevisionOut:
    return RevisionOut(
        id=view.oid,
        number=view.number,
        edited_by=author_out(view.edited_by),
        edited_at=iso_millis(view.edited_at),
        changed=[_STATE_FIELDS[name] for name in view.changed],
        before=note_state_out(view.before),
        after=note_state_out(view.after),
        note_diff=[DiffSegmentOut(op=s.op, text=s.text) for s in view.body_diff],
    )


def history_out(page: HistoryPage, *, limit: int, offset: int) -> HistoryEnvelope:
    return HistoryEnvelope(
        message="Contact note history retrieved",
        data=[revision_out(item) for item in page.items],
        pagination=pagination(page.total, limit=limit, offset=offset, returned=len(page.items)),
        can_restore=page.can_restore,
    )
