"""ORM models, one module per table group. Import from here so Alembic sees every table."""

from contactnotes.db.base import Base
from contactnotes.models.contact import Contact
from contactnotes.models.file_text import FileText, FileTextStatus
from contactnotes.models.idempotency import IdempotencyKey
from contactnotes.models.lifecycle import ContactExternalId, ErasureRecord, ImportedNote
from contactnotes.models.note import (
    ContactNoteCount,
    Note,
    NoteAttachment,
    NoteContact,
    NoteMention,
    NoteReaction,
    NoteType,
)
from contactnotes.models.note_revision import NoteRevision
from contactnotes.models.notification import EmailStatus, Notification, NotificationKind
from contactnotes.models.org import Organization
from contactnotes.models.outbox import OutboxEvent
from contactnotes.models.reminder import Reminder, ReminderStatus
from contactnotes.models.token import ApiToken, TokenKind
from contactnotes.models.upload import Upload, UploadStatus
from contactnotes.models.user import User, UserRole
from contactnotes.models.web_session import WebSession
from contactnotes.models.webhook import DeliveryStatus, WebhookDelivery, WebhookDeliveryAttempt, WebhookSubscription
from contactnotes.models.worker import WorkerHeartbeat

__all__ = [
    "ApiToken",
    "Base",
    "Contact",
    "ContactExternalId",
    "ContactNoteCount",
    "DeliveryStatus",
    "EmailStatus",
    "ErasureRecord",
    "FileText",
    "FileTextStatus",
    "IdempotencyKey",
    "ImportedNote",
    "Note",
    "NoteAttachment",
    "NoteContact",
    "NoteMention",
    "NoteReaction",
    "NoteRevision",
    "NoteType",
    "Notification",
    "NotificationKind",
    "Organization",
    "OutboxEvent",
    "Reminder",
    "ReminderStatus",
    "TokenKind",
    "Upload",
    "UploadStatus",
    "User",
    "UserRole",
    "WebSession",
    "WebhookDelivery",
    "WebhookDeliveryAttempt",
    "WebhookSubscription",
    "WorkerHeartbeat",
]
