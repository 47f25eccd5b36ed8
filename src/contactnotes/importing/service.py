"""Importing notes: match contacts and authors, create the missing contacts, write the notes in bulk.

The whole file is one unit of work (the caller's transaction): its good rows land together or not at all,
and a re-run skips every row whose external id this organization already imported from that source. Bad rows
never stop the file: they are reported with their line numbers. No event is announced per imported note
(50,000 webhooks for a migration would help nobody); the search index is kept by the database's triggers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.errors import Invalid
from contactnotes.importing import bodies, repository
from contactnotes.importing.reader import Rejected
from contactnotes.importing.rows import NoteRow
from contactnotes.kit.clock import utc_now
from contactnotes.kit.ids import new_oid
from contactnotes.models import Organization
from contactnotes.orgs import service as orgs

BATCH = 2000

Progress = Callable[[int], None]  # rows done so far


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    already_imported: int = 0
    contacts_created: int = 0
    rejected: list[Rejected] = field(default_factory=list)


async def _note_types(session: AsyncSession, org_id: int, names: set[str]) -> dict[str, str | None]:
    """Each type named in the file -> its canonical name, or None when the organization has no such type."""
    resolved: dict[str, str | None] = {}
    for name in names:
        try:
            resolved[name] = await orgs.resolve_note_type(session, org_id, name)
        except Invalid:
            resolved[name] = None
    return resolved


def _contact_key(row: NoteRow) -> tuple[str, str]:
    return ("id", row.contact_external_id) if row.contact_external_id else ("email", row.contact_email or "")


async def import_notes(
    session: AsyncSession,
    org: Organization,
    source: str,
    items: Iterable[NoteRow | Rejected],
    *,
    default_author: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    report = ImportReport()
    rows: list[NoteRow] = []
    first_line: dict[str, int] = {}
    for item in items:
        report.rows += 1
        if isinstance(item, Rejected):
            report.rejected.append(item)
        elif item.external_id in first_line:
            report.rejected.append(
                Rejected(item.line, f"external id {item.external_id!r} already on line {first_line[item.external_id]}")
            )
        else:
            first_line[item.external_id] = item.line
            rows.append(item)

    done = await repository.imported_external_ids(session, org.id, source, (r.external_id for r in rows))
    report.already_imported = len(done)
    rows = [r for r in rows if r.external_id not in done]

    authors = await repository.users_by_email(
        session,
        org.id,
        {r.author_email for r in rows if r.author_email} | ({default_author} if default_author else set()),
    )
    if default_author and default_author not in authors:
        raise Invalid.field("author", f"{default_author} is not a user of {org.name}")
    types = await _note_types(session, org.id, {r.type for r in rows if r.type})
    kept: list[tuple[NoteRow, int, str]] = []
    for row in rows:
        author = authors.get(row.author_email or "") or (authors[default_author] if default_author else None)
        note_type = types.get(row.type) if row.type else orgs.DEFAULT_NOTE_TYPE
        if author is None:
            who = row.author_email or "no author e-mail"
            report.rejected.append(Rejected(row.line, f"author {who!r} is not a user here (see --author)"))
        elif note_type is None:
            report.rejected.append(Rejected(row.line, f"unknown note type {row.type!r}"))
        else:
            kept.append((row, author, note_type))

    now = utc_now()
    batches = [kept[start : start + BATCH] for start in range(0, len(kept), BATCH)]
    converter = bodies.Converter()
    try:
        # Every body is handed to the converter before the first write, so that the workers convert while
        # this process matches contacts and the database writes the batches already converted.
        converter.submit_all([[(row.line, row.raw_body, row.title) for row, _, _ in batch] for batch in batches])
        contacts = await _contacts_for(session, org.id, source, [row for row, _, _ in kept], report)
        for index, batch in enumerate(batches):
            await _write_batch(session, org, source, batch, await converter.result(index), contacts, now, report)
            if progress:
                progress(sum(len(done) for done in batches[: index + 1]))
    finally:
        converter.close()
    report.rejected.sort(key=lambda r: r.line)
    return report


async def _write_batch(
    session: AsyncSession,
    org: Organization,
    source: str,
    batch: list[tuple[NoteRow, int, str]],
    converted: list[bodies.Body],
    contacts: dict[tuple[str, str], int],
    now: datetime,
    report: ImportReport,
) -> None:
    good = [(item, body) for item, body in zip(batch, converted, strict=True) if isinstance(body, str)]
    report.rejected.extend(body for body in converted if isinstance(body, Rejected))
    notes: list[dict[str, Any]] = [
        {
            "oid": new_oid(),
            "org_id": org.id,
            "contact_id": contacts[_contact_key(row)],
            "author_id": author,
            "modified_by_id": author,
            "body": body,
            "type": note_type,
            "important": False,
            "is_private": row.is_private,
            "time_spent_minutes": None,
            "note_date": row.note_date,
            # The original date is the note's: created_at too, so "latest notes" sort as they happened.
            "created_at": row.note_date,
            "updated_at": now,
            "is_edited": False,
            "deleted_at": None,
        }
        for (row, author, note_type), body in good
    ]
    ids = await repository.insert_notes(session, notes)
    await repository.insert_imported(
        session,
        [
            {
                "org_id": org.id,
                "source": source,
                "external_id": row.external_id,
                "note_id": note_id,
                "created_at": now,
            }
            for ((row, _, _), _), note_id in zip(good, ids, strict=True)
        ],
    )
    report.imported += len(good)


async def _contacts_for(
    session: AsyncSession, org_id: int, source: str, rows: list[NoteRow], report: ImportReport
) -> dict[tuple[str, str], int]:
    """Every row's contact: by the source's contact id, else by e-mail; the missing ones are created (once
    per id or e-mail), and a contact found or made for an id remembers that id for the next import."""
    by_id = await repository.contacts_by_external_id(
        session, org_id, source, (r.contact_external_id for r in rows if r.contact_external_id)
    )
    by_email = await repository.contacts_by_email(session, org_id, (r.contact_email for r in rows if r.contact_email))
    found: dict[tuple[str, str], int] = {("id", k): v for k, v in by_id.items()}
    new_links: list[tuple[str, int]] = []
    missing: dict[tuple[str, str], NoteRow] = {}
    for row in rows:
        key = _contact_key(row)
        if key in found or key in missing:
            continue
        if row.contact_email and row.contact_email in by_email:
            found[key] = by_email[row.contact_email]
            if row.contact_external_id:
                new_links.append((row.contact_external_id, found[key]))
        else:
            missing[key] = row
    now = utc_now()
    created = await repository.insert_contacts(
        session,
        [
            {
                "oid": new_oid(),
                "org_id": org_id,
                "display_name": row.contact_name or "",
                "email": row.contact_email,
                "avatar_url": None,
                "created_at": now,
            }
            for row in missing.values()
        ],
    )
    for (key, row), contact_id in zip(missing.items(), created, strict=True):
        found[key] = contact_id
        if row.contact_external_id:
            new_links.append((row.contact_external_id, contact_id))
    report.contacts_created = len(created)
    await repository.insert_contact_external_ids(
        session,
        [
            {"org_id": org_id, "source": source, "external_id": external, "contact_id": contact_id, "created_at": now}
            for external, contact_id in new_links
        ],
    )
    return found
