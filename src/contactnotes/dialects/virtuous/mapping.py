"""Pure functions between Virtuous's wire shapes and the core's schemas."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime

from contactnotes.auth.principal import Principal
from contactnotes.http.errors import RequestRefused
from contactnotes.kit.unset import UNSET
from contactnotes.notes.conditions import ConditionInput, OperatorOption, ParameterOption
from contactnotes.notes.schemas import NoteCreate, NoteSort, NoteUpdate, NoteView
from contactnotes.reminders.schemas import ReminderInput, ReminderView
from contactnotes.users.signin import GrantedTokens

from .dates import calendar_day, utc_in, utc_text
from .wire import (
    ConditionIn,
    NoteIn,
    OperatorOptionOut,
    QueryIn,
    QueryOptionOut,
    TokenOut,
    VirtuousNoteOut,
    VirtuousReminderIn,
    VirtuousReminderOut,
)

SORT_BY_NAMES = ["CreatedDateTime", "NoteDate", "ModifiedDateTime"]
# QueryOptions' parameter display names sort too ("Create Date", as a published client sends it).
SORT_BY_DISPLAY_NAMES = ["Create Date", "Note Date", "Last Modified Date"]


def _fold(name: str) -> str:
    return "".join(name.split()).casefold()


SORT_BY = {
    _fold(name): sort
    for names in (SORT_BY_NAMES, SORT_BY_DISPLAY_NAMES)
    for name, sort in zip(names, (NoteSort.CREATED, NoteSort.NOTE_DATE, NoteSort.MODIFIED), strict=True)
}
# Virtuous's reminders from notes are "manual" ones (its docs: get-active-manual-reminders-by-contact).
REMINDER_TYPE = "Manual"
STATUS_DISPLAY = {"Active": "Active", "Completed": "Completed", "Dismissed": "Dismissed"}


def dt(value: datetime) -> str:
    return utc_text(value)


def parse_sort(raw: str | None, field: str = "sortBy") -> str:
    if raw is None or not raw.strip():
        return NoteSort.NOTE_DATE
    sort = SORT_BY.get(_fold(raw))
    if sort is None:
        names = ", ".join(SORT_BY_NAMES + SORT_BY_DISPLAY_NAMES)
        raise RequestRefused.field(field, f"Unknown sortBy {raw!r}; use one of {names}", "UNKNOWN_SORT")
    return sort


def parse_bool(raw: str | None, field: str, default: bool) -> bool:
    """`True`/`False` in any case, as .NET clients write them (also 1/0)."""
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"true", "1"}:
        return True
    if lowered in {"false", "0"}:
        return False
    raise RequestRefused.field(field, f"{field} must be True or False, not {raw!r}")


def reminder_input(body: VirtuousReminderIn | None, time_zone: str) -> ReminderInput | None:
    if body is None:
        return None
    target = utc_in(body.target_date, time_zone, "reminder.targetDate")
    return ReminderInput(message=body.message, target_date=target, owner=body.owner, description=body.description)


def _note_date(body: NoteIn, time_zone: str) -> datetime | None:
    return utc_in(body.note_date_time, time_zone, "noteDateTime") if body.note_date_time else None


def to_note_create(body: NoteIn, time_zone: str) -> NoteCreate:
    """`time_zone`: the organization's, in which a date-time without a zone is read."""
    if body.contact_id is None:
        raise RequestRefused.field("contactId", "contactId is required", "REQUIRED")
    return NoteCreate(
        contact=body.contact_id,
        body=body.note or "",
        type=body.type,
        important=bool(body.important),
        is_private=bool(body.private),
        time_spent_minutes=body.time_spent,
        note_date=_note_date(body, time_zone),
        reminder=reminder_input(body.reminder, time_zone),
    )


def to_note_update(body: NoteIn, time_zone: str) -> NoteUpdate:
    """PUT sends the full model: an omitted field is cleared (type back to the default, dates to the creation
    time). What Virtuous cannot express is kept: mentions, attachments, reactions, and the reminder unless
    the body has a `reminder` key (null removes it)."""
    return NoteUpdate(
        body=body.note or "",
        type=body.type,
        important=bool(body.important),
        is_private=bool(body.private),
        time_spent_minutes=body.time_spent,
        note_date=_note_date(body, time_zone),
        reminder=reminder_input(body.reminder, time_zone) if "reminder" in body.model_fields_set else UNSET,
        contact=body.contact_id if body.contact_id is not None else UNSET,  # restated; another one is refused
    )


def reminder_out(
    view: ReminderView, principal: Principal | None, base_url: str, now: datetime, time_zone: str | None = None
) -> VirtuousReminderOut:
    """`principal` is who reads it (None for a webhook receiver, who may complete nothing); `time_zone` the
    organization's (default the principal's), whose calendar day `targetDate` is."""
    base = base_url.rstrip("/")
    zone_name = time_zone or (principal.time_zone if principal else "UTC")
    return VirtuousReminderOut(
        id=view.id,
        message=view.message,
        target_date=calendar_day(view.target_date, zone_name),
        target_resolution_date_utc=dt(view.target_date),
        contact_id=view.contact.id,
        contact_view_url=f"{base}/api/ContactNote/ByContact/{view.contact.id}",
        contact_display_name=view.contact.display_name,
        contact_avatar_url=view.contact.avatar_url,
        reminder_type=REMINDER_TYPE,
        reminder_type_display_name=REMINDER_TYPE,
        task_status=view.status,
        task_status_display_name=STATUS_DISPLAY.get(view.status, view.status),
        complete_url=f"{base}/api/Reminder/{view.id}/Complete",
        dismiss_url=f"{base}/api/Reminder/{view.id}/Dismiss",
        description=view.description,
        has_contact=True,
        is_past_due=view.is_past_due(now),
        is_unresolved=view.is_unresolved,
        can_complete=principal is not None and view.can_be_completed_by(principal),
        complete_action_name="Complete",
        can_complete_with_note=False,
        owner=view.owner.full_name,
        owner_avatar_url=view.owner.avatar_url,
    )


def note_out(
    view: NoteView, principal: Principal | None, base_url: str, now: datetime, time_zone: str | None = None
) -> VirtuousNoteOut:
    zone_name = time_zone or (principal.time_zone if principal else "UTC")
    return VirtuousNoteOut(
        id=view.id,
        contact_id=view.contact.id,
        create_date_time_utc=dt(view.created_at),
        created_by_user=view.author.full_name,
        modified_date_time_utc=dt(view.updated_at),
        modified_by_user=view.modified_by.full_name,
        note_date=calendar_day(view.note_date, zone_name),
        type=view.type,
        note=view.body,
        important=view.important,
        is_private=view.is_private,
        created_by_avatar_url=view.author.avatar_url,
        reminder=reminder_out(view.reminder, principal, base_url, now, zone_name) if view.reminder else None,
    )


def note_type_key(name: str) -> str:
    """Virtuous keys its Types answer by the name with only the first letter lowered ("text Message")."""
    return name[:1].lower() + name[1:]


def conditions(body: QueryIn) -> list[list[ConditionInput]]:
    def one(c: ConditionIn) -> ConditionInput:
        return ConditionInput(c.parameter, c.operator, c.value, c.secondary_value, list(c.values or []))

    return [[one(c) for c in group.conditions] for group in body.groups]


def operator_out(option: OperatorOption) -> OperatorOptionOut:
    return OperatorOptionOut(
        operator=option.operator,
        multiple_values_allowed=option.multiple_values_allowed,
        value_required=option.value_required,
    )


def option_out(option: ParameterOption) -> QueryOptionOut:
    return QueryOptionOut(
        parameter=option.parameter,
        type=option.type,
        operator_options=[operator_out(o) for o in option.operators],
        value_options=option.values,
    )


def rfc1123(value: datetime) -> str:
    return format_datetime(value.astimezone(UTC).replace(microsecond=0), usegmt=True)


def token_out(granted: GrantedTokens) -> TokenOut:
    return TokenOut(
        access_token=granted.access_token,
        token_type="bearer",  # noqa: S106 (the OAuth token type, not a secret)
        expires_in=granted.expires_in,
        refresh_token=granted.refresh_token,
        user_name=granted.user_name,
        two_factor_enabled=str(granted.two_factor_enabled),
        issued=rfc1123(granted.issued_at),
        expires=rfc1123(granted.expires_at),
    )
