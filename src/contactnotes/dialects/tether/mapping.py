"""Pure functions between TetherAI's wire shapes and the core's schemas."""

from __future__ import annotations

from contactnotes.kit.clock import iso_millis
from contactnotes.notes.rendering import render_markdown
from contactnotes.notes.schemas import AttachmentIn as CoreAttachment
from contactnotes.notes.schemas import NoteCreate, NoteView

from .wire import AttachmentIn, AttachmentOut, AuthorOut, NoteCreateIn, NoteOut, ReactionOut


def _attachments(items: list[AttachmentIn]) -> list[CoreAttachment]:
    return [CoreAttachment(a.key, a.name, a.size, a.type) for a in items]


def to_note_create(body: NoteCreateIn) -> NoteCreate:
    return NoteCreate(
        contact=body.contact_id,
        body=body.note,
        mentions=list(body.mentions),
        attachments=_attachments(body.attachments),
        type=body.type,
        important=bool(body.important),
        is_private=bool(body.private),
        time_spent_minutes=body.time_spent,
        note_date=body.note_date_time,
    )


def note_out(view: NoteView) -> NoteOut:
    return NoteOut(
        id=view.oid,
        contact_id=view.contact.oid,
        user_id=AuthorOut(
            id=view.author.oid,
            full_name=view.author.full_name,
            email=view.author.email,
            avatar_url=view.author.avatar_url,
        ),
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
    )
