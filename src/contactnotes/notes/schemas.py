"""Dialect-neutral inputs and outputs of the notes core. Wire shapes live in the dialects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from contactnotes.attachments.schemas import AttachmentIn, AttachmentView, StoredAttachment
from contactnotes.contacts.schemas import ContactSummary
from contactnotes.kit.unset import UNSET, Unset
from contactnotes.reminders.schemas import ReminderInput, ReminderView
from contactnotes.users.schemas import UserSummary

__all__ = [
    "UNSET",
    "AttachmentIn",
    "AttachmentView",
    "ContactSummary",
    "NoteCreate",
    "NotePage",
    "NoteSort",
    "NoteUpdate",
    "NoteView",
    "ReactionGroup",
    "StoredAttachment",
    "Unset",
    "UserSummary",
]

# Limits shared by every dialect (docs/compat.md lists them).
MAX_NOTE_LENGTH = 100_000
MAX_MENTIONS = 50
MAX_ATTACHMENTS = 10
MAX_DISTINCT_EMOJI = 20
MAX_TIME_SPENT_MINUTES = 100_000
MAX_CONTACTS = 50  # contacts one note is about


@dataclass(slots=True)
class NoteCreate:
    contact: int | str  # integer id or ObjectId: the primary contact
    body: str = ""
    mentions: list[str] = field(default_factory=list)  # user ObjectIds
    attachments: list[AttachmentIn] = field(default_factory=list)
    type: str | None = None
    important: bool = False
    is_private: bool = False
    time_spent_minutes: int | None = None
    note_date: datetime | None = None
    reminder: ReminderInput | None = None
    # Every contact the note is about (primary included), when the caller names more than one; None: the
    # primary contact alone.
    contacts: list[int | str] | None = None


@dataclass(slots=True)
class NoteUpdate:
    body: str | Unset = UNSET
    mentions: list[str] | Unset = UNSET
    attachments: list[AttachmentIn] | Unset = UNSET
    type: str | Unset | None = UNSET
    important: bool | Unset = UNSET
    is_private: bool | Unset = UNSET
    time_spent_minutes: int | Unset | None = UNSET
    note_date: datetime | Unset | None = UNSET
    # A client may restate the note's contact (a full-model PATCH); naming another contact is refused.
    contact: int | str | Unset = UNSET
    reminder: ReminderInput | Unset | None = UNSET  # None removes the note's reminder
    # The full new set of the note's contacts; it must keep the primary one, which never changes.
    contacts: list[int | str] | Unset = UNSET


@dataclass(frozen=True, slots=True)
class ReactionGroup:
    emoji: str
    user_oids: list[str]

    @property
    def count(self) -> int:
        return len(self.user_oids)


@dataclass(slots=True)
class NoteView:
    id: int
    oid: str
    contact: ContactSummary
    author: UserSummary
    modified_by: UserSummary
    body: str
    type: str
    important: bool
    is_private: bool
    time_spent_minutes: int | None
    note_date: datetime
    created_at: datetime
    updated_at: datetime
    is_edited: bool
    mentions: list[UserSummary]
    attachments: list[AttachmentView]
    reactions: list[ReactionGroup]
    reminder: ReminderView | None = None
    # Every contact the note is about, `contact` (the primary one) first. Events stored before notes had
    # several contacts have none here: `all_contacts` is the one to read.
    contacts: list[ContactSummary] = field(default_factory=list)

    @property
    def all_contacts(self) -> list[ContactSummary]:
        return self.contacts or [self.contact]


class NoteSort:
    NOTE_DATE = "note_date"
    CREATED = "created_at"
    MODIFIED = "updated_at"


@dataclass(frozen=True, slots=True)
class NotePage:
    items: list[NoteView]
    total: int
    next_cursor: str | None = None


@dataclass(frozen=True, slots=True)
class TimelineFilter:
    """What a person narrows a contact's timeline to; every part optional, all of them ANDed."""

    type: str | None = None
    author: str | None = None  # a user's ObjectId
    important: bool = False
    has_files: bool = False
    date_from: datetime | None = None  # note_date at or after
    date_to: datetime | None = None  # note_date before

    @property
    def is_empty(self) -> bool:
        return self == TimelineFilter()
