"""`contactnotes import ...`, `export ...` and `erase ...`: moving an organization's data in and out."""

from __future__ import annotations

import asyncio
import csv
import zipfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.attachments.files import Files
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.erasure import service as erasure
from contactnotes.errors import DomainError
from contactnotes.importing import service as importing
from contactnotes.importing.reader import read_file
from contactnotes.importing.sources import SOURCES
from contactnotes.orgs import service as orgs
from contactnotes.portability import service as portability
from contactnotes.settings import get_settings

import_app = typer.Typer(
    help="Bring data in: notes from other systems, or an organization's archive.", no_args_is_help=True
)
err = Console(stderr=True)
T = TypeVar("T")


def _fail(message: str) -> None:
    err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@import_app.command("notes")
def import_notes(
    file: Annotated[Path, typer.Argument(help="The CSV file the other system exported", exists=True, dir_okay=False)],
    org: Annotated[str, typer.Option("--org", help="Organization ObjectId or name")],
    source: Annotated[str, typer.Option("--from", help=f"Which system wrote the file: {', '.join(SOURCES)}")],
    author: Annotated[
        str | None, typer.Option("--author", help="E-mail of the user who authors notes whose author is unknown")
    ] = None,
    rejects: Annotated[
        Path | None, typer.Option("--rejects", help="Where to write bad rows (default: FILE.rejects.csv)")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would happen; change nothing")] = False,
) -> None:
    """Import notes from a HubSpot, Pipedrive, Salesforce or plain CSV export. Run it again safely: notes
    already imported from that source are skipped. The file's good rows are imported together or not at all."""
    if source not in SOURCES:
        _fail(f"--from must be one of: {', '.join(SOURCES)}")
    total = sum(1 for _ in file.open("rb")) - 1

    async def runner() -> importing.ImportReport:
        database = Database(get_settings())
        try:
            async with database.session() as session:
                try:
                    found = await orgs.find_org(session, org)
                    columns = ("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn())
                    with Progress(*columns, TimeRemainingColumn(), console=err, transient=True) as bar:
                        task = bar.add_task("importing" if not dry_run else "trying", total=max(total, 1))
                        report = await importing.import_notes(
                            session,
                            found,
                            source,
                            read_file(file, source),
                            default_author=author.lower() if author else None,
                            progress=lambda done: bar.update(task, completed=done),
                        )
                except BaseException:
                    await session.rollback()
                    raise
                if dry_run:
                    await session.rollback()
                else:
                    await session.commit()
                return report
        finally:
            await database.dispose()

    try:
        report = asyncio.run(runner())
    except DomainError as exc:
        _fail(exc.message)
        return
    if report.rejected:
        target = rejects or file.with_name(file.name + ".rejects.csv")
        with target.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["line", "reason"])
            writer.writerows([r.line, r.reason] for r in report.rejected)
        err.print(f"{len(report.rejected)} rows rejected: see {target}", highlight=False)
    verb = "would import" if dry_run else "imported"
    typer.echo(
        f"{verb} {report.imported} notes ({report.contacts_created} new contacts); "
        f"{report.already_imported} already imported; {len(report.rejected)} rejected"
    )


export_app = typer.Typer(help="Take data out: one contact's (GDPR art. 15/20) or a whole organization's.")
erase_app = typer.Typer(help="Erase data for good (GDPR art. 17).", no_args_is_help=True)
OrgOption = Annotated[str, typer.Option("--org", help="Organization ObjectId or name")]


def contact_ref(text: str) -> int | str:
    """A contact's integer id (Virtuous) or ObjectId (TetherAI)."""
    return int(text) if text.isdigit() else text


def _run_with_files(work: Callable[[AsyncSession, Files], Awaitable[T]], *, commit: bool = True) -> T:
    """One unit of work with the configured store; domain errors become one stderr line."""

    async def runner() -> T:
        settings = get_settings()
        database, files = Database(settings), Files.from_settings(settings)
        try:
            if commit:
                async with unit_of_work(database) as session:
                    return await work(session, files)
            async with database.session() as session:
                return await work(session, files)
        finally:
            await files.close()
            await database.dispose()

    try:
        return asyncio.run(runner())
    except DomainError as exc:
        _fail(exc.message)
        raise AssertionError("unreachable") from exc


@export_app.command("contact")
def export_contact(
    contact: Annotated[str, typer.Argument(help="The contact's integer id or ObjectId")],
    org: OrgOption,
    output: Annotated[Path, typer.Option("--output", "-o", help="The zip archive to write")],
) -> None:
    """Write one zip archive with everything that concerns a contact: notes, reactions, mentions, reminders and
    files, described by manifest.json (docs/data.md)."""

    async def work(session: AsyncSession, files: Files) -> dict[str, Any]:
        found = await orgs.find_org(session, org)
        return await portability.export_contact(session, None, found, contact_ref(contact), files.store, output)

    document = _run_with_files(work, commit=False)
    typer.echo(f"exported {len(document['notes'])} notes, {len(document['reminders'])} reminders and "
               f"{len(document['files'])} files to {output}")  # fmt: skip


@export_app.command("org")
def export_org(
    org: OrgOption, output: Annotated[Path, typer.Option("--output", "-o", help="The zip archive to write")]
) -> None:
    """Write a whole organization to one zip archive, for `contactnotes import org` elsewhere."""

    async def work(session: AsyncSession, files: Files) -> dict[str, Any]:
        return await portability.export_org(session, await orgs.find_org(session, org), files.store, output)

    document = _run_with_files(work, commit=False)
    typer.echo(f"exported {len(document['contacts'])} contacts, {len(document['notes'])} notes and "
               f"{len(document['files'])} files to {output}")  # fmt: skip


@import_app.command("org")
def import_org(archive: Annotated[Path, typer.Argument(help="An archive made by `contactnotes export org`")]) -> None:
    """Restore an organization into an empty database (users come back without passwords or tokens)."""
    if not zipfile.is_zipfile(archive):
        _fail(f"{archive} is not a zip archive")

    async def work(session: AsyncSession, files: Files) -> str:
        return (await portability.restore_org(session, archive, files.store)).name

    typer.echo(f"restored organization {_run_with_files(work)!r} from {archive}")


@erase_app.command("contact")
def erase_contact(
    contact: Annotated[str, typer.Argument(help="The contact's integer id or ObjectId")],
    org: OrgOption,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation")] = False,
    operator: Annotated[str, typer.Option("--by", help="Who asks, for the audit record")] = "command line",
) -> None:
    """Erase a contact, its notes, reminders, notifications and files; an audit record keeps counts and ids."""
    if not yes and not typer.confirm(f"Erase contact {contact} and everything about them, for good?"):
        _fail("nothing erased")

    async def work(session: AsyncSession, files: Files) -> erasure.ErasureSummary:
        found = await orgs.find_org(session, org)
        return await erasure.erase_contact(session, None, found.id, contact_ref(contact), operator=operator)

    summary = _run_with_files(work)
    counts = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in summary.counts.items())
    typer.echo(f"erased contact {summary.contact_oid}: {counts} (audit record {summary.oid})")
