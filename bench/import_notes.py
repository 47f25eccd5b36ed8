"""How many notes a second `contactnotes import notes` writes into PostgreSQL (the goal: at least 5,000).

Makes a throw-away PostgreSQL database, an organization with two users and a CSV in the plain layout with
ROWS notes (HTML bodies, 5,000 distinct contacts, half of them already present), then runs the command as a
user would, in its own process, and divides the rows by its wall-clock time (start-up included). Run from
the repository root:

    PYTHONPATH=src python bench/import_notes.py            # 50,000 rows
    PYTHONPATH=src python bench/import_notes.py --rows 200000

It then measures what the database alone can take on this machine at this moment: the same number of notes,
spread over the same contacts, written by COPY (the fastest way into PostgreSQL, no parsing or conversion at
all) in a transaction rolled back. On a busy machine both numbers fall together; their ratio is what the import itself costs.

This is a benchmark, not a test: it prints what it measured and exits 1 if the goal is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import PG_ADMIN_URL, fresh_pg_database

from contactnotes.contacts import service as contacts
from contactnotes.db.engine import Database
from contactnotes.db.migrate import upgrade
from contactnotes.db.uow import unit_of_work
from contactnotes.orgs import service as orgs
from contactnotes.settings import Settings
from contactnotes.users import service as users

GOAL = 5000
CONTACTS = 5000


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["external_id", "contact_email", "contact_name", "author_email", "date", "body", "type"])
        for n in range(rows):
            contact = n % CONTACTS
            writer.writerow(
                [
                    f"bench-{n}",
                    f"person{contact}@example.com",
                    f"Person {contact}",
                    "ada@bench.example.com" if n % 2 else "bob@bench.example.com",
                    f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T10:{n % 60:02d}:00Z",
                    f"<p>Call number <b>{n}</b> about the <i>quarterly</i> filing.</p><ul><li>one</li><li>two</li></ul>",
                    "Call",
                ]
            )


async def prepare(url: str) -> None:
    database = Database(Settings(database_url=url, _env_file=None))  # type: ignore[call-arg]
    try:
        async with unit_of_work(database) as session:
            org = await orgs.create_org(session, "Bench")
            await users.create_user(session, org, email="ada@bench.example.com", full_name="Ada", handle="ada")
            await users.create_user(session, org, email="bob@bench.example.com", full_name="Bob", handle="bob")
            for contact in range(0, CONTACTS, 2):
                await contacts.create_contact(
                    session, org.id, display_name=f"Person {contact}", email=f"person{contact}@example.com"
                )
    finally:
        await database.dispose()


async def copy_floor(url: str, rows: int) -> float:
    """Seconds to COPY `rows` notes (the import's triggers and indexes included), rolled back."""
    import asyncpg

    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        org, author = await connection.fetchrow(
            "SELECT o.id, u.id FROM organizations o JOIN users u ON u.org_id = o.id LIMIT 1"
        )
        # Spread over the organization's contacts as the imported notes are: piling every note on one contact
        # would make its counter rows, updated by a trigger per note, the cost being measured.
        contacts = [row[0] for row in await connection.fetch("SELECT id FROM contacts WHERE org_id = $1", org)]
        now = datetime.now(UTC)
        records = [
            (secrets.token_hex(12), org, contacts[n % len(contacts)], author, author,
             f"Call number **{n}** about the _quarterly_ filing.", "Call", False, False, now, now, False, now)
            for n in range(rows)
        ]  # fmt: skip
        columns = ["oid", "org_id", "contact_id", "author_id", "modified_by_id", "body", "type", "important",
                   "is_private", "note_date", "updated_at", "is_edited", "created_at"]  # fmt: skip
        transaction = connection.transaction()
        await transaction.start()
        started = time.perf_counter()
        await connection.copy_records_to_table("notes", records=records, columns=columns)
        elapsed = time.perf_counter() - started
        await transaction.rollback()
        return elapsed
    finally:
        await connection.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    rows = parser.parse_args().rows
    url = fresh_pg_database("contactnotes_bench_import")
    upgrade(url)
    asyncio.run(prepare(url))
    with tempfile.TemporaryDirectory() as scratch:
        file = Path(scratch) / "notes.csv"
        write_csv(file, rows)
        env = {**os.environ, "CONTACTNOTES_DATABASE_URL": url, "CONTACTNOTES_VAR_DIR": scratch}
        command = [
            sys.executable,
            "-m",
            "contactnotes",
            "import",
            "notes",
            str(file),
            "--org",
            "Bench",
            "--from",
            "csv",
        ]
        started = time.perf_counter()
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
    print(result.stdout.strip() or result.stderr.strip())
    rate = rows / elapsed
    print(f"{rows} rows in {elapsed:.2f} s: {rate:,.0f} notes/s (goal {GOAL:,})")
    floor = asyncio.run(copy_floor(url, rows))
    print(f"the database alone (COPY of {rows} notes, rolled back): {floor:.2f} s, {rows / floor:,.0f} notes/s")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    subprocess.run(["psql", PG_ADMIN_URL, "-qc", "DROP DATABASE contactnotes_bench_import"], check=False)
    return 0 if result.returncode == 0 and rate >= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
