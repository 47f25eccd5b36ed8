"""HTML forms to core inputs and core errors back to the form fields at fault.

A form that fails comes back filled with what was typed, each error next to its field.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from starlette.datastructures import FormData

from contactnotes.attachments.schemas import AttachmentIn
from contactnotes.errors import DomainError
from contactnotes.notes.schemas import NoteCreate, NoteUpdate
from contactnotes.reminders.schemas import ReminderInput

# Core field names -> the composer's field names.
FIELDS = {
    "body": "body",
    "mentions": "body",
    "time_spent": "time_spent",
    "type": "type",
    "note_date": "note_date",
    "attachments": "files",
    "reminder.message": "reminder_message",
    "reminder.target_date": "reminder_date",
    "reminder.owner": "reminder_owner",
    "reminder.description": "reminder_message",
    "reminder": "reminder_date",
    "contact": "body",
    "contacts": "also",
    "emoji": "emoji",
    "display_name": "name",
    "email": "email",
    "avatar_url": "name",
}


def form_field(core_field: str | None) -> str:
    if core_field is None:
        return "form"
    if core_field in FIELDS:
        return FIELDS[core_field]
    head = core_field.split("[", 1)[0].split(".", 1)[0]
    return FIELDS.get(head, "form")


def errors_of(exc: DomainError) -> dict[str, str]:
    """Each form field's first problem, in words a person reads."""
    found: dict[str, str] = {}
    for problem in exc.problems:
        found.setdefault(form_field(problem.field), problem.message)
    if not found:
        found["form"] = exc.message
    return found


def errors_by_field(exc: DomainError, fields: Collection[str] | None = None) -> dict[str, str]:
    """Each core field's first problem, for a form whose fields carry the core's names; a field the form
    does not have (when `fields` lists them) shows at the top of the form."""
    found: dict[str, str] = {}
    for problem in exc.problems:
        name = problem.field if fields is None or problem.field in fields else "form"
        found.setdefault(name, problem.message)
    return found or {"form": exc.message}


class FormErrors(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(next(iter(errors.values())))
        self.errors = errors


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _texts(form: FormData, name: str) -> list[str]:
    return [value for value in form.getlist(name) if isinstance(value, str)]


@dataclass
class Composer:
    """What the note composer holds, as typed: shown again as it was when anything is refused."""

    body: str = ""
    type: str = ""
    important: bool = False
    private: bool = False
    time_spent: str = ""
    note_date: str = ""
    tz_offset: str = "0"
    reminder_date: str = ""
    reminder_message: str = ""
    reminder_owner: str = ""
    attachments: list[tuple[str, str]] = field(default_factory=list)  # (key, name)
    also: list[str] = field(default_factory=list)  # ObjectIds of the other contacts the note is about

    @classmethod
    def from_form(cls, form: FormData) -> Composer:
        keys, names = _texts(form, "attachment_key"), _texts(form, "attachment_name")
        return cls(
            body=_text(form, "body"),
            type=_text(form, "type"),
            important=_text(form, "important") == "on",
            private=_text(form, "private") == "on",
            time_spent=_text(form, "time_spent").strip(),
            note_date=_text(form, "note_date").strip(),
            tz_offset=_text(form, "tz_offset").strip() or "0",
            reminder_date=_text(form, "reminder_date").strip(),
            reminder_message=_text(form, "reminder_message"),
            reminder_owner=_text(form, "reminder_owner").strip(),
            attachments=list(zip(keys, names, strict=False)),
            also=[oid.strip().lower() for oid in _texts(form, "also_contact") if oid.strip()],
        )

    def _local(self, value: str) -> datetime:
        """A datetime-local value in the browser's zone (tz_offset: minutes behind UTC, as JavaScript's
        getTimezoneOffset says) as aware UTC."""
        moment = datetime.fromisoformat(value)
        try:
            offset = int(self.tz_offset)
        except ValueError:
            offset = 0
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC) + timedelta(minutes=max(-1440, min(1440, offset)))
        return moment.astimezone(UTC)

    def _parsed(self) -> tuple[int | None, datetime | None, ReminderInput | None]:
        errors: dict[str, str] = {}
        minutes = None
        if self.time_spent:
            # ASCII digits only: "²".isdigit() is true, and int() refuses it.
            if re.fullmatch(r"[0-9]{1,9}", self.time_spent):
                minutes = int(self.time_spent)
            else:
                errors["time_spent"] = "Time spent is a whole number of minutes"
        note_date = None
        if self.note_date:
            try:
                note_date = self._local(self.note_date)
            except (ValueError, OverflowError):
                errors["note_date"] = "Note date is not a date and time"
        reminder = None
        if self.reminder_date or self.reminder_message.strip():
            target = None
            try:
                target = self._local(self.reminder_date) if self.reminder_date else None
            except (ValueError, OverflowError):
                errors["reminder_date"] = "Reminder date is not a date and time"
            if target is None and "reminder_date" not in errors:
                errors["reminder_date"] = "A reminder needs a date"
            if not self.reminder_message.strip():
                errors["reminder_message"] = "A reminder needs a message"
            if target is not None and self.reminder_message.strip():
                reminder = ReminderInput(self.reminder_message, target, self.reminder_owner or None)
        if errors:
            raise FormErrors(errors)
        return minutes, note_date, reminder

    def to_create(self, contact: str) -> NoteCreate:
        if not self.body.strip() and not self.attachments:
            raise FormErrors({"body": "Write a note or attach a file"})
        minutes, note_date, reminder = self._parsed()
        return NoteCreate(
            contact=contact,
            body=self.body,
            # Size and type are the stored upload's; only the key and the label come from the form.
            attachments=[AttachmentIn(key, name) for key, name in self.attachments],
            type=self.type or None,
            important=self.important,
            is_private=self.private,
            time_spent_minutes=minutes,
            note_date=note_date,
            reminder=reminder,
            contacts=[contact, *self.also] if self.also else None,
        )


@dataclass
class Edit:
    body: str = ""
    type: str = ""
    important: bool = False

    @classmethod
    def from_form(cls, form: FormData) -> Edit:
        return cls(_text(form, "body"), _text(form, "type"), _text(form, "important") == "on")

    def to_update(self) -> NoteUpdate:
        return NoteUpdate(body=self.body, type=self.type or None, important=self.important)
