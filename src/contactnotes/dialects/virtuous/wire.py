"""Virtuous CRM's wire shapes, spelled as Virtuous spells them (camelCase, integer ids, {list, total})."""

from __future__ import annotations

import re
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from contactnotes.http.inputs import NoNulText, not_null
from contactnotes.notes.schemas import MAX_NOTE_LENGTH, MAX_TIME_SPENT_MINUTES

from .dates import VirtuousDateTime

T = TypeVar("T")
MAX_ID = 2**63 - 1  # the largest id the databases store (BIGINT)
# An integer id in a JSON body: at most 2**53 - 1, the largest integer every JSON reader keeps exact (I-JSON,
# RFC 7493); past it a number could not name a row, and a larger one would overflow the database (400).
MAX_JSON_ID = 2**53 - 1
_BLANKS = " \t\r\n"
_DIGITS = re.compile(r"\+?[0-9]+")


def _integer(value: Any) -> Any:
    # Virtuous documents every field as a string: "15" is 15, as for its own clients. true/false are no number.
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "must be an integer")
    if isinstance(value, str):
        text = value.strip(_BLANKS)
        if not _DIGITS.fullmatch(text):
            raise PydanticCustomError("int_parsing", "must be an integer")
        return int(text)
    return value


def _integer_schema(minimum: int, maximum: int, digits: str) -> dict[str, Any]:
    """A JSON integer in range, or a string of digits (`digits`: the same range as a regular expression)."""
    string = {"type": "string", "pattern": f"^[ \\t\\r\\n]*\\+?0*({digits})[ \\t\\r\\n]*$"}
    return {"anyOf": [{"type": "integer", "minimum": minimum, "maximum": maximum}, string]}


IntegerId = Annotated[
    int,
    BeforeValidator(_integer),
    Field(ge=1, le=MAX_JSON_ID),
    WithJsonSchema(_integer_schema(1, MAX_JSON_ID, "[1-9][0-9]{0,14}")),  # 15 digits stay below 2**53
]


def _user_ref(value: Any) -> int | str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_JSON_ID:
        return value
    raise PydanticCustomError("user_ref", "must be a user id (1 to 2**53 - 1) or ObjectId")


# A reminder's owner: a user's integer id or its ObjectId (one validator, so an error names just the field).
UserRef = Annotated[
    int | str,
    PlainValidator(_user_ref),
    WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 1, "maximum": MAX_JSON_ID}, {"type": "string"}]}),
]
# notes/service.py refuses minutes outside 0-100000 (400 naming timeSpent); the document says so.
TimeSpent = Annotated[
    int, BeforeValidator(_integer), WithJsonSchema(_integer_schema(0, MAX_TIME_SPENT_MINUTES, "100000|[0-9]{1,5}"))
]


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

# Virtuous documents every field as a string, so its clients send "True", "1" and 1 as well as true. These are
# the spellings Pydantic's boolean accepts, in any case; the OpenAPI document lists exactly them.
_BOOLEAN_WORDS = ("true", "false", "1", "0", "yes", "no", "on", "off", "t", "f", "y", "n")


def any_case(*words: str) -> str:
    """A regular expression (ECMA-262, as OpenAPI's `pattern` is) matching any of `words` in any case."""
    return "|".join("".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word) for word in words)


LENIENT_BOOLEAN_SCHEMA = {
    "anyOf": [
        {"type": "boolean"},
        {"type": "number", "enum": [0, 1]},
        {"type": "string", "pattern": f"^({any_case(*_BOOLEAN_WORDS)})$"},
    ]
}
LenientBool = Annotated[bool, WithJsonSchema(LENIENT_BOOLEAN_SCHEMA)]


# ---- input ------------------------------------------------------------------------------------------


class VirtuousReminderIn(WireModel, NoNulText):
    """A follow-up carried by the note. [extension: the real API's create body has no reminder]"""

    message: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    target_date: VirtuousDateTime = Field(alias="targetDate", description="When it is due.")
    owner: UserRef | None = Field(default=None, description="User id (or ObjectId); default the note's author.")
    description: Annotated[str, StringConstraints(max_length=10_000)] | None = None


class NoteIn(WireModel, NoNulText):
    """The note model of POST and PUT /api/ContactNote."""

    contact_id: IntegerId | None = Field(default=None, alias="contactId", description="Required on create.")
    type: str | None = Field(default=None, description="One of GET /api/ContactNote/Types, any case.")
    note: Annotated[str, StringConstraints(max_length=MAX_NOTE_LENGTH)] | None = None
    note_date_time: VirtuousDateTime | None = Field(
        default=None,
        validation_alias=AliasChoices("noteDateTime", "noteDate"),
        description="When it happened; default now.",
    )
    important: LenientBool | None = None
    private: LenientBool | None = Field(
        default=None, validation_alias=AliasChoices("private", "isPrivate"), description="Visible to the author only."
    )
    time_spent: TimeSpent | None = Field(default=None, alias="timeSpent", description="Minutes.")
    reminder: VirtuousReminderIn | None = None


class ConditionIn(WireModel, NoNulText):
    parameter: Text = ""
    operator: Text = ""
    value: Text | None = None
    secondary_value: Text | None = Field(default=None, alias="secondaryValue")
    values: list[Text] | None = None


class GroupIn(WireModel, NoNulText):
    conditions: list[ConditionIn] = Field(default_factory=list)


def _email_required(schema: dict[str, Any]) -> None:
    not_null("contactNoteId", "toEmail")(schema)
    schema["required"] = ["contactNoteId", "toEmail"]


class EmailNoteIn(WireModel, NoNulText):
    """POST /api/ContactNote/Email: which note, to whom, and optionally a subject and a covering message."""

    model_config = ConfigDict(json_schema_extra=_email_required)

    contact_note_id: IntegerId | None = Field(
        default=None,
        alias="contactNoteId",
        validation_alias=AliasChoices("contactNoteId", "noteId", "id"),
        description="The note to send (noteId and id are read too).",
    )
    to_email: Annotated[str, StringConstraints(max_length=320)] | None = Field(
        default=None,
        alias="toEmail",
        validation_alias=AliasChoices("toEmail", "email"),
        description="Recipient.",
        json_schema_extra={"format": "email"},
    )
    from_email: Annotated[str, StringConstraints(max_length=320)] | None = Field(
        default=None,
        alias="fromEmail",
        description="Ignored: mail leaves from the server's address (CONTACTNOTES_EMAIL_FROM).",
    )
    subject: Annotated[str, StringConstraints(max_length=200)] | None = None
    body: Annotated[str, StringConstraints(max_length=10_000)] | None = Field(
        default=None, description="A message sent above the note."
    )


def _contact_required(schema: dict[str, Any]) -> None:
    not_null("contactId")(schema)
    schema["required"] = ["contactId"]


class VirtuousNoteCreateIn(NoteIn):
    """POST /api/ContactNote's note: as NoteIn, and the contact is required (400 "contactId is required")."""

    model_config = ConfigDict(json_schema_extra=_contact_required)


class QueryIn(WireModel, NoNulText):
    groups: list[GroupIn] = Field(default_factory=list)
    sort_by: str | None = Field(default=None, alias="sortBy")
    descending: LenientBool | None = None


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


class CustomFieldOut(WireModel):
    """A custom field of notes (none exist yet; the list is always empty)."""

    name: str
    data_type: str = Field(alias="dataType")


class OrganizationOut(WireModel):
    """GET /api/Organization/Current, in the fields third-party documentation gives, plus the id."""

    organization_id: int = Field(alias="organizationId")
    organization_user_id: int = Field(alias="organizationUserId", description="The caller's user id.")
    organization_name: str = Field(alias="organizationName")
    organization_time_zone: str = Field(alias="organizationTimeZone", description="IANA name, such as UTC.")
    organization_culture: str = Field(alias="organizationCulture")
    current_user_time_zone: str = Field(alias="currentUserTimeZone")
    is_administrator: bool = Field(alias="isAdministrator")
    is_enabled: bool = Field(alias="isEnabled")


class ListOut(WireModel, Generic[T]):
    items: list[T] = Field(alias="list")
    total: int


class OperatorOptionOut(WireModel):
    operator: str
    multiple_values_allowed: bool = Field(alias="multipleValuesAllowed")
    value_required: bool = Field(alias="valueRequired")


class QueryOptionOut(WireModel):
    parameter: str
    type: str = Field(description="Int, String, Date, Boolean, List or Lookup")
    operator_options: list[OperatorOptionOut] = Field(alias="operatorOptions")
    value_options: list[str] = Field(alias="valueOptions")


class QueryOptionsOut(WireModel):
    """Virtuous's shape: each parameter with its operators, and every operator once at the top level."""

    options: list[QueryOptionOut]
    operator_options: list[OperatorOptionOut] = Field(alias="operatorOptions")


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


class DeniedOut(WireModel):
    """Every 401 of the dialect, word for word the real server's."""

    message: str = Field(examples=["Authorization has been denied for this request."])


class VirtuousErrorOut(WireModel):
    message: str
    error: ErrorBody
