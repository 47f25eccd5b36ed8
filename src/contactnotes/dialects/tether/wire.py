"""TetherAI's wire shapes, spelled exactly as the vendor spells them (camelCase, _id, envelopes)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from contactnotes.kit.ids import parse_oid
from contactnotes.notes.schemas import MAX_ATTACHMENTS, MAX_MENTIONS, MAX_NOTE_LENGTH


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
T = TypeVar("T")


class WireModel(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True, extra="ignore")


# ---- input ------------------------------------------------------------------------------------------


class AttachmentIn(WireModel):
    key: Annotated[str, StringConstraints(min_length=1, max_length=1024)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    size: Annotated[int, Field(ge=0)]
    type: Annotated[str, StringConstraints(min_length=1, max_length=255)]


class ReminderIn(WireModel):
    """A follow-up the note carries. [extension of both vendors]"""

    message: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    target_date: datetime = Field(alias="targetDate", description="When it is due; without a zone, UTC.")
    owner: ObjectId | None = Field(default=None, description="User _id; default the note's author.")
    description: Annotated[str, StringConstraints(max_length=10_000)] | None = None


class NoteFieldsIn(WireModel):
    """Fields both create and update take. The Virtuous fields are accepted too, so one API sets all."""

    type: str | None = Field(default=None, description="Note type, matched ignoring case (GET /api/note-types).")
    important: bool | None = None
    private: bool | None = Field(
        default=None,
        validation_alias=AliasChoices("private", "isPrivate"),
        description="Visible to its author only. `isPrivate` is accepted as well.",
    )
    time_spent: int | None = Field(default=None, alias="timeSpent", description="Minutes.")
    note_date_time: datetime | None = Field(
        default=None,
        validation_alias=AliasChoices("noteDateTime", "noteDate"),
        description="When the conversation happened; may be in the past. Defaults to now.",
    )
    reminder: ReminderIn | None = Field(default=None, description="Set a reminder; on update, null removes it.")


class NoteCreateIn(NoteFieldsIn):
    contact_id: ObjectId = Field(alias="contactId", description="Contact _id the note is attached to.")
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
    contact_id: str = Field(alias="contactId")
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
