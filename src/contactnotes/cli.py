"""The `contactnotes` command line. Every command goes through the same services as the APIs."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth import service as auth
from contactnotes.auth import totp
from contactnotes.contacts import service as contacts
from contactnotes.db import migrate as migrations
from contactnotes.db.engine import Database, is_sqlite
from contactnotes.db.uow import unit_of_work
from contactnotes.errors import DomainError
from contactnotes.lifecycle_cli import erase_app, export_app, import_app
from contactnotes.models import ApiToken
from contactnotes.orgs import service as orgs
from contactnotes.settings import Settings, get_settings, settings_problems
from contactnotes.users import service as users

T = TypeVar("T")

app = typer.Typer(help="contactnotes: contact notes with TetherAI- and Virtuous-compatible APIs.", no_args_is_help=True)
org_app = typer.Typer(help="Organizations.", no_args_is_help=True)
user_app = typer.Typer(help="Users.", no_args_is_help=True)
contact_app = typer.Typer(help="Contacts.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
note_type_app = typer.Typer(help="An organization's note types.", no_args_is_help=True)
search_app = typer.Typer(help="The full-text search index.", no_args_is_help=True)
app.add_typer(org_app, name="org")
app.add_typer(user_app, name="user")
app.add_typer(contact_app, name="contact")
app.add_typer(token_app, name="token")
app.add_typer(note_type_app, name="note-type")
app.add_typer(search_app, name="search")
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")
app.add_typer(erase_app, name="erase")

err = Console(stderr=True)


def fail(message: str) -> None:
    err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


Row = dict[str, str | int | None]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON array (for scripts)")]


def print_rows(rows: list[Row], columns: list[str], as_json: bool) -> None:
    """A list command's answer: tab-separated columns under a header, or a JSON array of objects."""
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    typer.echo("\t".join(column.upper() for column in columns))
    for row in rows:
        typer.echo("\t".join("-" if row[column] is None else str(row[column]) for column in columns))


def run_in_transaction(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run one unit of work against the configured database, turning domain errors into one stderr line."""

    async def runner() -> T:
        database = Database(get_settings())
        try:
            async with unit_of_work(database) as session:
                return await work(session)
        finally:
            await database.dispose()

    try:
        return asyncio.run(runner())
    except DomainError as exc:
        fail(exc.message)
        raise AssertionError("unreachable") from exc


@app.command()
def migrate() -> None:
    """Bring the configured database to the latest schema, and say what was done."""
    url = get_settings().database_url
    before = migrations.current_revision(url)
    migrations.upgrade(url)
    head = migrations.head_revision()
    if before is None:
        typer.echo(f"created the schema at revision {head}")
    elif before == head:
        typer.echo(f"database is already at the latest schema (revision {head}); nothing to do")
    else:
        typer.echo(f"migrated the database from revision {before} to {head}")


@org_app.command("create")
def org_create(name: str) -> None:
    """Create an organization; prints its ObjectId."""
    org = run_in_transaction(lambda s: orgs.create_org(s, name))
    typer.echo(org.oid)


@org_app.command("list")
def org_list(as_json: JsonOption = False) -> None:
    """List organizations: integer id, ObjectId and name."""

    async def work(session: AsyncSession) -> list[Row]:
        return [{"id": o.id, "objectId": o.oid, "name": o.name} for o in await orgs.list_orgs(session)]

    print_rows(run_in_transaction(work), ["id", "objectId", "name"], as_json)


@user_app.command("create")
def user_create(
    org: Annotated[str, typer.Option(help="Organization ObjectId or name")],
    email: Annotated[str, typer.Option()],
    name: Annotated[str, typer.Option(help="Full name")],
    handle: Annotated[str | None, typer.Option(help="@handle for mentions (default: from the email)")] = None,
    admin: Annotated[bool, typer.Option("--admin", help="Organization admin")] = False,
) -> None:
    """Create a user; prints the user's ObjectId."""

    async def work(session: AsyncSession) -> str:
        found = await orgs.find_org(session, org)
        user = await users.create_user(session, found, email=email, full_name=name, handle=handle, admin=admin)
        return user.oid

    typer.echo(run_in_transaction(work))


@user_app.command("list")
def user_list(
    org: Annotated[str, typer.Option(help="Organization ObjectId or name")], as_json: JsonOption = False
) -> None:
    """List an organization's users: integer id, ObjectId, email, @handle, name and role."""

    async def work(session: AsyncSession) -> list[Row]:
        found = await orgs.find_org(session, org)
        return [
            {
                "id": u.id,
                "objectId": u.oid,
                "email": u.email,
                "handle": u.handle,
                "name": u.full_name,
                "role": "admin" if u.is_admin else "member",
            }
            for u in await users.users_of_org(session, found.id)
        ]

    print_rows(run_in_transaction(work), ["id", "objectId", "email", "handle", "name", "role"], as_json)


@user_app.command("set-password")
def user_set_password(email: str) -> None:
    """Set a user's password, read from stdin (never from the command line)."""
    if sys.stdin.isatty():
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    run_in_transaction(lambda s: users.set_password(s, email, password))
    typer.echo(f"password set for {email}")


@user_app.command("totp")
def user_totp(
    email: str, disable: Annotated[bool, typer.Option("--disable", help="Turn two-factor off")] = False
) -> None:
    """Turn on two-factor logins for a user (POST /Token then wants `otp`); prints the secret to give to an
    authenticator app, and its otpauth:// URI. Run again for a new secret."""
    if disable:
        run_in_transaction(lambda s: users.disable_totp(s, email))
        typer.echo(f"two-factor off for {email}")
        return

    async def work(session: AsyncSession) -> tuple[str, str]:
        user, secret = await users.enable_totp(session, email)
        return user.email, secret

    address, secret = run_in_transaction(work)
    typer.echo(f"secret: {secret}")
    typer.echo(f"uri: {totp.provisioning_uri(secret, address)}")


@org_app.command("time-zone")
def org_time_zone(org: str, zone: str) -> None:
    """Set an organization's IANA time zone (default UTC): Virtuous dates are its calendar days."""

    async def work(session: AsyncSession) -> str:
        found = await orgs.set_time_zone(session, org, zone)
        return f"{found.name}: {found.time_zone}"

    typer.echo(run_in_transaction(work))


@org_app.command("history")
def org_history(
    org: str,
    who: Annotated[str, typer.Argument(help="everyone (every member who can see the note) or admins")],
) -> None:
    """Who may see a note's edit history (default everyone who can see the note; or admins only)."""

    async def work(session: AsyncSession) -> str:
        found = await orgs.set_history_visibility(session, org, who)
        return f"{found.name}: note history visible to {found.history_visibility}"

    typer.echo(run_in_transaction(work))


@contact_app.command("create")
def contact_create(
    org: Annotated[str, typer.Option(help="Organization ObjectId or name")],
    name: Annotated[str, typer.Option(help="Display name")],
    email: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Create a contact; prints its ObjectId and integer id."""

    async def work(session: AsyncSession) -> tuple[str, int]:
        found = await orgs.find_org(session, org)
        contact = await contacts.create_contact(session, found.id, display_name=name, email=email)
        return contact.oid, contact.id

    oid, integer_id = run_in_transaction(work)
    typer.echo(f"{oid} {integer_id}")


@contact_app.command("list")
def contact_list(
    org: Annotated[str, typer.Option(help="Organization ObjectId or name")], as_json: JsonOption = False
) -> None:
    """List an organization's contacts: integer id (Virtuous), ObjectId (TetherAI), name and email."""

    async def work(session: AsyncSession) -> list[Row]:
        found = await orgs.find_org(session, org)
        return [
            {"id": c.id, "objectId": c.oid, "name": c.display_name, "email": c.email}
            for c in await contacts.contacts_of_org(session, found.id)
        ]

    print_rows(run_in_transaction(work), ["id", "objectId", "name", "email"], as_json)


@token_app.command("create")
def token_create(
    user: Annotated[str, typer.Option(help="Email of the user the token acts as")],
    name: Annotated[str, typer.Option(help="A label for the token")] = "",
) -> None:
    """Create an API token; the secret is printed alone on the last line, and only once."""

    async def work(session: AsyncSession) -> tuple[int, str]:
        owner = await users.find_by_email(session, user)
        issued = await auth.issue_token(session, owner, name=name)
        return issued.token.id, issued.secret

    token_id, secret = run_in_transaction(work)
    typer.echo(f"token {token_id} for {user} (store it now; it is not shown again):")
    typer.echo(secret)


@token_app.command("list")
def token_list(user: Annotated[str, typer.Option(help="Email of the user")]) -> None:
    """List a user's tokens (never their secrets)."""

    async def work(session: AsyncSession) -> list[ApiToken]:
        return await auth.tokens_of(session, await users.find_by_email(session, user))

    for token in run_in_transaction(work):
        if token.revoked_at is None:
            used = f"last used {token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never used"
            typer.echo(f"{token.id}\t{token.kind}\t{token.prefix}…\t{token.name or '-'}\t{used}")


@token_app.command("revoke")
def token_revoke(token_id: int) -> None:
    """Revoke a token by its id (see `token list`); requests with it get 401 from now on."""
    if not run_in_transaction(lambda s: auth.revoke_by_id(s, token_id)):
        fail(f"no active token {token_id}")
    typer.echo(f"token {token_id} revoked")


OrgOption = Annotated[str, typer.Option("--org", help="Organization ObjectId or name")]


@note_type_app.command("list")
def note_type_list(org: OrgOption) -> None:
    """List the organization's note types, in display order."""

    async def work(session: AsyncSession) -> list[str]:
        found = await orgs.find_org(session, org)
        return [t.name for t in await orgs.list_note_types(session, found.id)]

    for name in run_in_transaction(work):
        typer.echo(name)


@note_type_app.command("add")
def note_type_add(name: str, org: OrgOption) -> None:
    """Add a note type (names match ignoring case)."""

    async def work(session: AsyncSession) -> str:
        found = await orgs.find_org(session, org)
        return (await orgs.add_note_type(session, found.id, name)).name

    typer.echo(f"note type {run_in_transaction(work)!r} added")


@note_type_app.command("remove")
def note_type_remove(name: str, org: OrgOption) -> None:
    """Remove a note type; existing notes keep it."""

    async def work(session: AsyncSession) -> None:
        found = await orgs.find_org(session, org)
        await orgs.remove_note_type(session, found.id, name)

    run_in_transaction(work)
    typer.echo(f"note type {name!r} removed")


def default_workers(settings: Settings) -> int:
    """One process per core on PostgreSQL when Redis shares the rate limits; otherwise one.

    The embedded SQLite database keeps one: its connection runs on the event loop (db/inline_sqlite.py), and
    a second process would wait for the write lock there. Without Redis each process would count rate limits
    on its own, so more processes would admit more requests than the limits say.
    """
    if is_sqlite(settings.database_url) or not settings.redis_url:
        return 1
    return os.cpu_count() or 1


def workers_problem(settings: Settings, workers: int) -> str | None:
    if workers < 1:
        return "--workers must be 1 or more"
    if workers > 1 and not settings.redis_url:
        return (
            "--workers above 1 needs CONTACTNOTES_REDIS_URL: the processes share rate limits and the live "
            "stream through Redis"
        )
    return None


@app.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Server processes. Default: one per core on PostgreSQL with Redis, otherwise 1 (docs/deploy.md)"
        ),
    ] = None,
) -> None:
    """Serve the HTTP APIs."""
    import uvicorn

    from contactnotes.observability import logs

    settings = get_settings()
    workers = default_workers(settings) if workers is None else workers
    problem = workers_problem(settings, workers)
    if problem is not None:
        typer.echo(problem, err=True)
        raise typer.Exit(2)
    logs.configure(settings.log_level, settings.log_format)
    with metrics_shared_by(workers):
        uvicorn.run(
            "contactnotes.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=settings.log_level,
            log_config=logs.uvicorn_log_config(settings.log_level),
            access_log=False,  # the app logs each request itself (JSON, with its request id, no query string)
            proxy_headers=True,
            # The supervisor kills a process that does not answer its ping in time; on a loaded machine a
            # busy (not hung) process can take more than uvicorn's 5 seconds.
            timeout_worker_healthcheck=30,
        )


@contextlib.contextmanager
def metrics_shared_by(workers: int) -> Iterator[None]:
    """Several server processes behind one port: /metrics answers for all of them (prometheus-client's
    multiprocess mode, in a fresh directory that the processes inherit), unless the operator chose one."""
    if workers == 1 or os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="contactnotes-metrics-") as directory:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
        try:
            yield
        finally:
            del os.environ["PROMETHEUS_MULTIPROC_DIR"]


@app.command()
def cleanup() -> None:
    """Delete uploads never attached within upload_ttl_hours, and the files of deleted notes."""
    from contactnotes.attachments.cleanup import cleanup as run_cleanup
    from contactnotes.attachments.files import Files

    async def runner() -> tuple[int, int]:
        settings = get_settings()
        database, files = Database(settings), Files.from_settings(settings)
        try:
            report = await run_cleanup(database, files)
            return report.unattached, report.orphaned
        finally:
            await files.close()
            await database.dispose()

    unattached, orphaned = asyncio.run(runner())
    typer.echo(f"removed {unattached} never-attached uploads and {orphaned} files of deleted notes")


@search_app.command("reindex")
def search_reindex(
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Also try again the files whose text could not be read")
    ] = False,
) -> None:
    """Rebuild the search index from every note and its files (after an upgrade or a restore)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TimeRemainingColumn

    from contactnotes.search.reindex import reindex

    async def runner() -> tuple[int, int]:
        settings = get_settings()
        database = Database(settings)
        tasks: dict[str, TaskID] = {}
        columns = ("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        try:
            with Progress(*columns, console=err) as bar:

                def progress(phase: str, done: int, total: int) -> None:
                    if phase not in tasks:
                        tasks[phase] = bar.add_task(phase, total=total or None)
                    bar.update(tasks[phase], completed=done)

                report = await reindex(settings, database, retry_failed_files=retry_failed, progress=progress)
            return report.notes, report.files
        finally:
            await database.dispose()

    notes, files = asyncio.run(runner())
    typer.echo(f"reindexed {notes} notes; extracted the text of {files} files")


@app.command()
def worker(once: Annotated[bool, typer.Option("--once", help="Handle what is due now, then exit")] = False) -> None:
    """Deliver events: webhooks, emails, due reminders. Run as many as you like, on any machines."""
    import signal

    from contactnotes.app import job_context, observe_database, run_worker
    from contactnotes.jobs.worker import Worker
    from contactnotes.observability import logs
    from contactnotes.wiring import default_registry

    settings = get_settings()
    logs.configure(settings.log_level, settings.log_format)
    if settings.worker_metrics_address and not once:
        from contactnotes.observability.metrics import serve_on

        serve_on(settings.worker_metrics_address)

    async def runner() -> None:
        database = Database(settings)
        observe_database(database)
        try:
            if once:
                handled = await Worker(job_context(settings, database), default_registry(settings)).run_once()
                typer.echo(f"handled {handled} events")
                return
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, stop.set)
            typer.echo("worker ready; SIGTERM stops it cleanly", err=True)
            await run_worker(settings, database, stop)
        finally:
            await database.dispose()

    asyncio.run(runner())


@app.command()
def backup(destination: Annotated[Path, typer.Argument(help="An empty or new directory")]) -> None:
    """Copy the database (and local storage's files) while the service runs."""
    from contactnotes.backups.archive import BackupError
    from contactnotes.backups.archive import backup as make_backup

    try:
        summary = make_backup(get_settings(), destination)
    except BackupError as exc:
        fail(str(exc))
        return
    files = "files are in the S3 store (not copied)" if summary.files is None else f"{summary.files} files"
    typer.echo(f"backed up the {summary.database} database and {files} to {destination}")


@app.command()
def restore(
    source: Annotated[Path, typer.Argument(help="A directory made by `contactnotes backup`")],
    force: Annotated[bool, typer.Option("--force", help="Replace a database that already holds data")] = False,
) -> None:
    """Put a backup back. Stop the API and the workers first."""
    from contactnotes.backups.archive import BackupError
    from contactnotes.backups.archive import restore as put_back

    try:
        summary = put_back(get_settings(), source, force=force)
    except BackupError as exc:
        fail(str(exc))
        return
    files = "no files (S3 store)" if summary.files is None else f"{summary.files} files"
    typer.echo(f"restored the {summary.database} database and {files} from {source}")


@app.command()
def demo() -> None:
    """Load a demo organization if absent; print `export` lines with tokens for Cory and Alice, and a curl."""
    from contactnotes.demo import load_demo

    result = run_in_transaction(load_demo)
    base = get_settings().public_base_url.rstrip("/")
    typer.echo(f"demo organization: {result.org_name} ({'created' if result.created else 'already present'})")
    typer.echo(
        f"tokens for {result.email} (an admin) and {result.alice_email}; "
        "paste these two lines into the shell you will use:"
    )
    typer.echo(f"export TOKEN={result.token}")
    typer.echo(f"export ALICE_TOKEN={result.alice_token}")
    typer.echo(f"\nweb app: {base}/")
    for email, password in result.logins:
        typer.echo(f"  sign in as {email} with password {password}")
    typer.echo("\nthen try:")
    typer.echo(
        f"curl -s -X POST {base}/api/contact-notes \\\n"
        '  -H "Authorization: Bearer $TOKEN" \\\n'
        "  -H 'Content-Type: application/json' \\\n"
        f'  -d \'{{"contactId": "{result.contact_oid}", "note": "@alice please review the W2 attached.", '
        f'"mentions": ["{result.mention_oid}"]}}\''
    )


def main() -> None:
    try:
        get_settings()
    except ValidationError as exc:
        typer.echo(settings_problems(exc), err=True)
        raise SystemExit(2) from None
    app()
