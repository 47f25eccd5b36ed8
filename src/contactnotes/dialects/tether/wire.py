"""TetherAI's wire shapes, spelled exactly as the vendor spells them (camelCase, _id, envelopes)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Generic, Literal, TypeVar

from email_validator import SPECIAL_USE_DOMAIN_NAMES
from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from contactnotes.http.inputs import DateTimeText, JsonBool, JsonInt, NoNulText, not_null
from contactnotes.kit.ids import parse_oid
from contactnotes.notes.schemas import (
    MAX_ATTACHMENTS,
    MAX_CONTACTS,
    MAX_MENTIONS,
    MAX_NOTE_LENGTH,
    MAX_TIME_SPENT_MINUTES,
)


def _object_id(value: object) -> str:
    canonical = parse_oid(value)
    if canonical is None:
        raise PydanticCustomError("object_id", "must be a 24-character hexadecimal ObjectId")
    return canonical


ObjectId = Annotated[
    str,
    BeforeValidator(_object_id),
    WithJsonSchema({"type": "string", "pattern": "^[0-9a-fA-F]{24}$", "example": "65c2d0e0f0a0b0c0d0e0f0a0"}),
]


def _aware(value: datetime) -> datetime:
    # JavaScript clients send toISOString() (with Z); a date or time without a zone is taken as UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


AwareDatetime = Annotated[DateTimeText, AfterValidator(_aware)]
T = TypeVar("T")


class WireModel(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True, extra="ignore")


# ---- input ------------------------------------------------------------------------------------------


class AttachmentIn(WireModel, NoNulText):
    """A stored upload attached to the note. `size` and `type` are optional and ignored (TetherAI's clients
    send them): answers show the stored file's real size and sniffed type."""

    key: Annotated[str, StringConstraints(min_length=1, max_length=1024)] = Field(
        description="The key POST /api/upload (or uploads/complete) answered."
    )
    name: Annotated[str, StringConstraints(min_length=1, max_length=255)] = Field(description="The file's label.")
    size: Annotated[JsonInt, Field(ge=0)] | None = Field(
        default=None, description="Optional, ignored: the stored file's size is used."
    )
    type: Annotated[str, StringConstraints(min_length=1, max_length=255)] | None = Field(
        default=None, description="Optional, ignored: the type sniffed from the stored bytes is used."
    )


class ReminderIn(WireModel, NoNulText):
    """A follow-up the note carries. [extension of both vendors]"""

    message: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    target_date: DateTimeText = Field(alias="targetDate", description="When it is due; without a zone, UTC.")
    owner: ObjectId | None = Field(default=None, description="User _id; default the note's author.")
    description: Annotated[str, StringConstraints(max_length=10_000)] | None = None


class NoteFieldsIn(WireModel, NoNulText):
    """Fields both create and update take. The Virtuous fields are accepted too, so one API sets all."""

    type: str | None = Field(default=None, description="Note type, matched ignoring case (GET /api/note-types).")
    important: JsonBool | None = None
    private: JsonBool | None = Field(
        default=None,
        validation_alias=AliasChoices("private", "isPrivate"),
        description="Visible to its author only. `isPrivate` is accepted as well.",
    )
    time_spent: JsonInt | None = Field(
        default=None,
        alias="timeSpent",
        description="Minutes.",
        json_schema_extra={"minimum": 0, "maximum": MAX_TIME_SPENT_MINUTES},
    )
    note_date_time: AwareDatetime | None = Field(
        default=None,
        validation_alias=AliasChoices("noteDateTime", "noteDate"),
        description="When the conversation happened; may be in the past. Defaults to now.",
    )
    reminder: ReminderIn | None = Field(default=None, description="Set a reminder; on update, null removes it.")


class NoteCreateIn(NoteFieldsIn):
    """`contactId` is the note's primary contact; `contactIds`, when sent, is every contact the note is about
    (a meeting with several people) and must include `contactId` (422 otherwise). With `contactIds` alone,
    its first entry is the primary contact."""

    contact_id: ObjectId | None = Field(
        default=None, alias="contactId", description="Contact _id the note is attached to: its primary contact."
    )
    contact_ids: list[ObjectId] | None = Field(
        default=None,
        alias="contactIds",
        max_length=MAX_CONTACTS,
        description="Every contact _id the note is about, contactId included. Each linked contact's timeline shows it.",
    )
    note: Annotated[str, StringConstraints(max_length=MAX_NOTE_LENGTH)] = Field(
        default="", description="Markdown/plain-text body of the note; may contain @-mention syntax."
    )
    mentions: list[ObjectId] = Field(
        default_factory=list,
        max_length=MAX_MENTIONS,
        description="User _ids @-mentioned in the note; trigger notification pings.",
    )
    attachments: list[AttachmentIn] = Field(
        default_factory=list,
        max_length=MAX_ATTACHMENTS,
        description="Storage keys + content metadata for files attached to the note.",
    )


class NoteUpdateIn(NoteFieldsIn):
    """Only the fields sent change; `mentions` and `attachments`, when sent, replace the lists.

    Absent is not null: only `type`, `timeSpent`, `noteDateTime` and `reminder` may be sent as null (to clear
    them); null for the fields below is 400 (mapping.to_note_update), so the document does not offer it.
    """

    model_config = ConfigDict(
        json_schema_extra=not_null("contactId", "contactIds", "note", "mentions", "attachments", "important", "private")
    )

    contact_id: ObjectId | None = Field(
        default=None, alias="contactId", description="May be restated; naming another contact is 400."
    )
    contact_ids: list[ObjectId] | None = Field(
        default=None,
        alias="contactIds",
        max_length=MAX_CONTACTS,
        description="Replaces the note's contacts with this set; it must keep the primary contact (contactId), "
        "and an empty set (unlinking the last contact) is 422.",
    )
    note: Annotated[str, StringConstraints(max_length=MAX_NOTE_LENGTH)] | None = Field(
        default=None, description="Replacement body for the note; flips isEdited to true on save."
    )
    mentions: Annotated[list[ObjectId], Field(max_length=MAX_MENTIONS)] | None = Field(
        default=None, description="User _ids mentioned; only users not mentioned before are notified."
    )
    attachments: Annotated[list[AttachmentIn], Field(max_length=MAX_ATTACHMENTS)] | None = Field(
        default=None, description="Replaces the existing attachment list."
    )
    important: JsonBool | None = None
    private: JsonBool | None = Field(
        default=None,
        validation_alias=AliasChoices("private", "isPrivate"),
        description="Visible to its author only. `isPrivate` is accepted as well.",
    )


class ReactionIn(WireModel, NoNulText):
    emoji: Annotated[str, StringConstraints(min_length=1, max_length=64)] = Field(
        description="One emoji; the first toggle adds the caller's reaction, the second removes it.",
        examples=["👍"],
    )


# An empty email and a blank avatarUrl are taken as none (contacts/service.py), so the document allows them.
# Addresses at special-use domains (RFC 6761: .test, .local, ...) are refused, as email-validator does.
_SPECIAL_USE = "|".join("".join(f"[{c}{c.upper()}]" for c in name) for name in SPECIAL_USE_DOMAIN_NAMES)
_EMAIL = {"type": "string", "format": "email", "not": {"pattern": f"[@.]({_SPECIAL_USE})$"}}
_BLANK_OR_EMAIL = {"anyOf": [_EMAIL, {"type": "string", "maxLength": 0}]}
_BLANK_OR_WEB_URL = {"type": "string", "maxLength": 2000, "pattern": r"^\s*([hH][tT][tT][pP][sS]?://[\s\S]*)?$"}


class ContactCreateIn(WireModel, NoNulText):
    display_name: Annotated[str, StringConstraints(min_length=1, max_length=300)] = Field(
        validation_alias=AliasChoices("displayName", "fullName", "name"),
        description="Shown in timelines. `fullName` and `name` are accepted as well.",
    )
    email: Annotated[str, StringConstraints(max_length=320), WithJsonSchema(_BLANK_OR_EMAIL)] | None = None
    avatar_url: Annotated[str, StringConstraints(max_length=2000), WithJsonSchema(_BLANK_OR_WEB_URL)] | None = Field(
        default=None, alias="avatarUrl", description="An http(s) address shown as the contact's picture."
    )


# ---- output -----------------------------------------------------------------------------------------


class AuthorOut(WireModel):
    id: str = Field(alias="_id")
    full_name: str = Field(alias="fullName")
    email: str
    avatar_url: str | None = Field(alias="avatarUrl")


class AttachmentOut(WireModel):
    key: str
    name: str
    size: int
    type: str
    signed_url: str | None = Field(alias="signedUrl")


class ReactionOut(WireModel):
    emoji: str
    users: list[str]
    count: int


class ReminderOut(WireModel):
    id: str = Field(alias="_id")
    note_id: str | None = Field(alias="noteId")
    contact_id: str = Field(alias="contactId")
    message: str
    description: str | None
    target_date: str = Field(alias="targetDate")
    status: str  # Active, Completed or Dismissed
    is_past_due: bool = Field(alias="isPastDue")
    is_unresolved: bool = Field(alias="isUnresolved")
    can_complete: bool | None = Field(default=None, alias="canComplete")  # set where the caller is known
    owner: AuthorOut
    resolved_at: str | None = Field(alias="resolvedAt")
    created_at: str = Field(alias="createdAt")
    updated_at: str = Field(alias="updatedAt")


class NoteOut(WireModel):
    id: str = Field(alias="_id")
    contact_id: str = Field(alias="contactId", description="The primary contact.")
    contact_ids: list[str] = Field(alias="contactIds", description="Every contact the note is about, primary first.")
    contacts: list[ContactRefOut] = Field(description="The same contacts, with their names, primary first.")
    user_id: AuthorOut = Field(alias="userId")
    note: str
    note_html: str = Field(alias="noteHtml")
    mentions: list[str]
    attachments: list[AttachmentOut]
    reactions: list[ReactionOut]
    type: str
    important: bool
    is_private: bool = Field(alias="isPrivate")
    time_spent: int | None = Field(alias="timeSpent")
    note_date: str = Field(alias="noteDate")
    is_edited: bool = Field(alias="isEdited")
    created_at: str = Field(alias="createdAt")
    updated_at: str = Field(alias="updatedAt")
    reminder: ReminderOut | None = None


class Envelope(WireModel, Generic[T]):
    success: Literal[True] = True
    message: str
    data: T


class ErrorItem(WireModel):
    field: str
    message: str


class ErrorOut(WireModel):
    success: Literal[False] = False
    message: str
    errors: list[ErrorItem]


class Pagination(WireModel):
    total: int
    limit: int
    offset: int
    has_more: bool = Field(alias="hasMore")


class NotePagination(Pagination):
    next_cursor: str | None = Field(
        alias="nextCursor", description="Pass as `cursor` for the next page (keyset: same cost at any depth)."
    )


class ListEnvelope(WireModel, Generic[T]):
    success: Literal[True] = True
    message: str
    data: list[T]
    pagination: Pagination


class NoteListEnvelope(ListEnvelope[NoteOut]):
    pagination: NotePagination


class MatchedInOut(WireModel):
    field: Literal["body", "file"] = Field(description="Where the query matched: the note's text or one of its files.")
    file_name: str | None = Field(alias="fileName", description="The file's name when `field` is `file`.")


class SearchHitOut(NoteOut):
    snippet: str = Field(
        description="HTML: a part of the note's text (or of the matching file's text) around the match, the "
        "matched words in `<mark>`, everything else escaped."
    )
    matched_in: MatchedInOut = Field(alias="matchedIn")


class SearchPagination(WireModel):
    limit: int
    has_more: bool = Field(alias="hasMore")
    next_cursor: str | None = Field(alias="nextCursor", description="Pass as `cursor` for the next page.")


class SearchEnvelope(WireModel):
    success: Literal[True] = True
    message: str
    data: list[SearchHitOut]
    pagination: SearchPagination


class DeletedOut(WireModel):
    id: str = Field(alias="_id")


class ContactRefOut(WireModel):
    id: str = Field(alias="_id")
    display_name: str = Field(alias="displayName")
    avatar_url: str | None = Field(alias="avatarUrl")


class NotificationOut(WireModel):
    id: str = Field(alias="_id")
    type: str = Field(description="`mention`, or `reminder_due`.")
    message: str = Field(description="One line for a person to read.")
    is_read: bool = Field(alias="isRead")
    read_at: str | None = Field(alias="readAt")
    created_at: str = Field(alias="createdAt")
    note_id: str | None = Field(alias="noteId")
    note_excerpt: str | None = Field(alias="noteExcerpt", description="The note's first 140 characters, as stored.")
    contact_id: str | None = Field(alias="contactId")
    contact: ContactRefOut | None
    actor: AuthorOut | None = Field(description="Who caused it (the note's author, for a mention).")


class NotificationListEnvelope(ListEnvelope[NotificationOut]):
    unread_count: int = Field(alias="unreadCount", description="Unread notifications in the whole inbox.")


class ReadAllOut(WireModel):
    updated: int = Field(description="How many notifications were unread.")


class UserOut(WireModel):
    id: str = Field(alias="_id")
    full_name: str = Field(alias="fullName")
    email: str
    handle: str = Field(description="What others type after @ to mention this user.")
    avatar_url: str | None = Field(alias="avatarUrl")
    role: Literal["admin", "member"]
    created_at: str = Field(alias="createdAt")


class OrganizationRefOut(WireModel):
    id: str = Field(alias="_id")
    name: str


class MeOut(UserOut):
    organization: OrganizationRefOut


class ContactOut(WireModel):
    id: str = Field(alias="_id")
    display_name: str = Field(alias="displayName")
    email: str | None
    avatar_url: str | None = Field(alias="avatarUrl")
    created_at: str = Field(alias="createdAt")


# ---- note history -----------------------------------------------------------------------------------


class DiffSegmentOut(WireModel):
    """A run of the body's word diff: plain text (never markup), kept, added or removed by the edit."""

    op: Literal["equal", "insert", "delete"]
    text: str


class NoteStateOut(WireModel):
    """A note's body and fields at one point of its history."""

    note: str
    type: str
    important: bool
    is_private: bool = Field(alias="isPrivate")
    time_spent: int | None = Field(alias="timeSpent")
    note_date: str = Field(alias="noteDate")


class RevisionOut(WireModel):
    id: str = Field(alias="_id")
    number: int = Field(description="1 for the note's first edit, 2 for the next, ...")
    edited_by: AuthorOut = Field(alias="editedBy")
    edited_at: str = Field(alias="editedAt")
    changed: list[str] = Field(description="The fields this edit changed, named as in `before` and `after`.")
    before: NoteStateOut = Field(description="The note before this edit: what restoring this revision brings back.")
    after: NoteStateOut
    note_diff: list[DiffSegmentOut] = Field(
        alias="noteDiff", description="Word diff of `note` from before to after; empty when the body did not change."
    )


class HistoryEnvelope(ListEnvelope[RevisionOut]):
    can_restore: bool = Field(alias="canRestore", description="Whether the caller may restore this note's revisions.")
