"""A backup is a directory: manifest.json, the database, and the files of local storage.

- SQLite: SQLite's online backup API copies the database in one step inside one read transaction, so the
  copy is the database as of one instant while writers go on (WAL mode lets them).
- PostgreSQL: `pg_dump --format=custom`, which reads one snapshot (a repeatable-read transaction) and takes
  no lock that blocks writes. Restore is `pg_restore` into the database the settings name.
- Files (local storage): copied after the database, so every file a backed-up row names is already there
  (a file is stored before the row that names it commits). S3-compatible stores are not copied: use the
  store's own versioning or replication.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url

from contactnotes import __version__
from contactnotes.db.engine import is_sqlite
from contactnotes.db.migrate import head_revision
from contactnotes.settings import Settings

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_DUMP_FILE = "database.pgdump"
FILES_DIR = "files"
SKIPPED_DIRS = {".incoming"}  # partial uploads, never named by a row


class BackupError(Exception):
    """Said to the operator in one line."""


@dataclass(frozen=True, slots=True)
class Summary:
    database: str
    files: int | None  # None: the files live in an S3-compatible store, not in the backup


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("the SQLite database is in memory: nothing to back up")
    return Path(database)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL for pg_dump/pg_restore, and PGPASSWORD: a password never goes on a command line."""
    parsed: URL = make_url(url)
    env = {"PGPASSWORD": parsed.password} if parsed.password else {}
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str]) -> str:
    try:
        done = subprocess.run(command, check=True, capture_output=True, env={**os.environ, **env})  # noqa: S603
        return done.stdout.decode(errors="replace")
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL's client tools are needed)") from exc
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{command[0]} failed: {exc.stderr.decode(errors='replace').strip()[:2000]}") from exc


def _copy_files(source: Path, target: Path) -> int:
    copied = 0
    if not source.is_dir():
        return 0
    for root, dirs, names in os.walk(source):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
        for name in names:
            origin = Path(root) / name
            destination = target / origin.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, destination)
            copied += 1
    return copied


def backup(settings: Settings, destination: Path) -> Summary:
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty")
    destination.mkdir(parents=True, exist_ok=True)
    url = settings.database_url
    if is_sqlite(url):
        kind = "sqlite"
        source = sqlite3.connect(_sqlite_path(url), timeout=30)
        target = sqlite3.connect(destination / SQLITE_FILE)
        try:
            source.backup(target)  # every page in one step: one consistent read snapshot
            if target.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise BackupError("the copy failed SQLite's quick_check")
        finally:
            target.close()
            source.close()
    else:
        kind = "postgresql"
        dsn, env = _libpq(url)
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(destination / PG_DUMP_FILE), dsn], env)
    files = None
    if settings.storage_backend == "local":
        files = _copy_files(settings.files_dir, destination / FILES_DIR)
    manifest: dict[str, Any] = {
        "format": 1,
        "database": kind,
        "revision": head_revision(),
        "created_at": datetime.now(UTC).isoformat(),
        "contactnotes": __version__,
        "files": files,
    }
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return Summary(kind, files)


def read_manifest(source: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError as exc:
        raise BackupError(f"{source} holds no {MANIFEST}: not a contactnotes backup") from exc
    return manifest


def restore(settings: Settings, source: Path, *, force: bool = False) -> Summary:
    """Put a backup back into the configured database and storage. Stop the service (API and workers) first."""
    manifest = read_manifest(source)
    url = settings.database_url
    kind = "sqlite" if is_sqlite(url) else "postgresql"
    if manifest["database"] != kind:
        raise BackupError(f"the backup holds a {manifest['database']} database; the settings name {kind}")
    if kind == "sqlite":
        path = _sqlite_path(url)
        if path.exists() and path.stat().st_size > 0 and not force:
            raise BackupError(f"{path} exists; pass --force to replace it")
        path.parent.mkdir(parents=True, exist_ok=True)
        backup_file = sqlite3.connect(source / SQLITE_FILE)
        target = sqlite3.connect(path, timeout=30)
        try:
            backup_file.backup(target)  # replaces every page, WAL included, under SQLite's own locking
        finally:
            target.close()
            backup_file.close()
    else:
        dsn, env = _libpq(url)
        probe = "SELECT to_regclass('public.alembic_version') IS NOT NULL"
        if _run(["psql", "--no-psqlrc", "-tAc", probe, dsn], env).strip() == "t" and not force:
            raise BackupError("the database already holds contactnotes tables; pass --force to replace them")
        command = ["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", "--dbname", dsn]
        if force:
            command += ["--clean", "--if-exists"]
        _run([*command, str(source / PG_DUMP_FILE)], env)
    files = None
    if manifest.get("files") is not None:
        files = _copy_files(source / FILES_DIR, settings.files_dir)
    return Summary(kind, files)
