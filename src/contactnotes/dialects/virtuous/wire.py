"""Virtuous CRM's wire shapes, spelled as Virtuous spells them (camelCase, integer ids, {list, total})."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from contactnotes.notes.schemas import MAX_NOTE_LENGTH

T = TypeVar("T")


class WireModel(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True, extra="ignore")


def _scalar_text(value: Any) -> Any:
    # Query values are documented as strings, but clients send numbers and booleans as JSON scalars too.
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int | float):
        return str(value)
    return value


Text = Annotated[str, BeforeValidator(_scalar_text)]


# ---- input ------------------------------------------------------------------------------------------


class VirtuousReminderIn(WireModel):
    """A follow-up carried by the note. [extension: the real API's create body has no reminder]"""

    message: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    target_date: datetime = Field(alias="targetDate", description="When it is due; without a zone, UTC.")
    owner: int | str | None = Field(default=None, description="User id (or ObjectId); default the note's author.")
    description: Annotated[str, StringConstraints(max_length=10_000)] | None = None


class NoteIn(WireModel):
    """The note model of POST and PUT /api/ContactNote."""

    contact_id: int | None = Field(default=None, alias="contactId", description="Required on create.")
    type: str | None = Field(default=None, description="One of GET /api/ContactNote/Types, any case.")
    note: Annotated[str, StringConstraints(max_length=MAX_NOTE_LENGTH)] | None = None
    note_date_time: datetime | None = Field(
        default=None,
        validation_alias=AliasChoices("noteDateTime", "noteDate"),
        description="When it happened; default now. Without a zone, UTC.",
    )
    important: bool | None = None
    private: bool | None = Field(
        default=None, validation_alias=AliasChoices("private", "isPrivate"), description="Visible to the author only."
    )
    time_spent: int | None = Field(default=None, alias="timeSpent", description="Minutes.")
    reminder: VirtuousReminderIn | None = None


class ConditionIn(WireModel):
    parameter: Text = ""
    operator: Text = ""
    value: Text | None = None
    secondary_value: Text | None = Field(default=None, alias="secondaryValue")
    values: list[Text] | None = None


class GroupIn(WireModel):
    conditions: list[ConditionIn] = Field(default_factory=list)


class QueryIn(WireModel):
    groups: list[GroupIn] = Field(default_factory=list)
    sort_by: str | None = Field(default=None, alias="sortBy")
    descending: bool | None = None


# ---- output -----------------------------------------------------------------------------------------


class VirtuousReminderOut(WireModel):
    id: int
    message: str
    target_date: str = Field(alias="targetDate")
    target_resolution_date_utc: str = Field(alias="targetResolutionDateUtc")
    contact_id: int = Field(alias="contactId")
    contact_view_url: str = Field(alias="contactViewUrl")
    contact_display_name: str = Field(alias="contactDisplayName")
    contact_avatar_url: str | None = Field(alias="contactAvatarUrl")
    reminder_type: str = Field(alias="reminderType")
    reminder_type_display_name: str = Field(alias="reminderTypeDisplayName")
    task_status: str = Field(alias="taskStatus")
    task_status_display_name: str = Field(alias="taskStatusDisplayName")
    complete_url: str = Field(alias="completeUrl")
    dismiss_url: str = Field(alias="dismissUrl")
    description: str | None
    has_contact: bool = Field(alias="hasContact")
    is_past_due: bool = Field(alias="isPastDue")
    is_unresolved: bool = Field(alias="isUnresolved")
    can_complete: bool = Field(alias="canComplete")
    complete_action_name: str = Field(alias="completeActionName")
    can_complete_with_note: bool = Field(alias="canCompleteWithNote")
    owner: str
    owner_avatar_url: str | None = Field(alias="ownerAvatarUrl")


class VirtuousNoteOut(WireModel):
    id: int
    contact_id: int = Field(alias="contactId")
    create_date_time_utc: str = Field(alias="createDateTimeUtc")
    created_by_user: str = Field(alias="createdByUser")
    modified_date_time_utc: str = Field(alias="modifiedDateTimeUtc")
    modified_by_user: str = Field(alias="modifiedByUser")
    note_date: str = Field(alias="noteDate")
    type: str
    note: str
    important: bool
    is_private: bool = Field(alias="isPrivate")
    created_by_avatar_url: str | None = Field(alias="createdByAvatarUrl")
    reminder: VirtuousReminderOut | None


class ListOut(WireModel, Generic[T]):
    items: list[T] = Field(alias="list")
    total: int


class QueryOptionOut(WireModel):
    parameter: str
    type: str
    operators: list[str]
    values: list[str]


class QueryOptionsOut(WireModel):
    parameters: list[QueryOptionOut]
    sort_by: list[str] = Field(alias="sortBy")


class TokenOut(WireModel):
    access_token: str
    token_type: str
    expires_in: int
    refresh_token: str
    user_name: str = Field(alias="userName")
    two_factor_enabled: str = Field(alias="twoFactorEnabled")
    issued: str = Field(alias=".issued")
    expires: str = Field(alias=".expires")


class TokenErrorOut(WireModel):
    error: str
    error_description: str
    message: str


class ErrorDetail(WireModel):
    field: str
    code: str
    message: str


class ErrorBody(WireModel):
    code: str
    message: str
    details: list[ErrorDetail]


class VirtuousErrorOut(WireModel):
    message: str
    error: ErrorBody
