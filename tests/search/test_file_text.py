"""The text of attached files: extracted by the worker after the note is written, then found by search,
with the file named as where the match was."""

from __future__ import annotations

from typing import Any

import httpx

from contactnotes.app import job_context
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.jobs.worker import Worker
from contactnotes.models import FileText
from contactnotes.settings import Settings
from contactnotes.wiring import default_registry
from tests.attachments.helpers import as_attachment, upload
from tests.factories import World
from tests.search.documents import docx, odt, pdf
from tests.search.helpers import bodies, find


async def work(settings: Settings, database: Database) -> None:
    await Worker(job_context(settings, database), default_registry(settings)).run_once()


async def attach(client: httpx.AsyncClient, world: World, note: str, *files: tuple[str, bytes]) -> dict[str, Any]:
    uploaded = await upload(client, world.alice, *files)
    response = await client.post(
        "/api/contact-notes",
        json={"contactId": world.contact.oid, "note": note, "attachments": [as_attachment(u) for u in uploaded]},
        headers=world.alice.headers,
    )
    assert response.status_code == 201, response.text
    return dict(response.json()["data"])


async def statuses(database: Database) -> dict[str, str]:
    from sqlalchemy import select

    async with unit_of_work(database) as session:
        return {
            row.key.rsplit("/", 1)[-1]: row.status
            for row in await session.execute(select(FileText.key, FileText.status))
        }


async def test_text_of_pdf_docx_odt_and_csv_files_is_found_after_the_worker_ran(
    client: httpx.AsyncClient, database: Database, world: World, settings: Settings
) -> None:
    alice = world.alice.principal
    await attach(
        client, world, "papers from Jordan", ("w2-2025.pdf", pdf("Wage and Tax Statement", "Employer: École Normale"))
    )
    await attach(client, world, "the estimate", ("estimate.docx", docx("Quarterly estimate", "Payment due in Zürich")))
    await attach(client, world, "the letter", ("letter.odt", odt("Renewal letter", "signed by the trustee")))
    await attach(client, world, "the numbers", ("ledger.csv", b"account,amount\nescrow,1200\n"))

    assert await bodies(database, alice, "trustee") == []  # not yet: extraction runs in the worker
    await work(settings, database)

    [hit] = (await find(database, alice, "ecole normale")).items
    assert hit.note.body == "papers from Jordan"
    assert (hit.matched_in.field, hit.matched_in.file_name) == ("file", "w2-2025.pdf")
    assert "<mark>École</mark> <mark>Normale</mark>" in hit.snippet
    assert await bodies(database, alice, "zurich payment") == ["the estimate"]
    assert await bodies(database, alice, '"signed by the trustee"') == ["the letter"]
    assert await bodies(database, alice, "escrow") == ["the numbers"]
    # The file's name is searched too.
    [by_name] = (await find(database, alice, "ledger")).items
    assert (by_name.matched_in.field, by_name.matched_in.file_name, by_name.snippet) == (
        "file",
        "ledger.csv",
        "<mark>ledger</mark>.csv",
    )
    assert await bodies(database, alice, "has:file escrow") == ["the numbers"]
    # A body match is reported as such even when the note has files.
    [body_hit] = (await find(database, alice, "papers")).items
    assert body_hit.matched_in.field == "body" and body_hit.snippet == "<mark>papers</mark> from Jordan"


async def test_an_unreadable_file_is_marked_and_not_tried_again(
    client: httpx.AsyncClient, database: Database, world: World, settings: Settings
) -> None:
    broken = pdf("never seen")[:-200] + b"garbage" * 30  # a PDF header, then no readable structure
    note = await attach(client, world, "scan attached", ("broken.pdf", broken), ("photo.png", _png()))
    await work(settings, database)
    assert sorted((await statuses(database)).values()) == ["unreadable", "unsupported"]

    # The note is edited (same files): nothing is extracted again, and the note is still found.
    response = await client.patch(
        f"/api/contact-notes/{note['_id']}", json={"note": "scan attached again"}, headers=world.alice.headers
    )
    assert response.status_code == 200, response.text
    await work(settings, database)
    assert sorted((await statuses(database)).values()) == ["unreadable", "unsupported"]
    assert await bodies(database, world.alice.principal, "broken") == ["scan attached again"]  # by its name


async def test_file_text_follows_the_note_when_its_files_change(
    client: httpx.AsyncClient, database: Database, world: World, settings: Settings
) -> None:
    note = await attach(client, world, "contract", ("contract.docx", docx("indemnification clause")))
    await work(settings, database)
    assert await bodies(database, world.alice.principal, "indemnification") == ["contract"]

    response = await client.patch(
        f"/api/contact-notes/{note['_id']}", json={"attachments": []}, headers=world.alice.headers
    )
    assert response.status_code == 200, response.text
    assert await bodies(database, world.alice.principal, "indemnification") == []


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")
    )
