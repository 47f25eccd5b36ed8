"""What templates are given: notes with their links signed and what the viewer may do with them."""

from __future__ import annotations

from dataclasses import dataclass

from contactnotes.attachments import service as attachments
from contactnotes.attachments.files import Files
from contactnotes.attachments.schemas import AttachmentView
from contactnotes.auth.principal import Principal
from contactnotes.notes import service as notes
from contactnotes.notes.schemas import NoteView
from contactnotes.users.schemas import MemberView

QUICK_EMOJI = ("👍", "🎉", "❤️", "👀", "✅")


@dataclass(frozen=True, slots=True)
class FileItem:
    name: str
    size: int
    content_type: str
    download_url: str
    preview_url: str | None


@dataclass(frozen=True, slots=True)
class Reaction:
    emoji: str
    count: int
    mine: bool
    who: str  # the names of the people who reacted


@dataclass(frozen=True, slots=True)
class NoteItem:
    note: NoteView
    files: list[FileItem]
    reactions: list[Reaction]
    can_edit: bool
    can_delete: bool
    can_resolve: bool = False  # the note's open reminder: its owner (or an admin) completes or dismisses it


def _file(files: Files, item: AttachmentView) -> FileItem:
    download = item.signed_url or ""
    return FileItem(item.name, item.size, item.content_type, download, attachments.preview_link(files, item))


def note_item(files: Files, principal: Principal, note: NoteView, names: dict[str, str]) -> NoteItem:
    """A note as a page shows it. Only the author edits; the author or an admin deletes (the services
    decide again on every write: hiding a control is a courtesy, not the check)."""
    signed = notes.with_signed_links(files, note)
    reactions = [
        Reaction(
            group.emoji,
            group.count,
            principal.user_oid in group.user_oids,
            ", ".join(names.get(oid, "someone") for oid in group.user_oids),
        )
        for group in note.reactions
    ]
    mine = note.author.id == principal.user_id
    return NoteItem(
        signed,
        [_file(files, item) for item in signed.attachments],
        reactions,
        can_edit=mine,
        can_delete=mine or principal.is_admin,
        can_resolve=note.reminder is not None
        and note.reminder.is_unresolved
        and note.reminder.can_be_completed_by(principal),
    )


def names_of(members: list[MemberView]) -> dict[str, str]:
    return {member.oid: member.full_name for member in members}
