"""Mention and reminder emails, sent by workers when SMTP is configured.

At most `email_hourly_cap` messages per user per window; past the cap a notification is held, and one digest
carries every held notification when the window has room again. Each notification's email status is set
once by a conditional update, so an event handled twice is mailed once. A mail says what its event's
snapshot says (a digest: the notes as they are when it is sent), and only to a recipient who may still see
the note (notes/events.py): a private note is only ever mentioned in mail to its author.
"""

from __future__ import annotations

import asyncio
import html
import smtplib
import ssl
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.db.uow import unit_of_work
from contactnotes.jobs.events import EventType
from contactnotes.jobs.queue import enqueue
from contactnotes.jobs.registry import JobContext, OutboxItem
from contactnotes.kit.clock import utc_now
from contactnotes.models import EmailStatus, Notification, NotificationKind
from contactnotes.notes import events
from contactnotes.notes import repository as notes_repository
from contactnotes.notes.schemas import NoteView
from contactnotes.notifications import repository
from contactnotes.observability import metrics
from contactnotes.reminders.schemas import ReminderSummary
from contactnotes.settings import Settings
from contactnotes.users import repository as users_repository
from contactnotes.visibility import can_see

EXCERPT = 500


@dataclass(frozen=True)
class Line:
    """One notification as mail shows it."""

    subject: str
    intro: str
    excerpt: str
    link: str | None


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str


def note_link(settings: Settings, note_oid: str) -> str:
    return settings.note_url_template.format(base_url=settings.public_base_url.rstrip("/"), note_oid=note_oid)


def _line(
    settings: Settings, kind: str, note: NoteView | None, actor: str, reminder: ReminderSummary | None
) -> Line | None:
    """What to say about a notification: a mention of `note` by `actor`, or a reminder come due."""
    link = note_link(settings, note.oid) if note else None
    excerpt = note.body[:EXCERPT] + ("…" if len(note.body) > EXCERPT else "") if note else ""
    if kind == NotificationKind.MENTION:
        if note is None:
            return None
        return Line(
            f"{actor} mentioned you in a note about {note.contact.display_name}", f"{actor} mentioned you:", excerpt,
            link,
        )  # fmt: skip
    if reminder is None:
        return None
    subject = f"Reminder due: {reminder.message}"
    return Line(
        subject, f"Your reminder is due ({reminder.target_date:%Y-%m-%d %H:%M} UTC): {reminder.message}", excerpt, link
    )


async def _event_line(session: AsyncSession, settings: Settings, item: OutboxItem, recipient_id: int) -> Line | None:
    """The line for a notification's own event: what its snapshot says, if the recipient may still see it."""
    [event] = await events.load(session, [item])
    if not event.visible_to(item.org_id, recipient_id):
        return None
    state = event.state
    if state.notice is not None:
        actor = state.notice.actor.full_name if state.notice.actor else "Someone"
    else:  # written before events carried snapshots
        found = await users_repository.get_in_org(session, item.org_id, item.payload.get("actor_id") or 0)
        actor = found.full_name if found else "Someone"
    kind = NotificationKind.MENTION if item.type == EventType.USER_MENTIONED else NotificationKind.REMINDER_DUE
    return _line(settings, kind, state.note, actor, state.reminder)


async def _held_line(session: AsyncSession, settings: Settings, notification: Notification) -> Line | None:
    """The line for a notification held for a digest: its note as it is now, if the recipient may see it."""
    note = None
    if notification.note_id is not None:
        access = await notes_repository.access_of(session, [notification.note_id])
        if not access or not can_see(access[0], notification.org_id, notification.user_id):
            return None
        note = await events.note_view(session, notification.note_id)
    actor = await users_repository.get_in_org(session, notification.org_id, notification.actor_id or 0)
    row = await repository.get_reminder(session, notification.reminder_id or 0)
    reminder = await events.reminder_summary(session, notification.org_id, row) if row else None
    return _line(settings, notification.kind, note, actor.full_name if actor else "Someone", reminder)


def _render(to: str, subject: str, lines: list[Line]) -> Mail:
    text_parts = []
    html_parts = []
    for line in lines:
        text = (
            line.intro
            + ("\n\n" + line.excerpt if line.excerpt else "")
            + (f"\n\nOpen the note: {line.link}" if line.link else "")
        )
        text_parts.append(text)
        # Everything from users is escaped: a note body is text here, never markup.
        block = f"<p>{html.escape(line.intro)}</p>"
        if line.excerpt:
            block += f'<blockquote style="white-space:pre-wrap">{html.escape(line.excerpt)}</blockquote>'
        if line.link:
            block += f'<p><a href="{html.escape(line.link, quote=True)}">Open the note</a></p>'
        html_parts.append(block)
    text_body = "\n\n---\n\n".join(text_parts) + "\n"
    html_body = "<html><body>" + "<hr>".join(html_parts) + "</body></html>"
    return Mail(to, subject, text_body, html_body)


def _send_blocking(settings: Settings, mail: Mail) -> None:
    message = EmailMessage()
    message["From"] = settings.email_from
    message["To"] = mail.to
    # User text in a header: line breaks would be refused (or worse, read as more headers).
    message["Subject"] = " ".join(mail.subject.split())[:200]
    message["Message-ID"] = make_msgid(domain="contactnotes")
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    host, port = settings.smtp_host or "localhost", settings.smtp_port
    timeout = 30
    if settings.smtp_security == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(host, port, timeout=timeout)
    with server:
        if settings.smtp_security == "starttls":
            server.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            server.login(settings.smtp_username, settings.smtp_password or "")
        server.send_message(message)


async def send(settings: Settings, mail: Mail) -> None:
    """smtplib blocks: run it on a thread so the worker's other events go on."""
    try:
        await asyncio.to_thread(_send_blocking, settings, mail)
    except Exception:
        metrics.EMAIL_FAILURES.inc()
        raise
    metrics.EMAILS_SENT.inc()


async def notify(context: JobContext, item: OutboxItem) -> None:
    """user.mentioned / reminder.due: mail the recipient, or hold it for the digest when over the cap."""
    settings = context.settings
    if not settings.smtp_host:
        return
    async with unit_of_work(context.database) as session:
        if item.type == EventType.REMINDER_DUE:
            notification = await repository.get_by_id(session, int(item.payload["notification_id"]))
        else:
            notification = await repository.find_mention(session, item.payload["user_id"], item.payload["note_id"])
        if notification is None or notification.email_status is not None:
            return
        await repository.lock_recipient(session, notification.user_id)
        recipient = await users_repository.get_in_org(session, notification.org_id, notification.user_id)
        line = await _event_line(session, settings, item, notification.user_id)
        now = utc_now()
        if recipient is None or line is None:
            await repository.claim_for_email(session, notification.id, EmailStatus.SKIPPED, now)
            return
        since = now - timedelta(seconds=settings.email_window_seconds)
        if await repository.count_emailed_since(session, recipient.id, since) >= settings.email_hourly_cap:
            first_held = await repository.count_held(session, recipient.id) == 0
            await repository.claim_for_email(session, notification.id, EmailStatus.HELD, now)
            if first_held:
                oldest = await repository.oldest_emailed_since(session, recipient.id, since) or now
                at = oldest + timedelta(seconds=settings.email_window_seconds)
                await enqueue(
                    session, notification.org_id, EventType.EMAIL_DIGEST, available_at=at, user_id=recipient.id
                )
            return
        # Claimed before sending: a crash after this point loses at most this one email, never doubles it.
        if not await repository.claim_for_email(session, notification.id, EmailStatus.SENT, now):
            return
        mail = _render(recipient.email, line.subject, [line])
        notification_id = notification.id
    try:
        await send(settings, mail)
    except Exception:
        # Not sent after all: give the claim back so the event's retry mails it.
        async with unit_of_work(context.database) as session:
            await repository.unclaim_email(session, notification_id)
        raise


async def send_digest(context: JobContext, item: OutboxItem) -> None:
    """Every notification held for this user, in one message."""
    settings = context.settings
    if not settings.smtp_host:
        return
    async with unit_of_work(context.database) as session:
        user = await users_repository.get_in_org(session, item.org_id, item.payload["user_id"])
        if user is None:
            return
        held = await repository.take_held(session, user.id, utc_now())
        lines = [line for n in held if (line := await _held_line(session, settings, n)) is not None]
        if not lines:
            return
        mail = _render(user.email, f"{len(lines)} more notifications from contactnotes", lines)
        taken = [n.id for n in held]
    try:
        await send(settings, mail)
    except Exception:
        async with unit_of_work(context.database) as session:
            await repository.hold_again(session, taken)
        raise


async def send_note(context: JobContext, item: OutboxItem) -> None:
    """note.emailed: the note as it is now, to the address asked for. Not sent if the note is gone, or is private
    and not the sender's (both possible since the request). A retry after a failed send may mail it again."""
    settings = context.settings
    if not settings.smtp_host:
        return
    payload = item.payload
    async with unit_of_work(context.database) as session:
        row = await notes_repository.get_by_id_any_state(session, int(payload["note_id"]))
        sender = await users_repository.get_in_org(session, item.org_id, int(payload["user_id"]))
        if row is None or sender is None or not can_see(row, item.org_id, sender.id):
            return  # gone, or no longer the sender's to see
        note = (await notes_repository.load_views(session, [row]))[0]
    about = note.contact.display_name
    subject = payload.get("subject") or f"A note about {about}, from {sender.full_name}"
    intro = f"{sender.full_name} sent you a note about {about}:"
    if payload.get("message"):
        intro = f"{intro}\n\n{payload['message']}"
    line = Line(subject, intro, note.body, note_link(settings, note.oid))
    await send(settings, _render(str(payload["to"]), subject, [line]))
