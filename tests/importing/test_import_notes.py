"""`contactnotes import notes`: each vendor's export, re-runs, rejects and dry runs, on both databases."""

from __future__ import annotations

import asyncio
import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from contactnotes.cli import app as cli
from contactnotes.db.engine import Database
from contactnotes.importing import bodies
from contactnotes.importing.rows import to_markdown
from contactnotes.models import Contact, ContactNoteCount, Note, NoteContact, User
from contactnotes.notes import service as notes
from contactnotes.settings import Settings, get_settings
from tests.factories import World
from tests.search.helpers import find

SAMPLES = Path(__file__).parent / "samples"


async def run(settings: Settings, *args: str) -> tuple[int, str, str]:
    """The command, in a thread: it runs its own event loop, as from a shell."""
    return await asyncio.to_thread(_run, settings, *args)


def _run(settings: Settings, *args: str) -> tuple[int, str, str]:
    env = {"CONTACTNOTES_DATABASE_URL": settings.database_url, "CONTACTNOTES_VAR_DIR": str(settings.var_dir)}
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, list(args), env=env)
    get_settings.cache_clear()
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


async def notes_of(database: Database, org_id: int) -> list[tuple[str, str, datetime, str, str, bool]]:
    """(contact name, author e-mail, date, body, type, private) of the organization's notes, oldest first."""
    async with database.session() as session:
        statement = (
            select(Contact.display_name, User.email, Note.note_date, Note.body, Note.type, Note.is_private)
            .join(Contact, Contact.id == Note.contact_id)
            .join(User, User.id == Note.author_id)
            .where(Note.org_id == org_id)
            .order_by(Note.note_date)
        )
        return [tuple(row) for row in (await session.execute(statement)).all()]  # type: ignore[misc]


async def contact_count(database: Database, org_id: int) -> int:
    async with database.session() as session:
        return await session.scalar(select(func.count()).select_from(Contact).where(Contact.org_id == org_id)) or 0


def rejects(path: Path) -> list[list[str]]:
    with path.open(newline="") as handle:
        return list(csv.reader(handle))[1:]


def copy_sample(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    target.write_bytes((SAMPLES / name).read_bytes())
    return target


async def test_a_hubspot_export_keeps_dates_turns_html_into_markdown_and_reports_bad_rows(
    settings: Settings, database: Database, world: World, tmp_path: Path
) -> None:
    file = copy_sample("hubspot.csv", tmp_path)
    code, out, err = await run(settings, "import", "notes", str(file), "--org", "Acme", "--from", "hubspot")
    assert code == 0, err
    assert out.strip() == "imported 2 notes (1 new contacts); 0 already imported; 2 rejected"
    assert rejects(tmp_path / "hubspot.csv.rejects.csv") == [
        ["4", "unreadable date 'not a date'"],
        ["5", "author 'nobody@elsewhere.example' is not a user here (see --author)"],
    ]
    notes = await notes_of(database, world.acme.id)
    assert notes == [
        (
            "Jordan Lee",  # matched by e-mail: no second Jordan
            "ada@acme.example.com",
            datetime(2024, 3, 5, 14, 22, tzinfo=UTC),
            "Called about the **W-2** forms.\n\n- missing 2023\n- due Friday",
            "General",
            False,
        ),
        (
            "Sam Rivera",
            "alice@acme.example.com",
            datetime(2024, 3, 6, 9, 0, tzinfo=UTC),
            "Sent the engagement letter.",
            "General",
            False,
        ),
    ]
    assert await contact_count(database, world.acme.id) == 3

    # Again, with a default author for the row whose author is unknown: only that row is new.
    code, out, _ = await run(
        settings, "import", "notes", str(file), "--org", "Acme", "--from", "hubspot", "--author", "bob@acme.example.com"
    )
    assert out.strip() == "imported 1 notes (0 new contacts); 2 already imported; 1 rejected"
    assert len(await notes_of(database, world.acme.id)) == 3
    assert await contact_count(database, world.acme.id) == 3  # Sam found by the HubSpot contact id this time


async def test_a_dry_run_says_what_would_happen_and_changes_nothing(
    settings: Settings, database: Database, world: World, tmp_path: Path
) -> None:
    file = copy_sample("pipedrive.csv", tmp_path)
    code, out, _ = await run(
        settings, "import", "notes", str(file), "--org", "Acme", "--from", "pipedrive", "--dry-run"
    )
    assert code == 0
    assert out.strip() == "would import 2 notes (1 new contacts); 0 already imported; 1 rejected"
    assert await notes_of(database, world.acme.id) == []
    assert await contact_count(database, world.acme.id) == 2


async def test_pipedrive_salesforce_and_plain_csv_exports(
    settings: Settings, database: Database, world: World, tmp_path: Path
) -> None:
    for name, source in (("pipedrive.csv", "pipedrive"), ("salesforce.csv", "salesforce"), ("generic.csv", "csv")):
        code, _, err = await run(
            settings, "import", "notes", str(copy_sample(name, tmp_path)), "--org", "Acme", "--from", source
        )
        assert code == 0, err
    notes = await notes_of(database, world.acme.id)
    bodies = {
        body: (contact, author, date, note_type, private) for contact, author, date, body, note_type, private in notes
    }
    assert bodies["Meeting recap:  \nbudget **approved**"][0] == "Mina Park"
    assert bodies["**Renewal**\n\nRenewal call went well.\nThey want a quote by May."] == (
        "Noor Haddad",
        "ada@acme.example.com",
        datetime(2022, 4, 1, 15, 30, tzinfo=UTC),
        "General",
        False,
    )
    assert bodies["**Private thoughts**\n\nCheck credit before quoting."][4] is True
    assert bodies["First meeting **in person**."] == (
        "Jordan Lee",
        "bob@acme.example.com",
        datetime(2021, 1, 15, 9, 0, tzinfo=UTC),
        "In Person",
        False,
    )
    assert rejects(tmp_path / "pipedrive.csv.rejects.csv") == [["4", "empty body"]]
    assert rejects(tmp_path / "generic.csv.rejects.csv") == [
        ["4", "unknown note type 'Carrier pigeon'"],
        ["5", "external id 'n-1' already on line 2"],
    ]
    assert len(notes) == 2 + 2 + 2


@pytest.mark.parametrize("problem", ["wrong source", "missing column", "not a user", "unknown org"])
async def test_a_file_that_cannot_be_imported_is_refused_whole(
    settings: Settings, database: Database, world: World, tmp_path: Path, problem: str
) -> None:
    file = copy_sample("generic.csv", tmp_path)
    args = {
        "wrong source": ("--from", "zoho"),
        "missing column": ("--from", "hubspot"),
        "not a user": ("--from", "csv", "--author", "carol@globex.example.com"),
        "unknown org": ("--from", "csv"),
    }[problem]
    org = "Nowhere" if problem == "unknown org" else "Acme"
    code, _, err = await run(settings, "import", "notes", str(file), "--org", org, *args)
    assert code == 1
    assert err.strip().startswith("error:")
    assert await notes_of(database, world.acme.id) == []


async def test_imported_notes_are_on_their_contacts_timelines_counted_and_found_by_search(
    settings: Settings, database: Database, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Few enough rows for a test, yet converted in worker processes as a large file's are.
    monkeypatch.setattr(bodies, "POOL_FROM", 1)
    monkeypatch.setattr(bodies, "CHUNK", 7)
    file = tmp_path / "notes.csv"
    with file.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["external_id", "contact_email", "contact_name", "author_email", "date", "body"])
        for n in range(60):
            email = "j@example.net" if n % 3 == 0 else f"person{n % 3}@example.com"
            body = f"<p>Call {n} about the <b>zephyrine</b> filing.</p>" if n % 2 else f"Plain call {n}, zephyrine."
            writer.writerow(
                [f"x-{n}", email, f"Person {n % 3}", "ada@acme.example.com", f"2024-01-{1 + n % 28:02d}", body]
            )
        # Empty once converted: rejected by a worker, with its line.
        writer.writerow(["x-empty", "j@example.net", "", "ada@acme.example.com", "2024-02-01", "<p></p>"])
    code, out, err = await run(settings, "import", "notes", str(file), "--org", "Acme", "--from", "csv")
    assert code == 0, err
    assert out.strip() == "imported 60 notes (2 new contacts); 0 already imported; 1 rejected"
    assert rejects(tmp_path / "notes.csv.rejects.csv") == [["62", "empty body"]]
    assert "Call 1 about the **zephyrine** filing." in [note[3] for note in await notes_of(database, world.acme.id)]

    async with database.session() as session:
        links = (await session.execute(select(NoteContact.contact_id, Note.contact_id).join(Note))).all()
        assert len(links) == 60 and all(linked == primary for linked, primary in links)
        contact_ids = await session.scalars(select(Contact.id).where(Contact.org_id == world.acme.id))
        totals = [
            (await notes.list_notes(session, world.ada.principal, contact_id, limit=1)).total
            for contact_id in contact_ids
        ]
        counted = await session.scalar(select(func.sum(ContactNoteCount.public_notes)))
    assert sorted(totals) == [0, 20, 20, 20]  # Priya has none; Jordan and the two new contacts 20 each
    assert counted == 60
    page = await find(database, world.ada.principal, "zephyrine", limit=100)
    assert len(page.items) == 60

    _, out, _ = await run(settings, "import", "notes", str(file), "--org", "Acme", "--from", "csv")
    assert out.strip() == "imported 0 notes (0 new contacts); 60 already imported; 1 rejected"
    assert len(await notes_of(database, world.acme.id)) == 60


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<p>Ask about snake_case and 2*3</p>", "Ask about snake\\_case and 2\\*3"),  # literal, not emphasis
        ("<h2>Recap</h2><ol><li>budget<ul><li>approved</li></ul></li></ol>", "## Recap\n\n1. budget\n   - approved"),
        ('<a href="https://example.com/a_b">the deck</a> &amp; notes', "[the deck](https://example.com/a_b) & notes"),
        ("line<br>next", "line  \nnext"),
        ("Plain text, no markup.  ", "Plain text, no markup."),
    ],
)
def test_html_bodies_become_markdown_as_written(html: str, markdown: str) -> None:
    assert to_markdown(html) == markdown
