"""Load a benchmark database: 1 organization, N notes over N/100 contacts, one contact holding N/10.

Organization, users and token go through the real services (so defaults such as note types exist);
contacts and notes are streamed in with COPY, with a progress bar.
"""

from __future__ import annotations

import asyncio
import random
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from contactnotes.auth import service as auth
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.orgs import repository as orgs_repository
from contactnotes.orgs import service as orgs
from contactnotes.settings import Settings
from contactnotes.users import repository as users_repository
from contactnotes.users import service as users

ORG = "Bench Org"
# One note in RARE_EVERY carries RARE_WORD: the rare-word search (100 notes at 1m, one at 10k).
RARE_WORD = "zanzibar"
RARE_EVERY = 10_000
SIZES = {"10k": 10_000, "1m": 1_000_000, "10m": 10_000_000}
USERS = 20
CHUNK = 20_000
WORDS = [
    "called",
    "discussed",
    "agreed",
    "invoice",
    "follow-up",
    "meeting",
    "tax",
    "return",
    "quarterly",
    "estimate",
    "signed",
    "letter",
    "review",
    "documents",
    "payroll",
    "deadline",
    "extension",
    "budget",
    "proposal",
    "renewal",
    "referral",
    "onboarding",
]


@dataclass(frozen=True)
class BenchData:
    token: str
    big_contact_oid: str
    big_contact_id: int
    mention_oid: str
    notes: int
    user_id: int  # the token's user, whose view (own private notes included) the lists show


def _oid(seconds: int) -> str:
    return seconds.to_bytes(4, "big").hex() + secrets.token_hex(8)


async def _principal_rows(database: Database) -> tuple[int, list[int], str, str, int]:
    """Create (or find) the organization and its users; a fresh token for the first user."""
    async with unit_of_work(database) as session:
        org = await orgs_repository.find_by_name(session, ORG)
        if org is None:
            org = await orgs.create_org(session, ORG)
            for i in range(USERS):
                await users.create_user(
                    session, org, email=f"user{i}@bench.example.com", full_name=f"Bench User {i}", handle=f"u{i}"
                )
        first = await users_repository.find_by_email(session, "user0@bench.example.com")
        second = await users_repository.find_by_email(session, "user1@bench.example.com")
        assert first and second
        issued = await auth.issue_token(session, first, name="bench")
        members, _ = await users_repository.list_in_org(session, org.id, limit=USERS, offset=0)
        return org.id, [u.id for u in members], issued.secret, second.oid, first.id


async def load(settings: Settings, dsn: str, size: str) -> BenchData:
    total = SIZES[size]
    database = Database(settings)
    try:
        org_id, user_ids, token, mention_oid, user_id = await _principal_rows(database)
    finally:
        await database.dispose()
    connection = await asyncpg.connect(dsn)
    try:
        have = await connection.fetchval("SELECT count(*) FROM notes WHERE org_id = $1", org_id)
        if have < total:
            await _copy(connection, org_id, user_ids, total - have, total)
        elif have > total:
            await _forget_earlier_runs(connection, total)
        big = await connection.fetchrow(
            "SELECT c.id, c.oid FROM contacts c WHERE c.org_id = $1 ORDER BY c.id LIMIT 1", org_id
        )
        return BenchData(token, big["oid"], big["id"], mention_oid, total, user_id)
    finally:
        await connection.close()


async def _forget_earlier_runs(connection: asyncpg.Connection, total: int) -> None:
    """Every run starts from the loaded data: notes a previous run created (with their mentions), and the
    inbox and outbox rows they made, are removed, then the tables are vacuumed for stable plans."""
    last_loaded = await connection.fetchval("SELECT id FROM notes ORDER BY id OFFSET $1 LIMIT 1", total - 1)
    await connection.execute("DELETE FROM notifications")
    await connection.execute("DELETE FROM outbox_events")
    await connection.execute("DELETE FROM notes WHERE id > $1", last_loaded)
    for table in ("notes", "note_mentions", "notifications", "outbox_events", "contact_note_counts"):
        await connection.execute(f"VACUUM ANALYZE {table}")


async def _copy(connection: asyncpg.Connection, org_id: int, user_ids: list[int], missing: int, total: int) -> None:
    contacts = max(total // 100, 2)
    existing = await connection.fetchval("SELECT count(*) FROM contacts WHERE org_id = $1", org_id)
    now = datetime.now(UTC)
    rng = random.Random(42)
    with Progress(
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()
    ) as progress:
        if existing < contacts:
            task = progress.add_task("contacts", total=contacts - existing)
            rows = [
                (_oid(int(now.timestamp())), org_id, f"Contact {i}", f"contact{i}@bench.example.net", now)
                for i in range(existing, contacts)
            ]
            await connection.copy_records_to_table(
                "contacts", records=rows, columns=["oid", "org_id", "display_name", "email", "created_at"]
            )
            progress.update(task, advance=len(rows))
        found = await connection.fetch("SELECT id FROM contacts WHERE org_id = $1 ORDER BY id", org_id)
        contact_ids = [r["id"] for r in found]
        big, rest = contact_ids[0], contact_ids[1:]
        big_share = total // 10
        task = progress.add_task("notes", total=missing)
        five_years = 5 * 365 * 24 * 3600
        columns = [
            "oid", "org_id", "contact_id", "author_id", "modified_by_id", "body", "type", "important",
            "is_private", "time_spent_minutes", "note_date", "created_at", "updated_at", "is_edited",
        ]  # fmt: skip
        done = 0
        while done < missing:
            batch = []
            for i in range(min(CHUNK, missing - done)):
                n = total - missing + done + i
                contact = big if n < big_share else rest[n % len(rest)]
                author = user_ids[n % len(user_ids)]
                when = now - timedelta(seconds=rng.randrange(five_years))
                body = " ".join(rng.choices(WORDS, k=rng.randrange(8, 40)))
                if n % RARE_EVERY == RARE_EVERY // 2:  # appended, so the random stream (and the rest) is unchanged
                    body += f" {RARE_WORD}"
                batch.append(
                    (
                        _oid(int(when.timestamp())), org_id, contact, author, author, body, "General",
                        rng.random() < 0.1, rng.random() < 0.05, rng.choice([None, 5, 15, 30]), when, when, when,
                        False,
                    )
                )  # fmt: skip
            await connection.copy_records_to_table("notes", records=batch, columns=columns)
            done += len(batch)
            progress.update(task, advance=len(batch))
    await connection.execute("ANALYZE")


if __name__ == "__main__":
    import sys

    url = sys.argv[1]
    print(asyncio.run(load(Settings(database_url=url), url.replace("+asyncpg", ""), sys.argv[2])))
