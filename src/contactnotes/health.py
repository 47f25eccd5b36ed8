"""Readiness: can this process serve? Each check is bounded in time and names what failed.

- database: a connection answers `SELECT 1`;
- migrations: the database is not behind the revision this code ships (a process started before `contactnotes
  migrate` finished, or a database restored from an older backup, is not ready); a database ahead of the
  code, at a revision it does not know, is fine (old processes during a rolling upgrade);
- storage: the object store answers (local: its directory is there and writable; S3: a HEAD on the bucket);
- worker: some worker left a heartbeat within health_worker_max_age_seconds, when one is expected (the
  in-process worker of an embedded server, or health_expect_worker=true for separate worker processes).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import text

from contactnotes.db.engine import Database
from contactnotes.db.migrate import head_revision, ships
from contactnotes.jobs import repository as jobs
from contactnotes.kit.clock import utc_now
from contactnotes.storage.base import ObjectStore

OK = "ok"


class NotReady(Exception):
    """A check's finding, said in a few words for the operator."""


@dataclass(frozen=True, slots=True)
class Report:
    checks: dict[str, str]

    @property
    def ready(self) -> bool:
        return all(result in (OK, "not expected") for result in self.checks.values())

    @property
    def failed(self) -> list[str]:
        return [name for name, result in self.checks.items() if result not in (OK, "not expected")]


async def check_database(database: Database) -> None:
    async with database.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def check_migrations(database: Database) -> None:
    async with database.engine.connect() as connection:
        current = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
    shipped = head_revision()
    if ",".join(sorted(current)) == shipped:
        return
    # A database ahead of this code is fine: migrations only add (docs/deploy.md), so during a rolling
    # upgrade the processes still on the old release keep serving after `contactnotes migrate` ran.
    if current and not any(ships(revision) for revision in current):
        return
    raise NotReady(f"database at {','.join(current) or 'no revision'}, code expects {shipped}")


def _writable_directory(root: Path) -> bool:
    try:
        root.mkdir(parents=True, exist_ok=True)  # the first upload would make it; a fresh install has none yet
    except OSError:
        return False
    return root.is_dir() and os.access(root, os.W_OK)


async def check_storage(store: ObjectStore) -> None:
    root = getattr(store, "root", None)
    if root is not None:  # the local backend
        if not await asyncio.to_thread(_writable_directory, Path(root)):
            raise NotReady(f"{root} is not a writable directory")
        return
    # Any S3-compatible store: a HEAD of a key that need not exist (absent is an answer; a refused
    # connection or bad credentials raise).
    await store.head("healthcheck/probe")


async def check_worker(database: Database, max_age_seconds: float) -> None:
    async with database.read_session() as session:
        last: datetime | None = await jobs.last_beat(session)
    if last is None:
        raise NotReady("no worker has reported")
    age = (utc_now() - last).total_seconds()
    if age > max_age_seconds:
        raise NotReady(f"last worker heartbeat {age:.0f}s ago")


async def _run(check: Callable[[], Awaitable[None]], limit_seconds: float) -> str:
    try:
        await asyncio.wait_for(check(), limit_seconds)
    except NotReady as finding:
        return str(finding)
    except TimeoutError:
        return f"no answer within {limit_seconds}s"
    except Exception as exc:  # unreachable, refused, misconfigured: say which, never raise
        return f"unreachable: {exc.__class__.__name__}"
    return OK


async def readiness(
    database: Database,
    store: ObjectStore,
    *,
    limit_seconds: float,
    worker_expected: bool,
    worker_max_age_seconds: float,
) -> Report:
    checks: dict[str, Callable[[], Awaitable[None]]] = {
        "database": lambda: check_database(database),
        "migrations": lambda: check_migrations(database),
        "storage": lambda: check_storage(store),
    }
    if worker_expected:
        checks["worker"] = lambda: check_worker(database, worker_max_age_seconds)
    results = await asyncio.gather(*(_run(check, limit_seconds) for check in checks.values()))
    report = dict(zip(checks, results, strict=True))
    if not worker_expected:
        report["worker"] = "not expected"
    if report["database"] != OK:
        # One cause, said once: the other database checks only repeat it.
        for name in ("migrations", "worker"):
            if report.get(name) not in (OK, "not expected"):
                report[name] = "database unreachable"
    return Report(report)
