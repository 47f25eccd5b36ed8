"""Creates-with-mention on the embedded SQLite database: the app at 1 and 2 workers against a bare ceiling.

The ceiling sends the statements the app sends for one POST /api/contact-notes (captured from the app
itself, so the two cannot drift apart) through Python's sqlite3 on one connection, one transaction per
create, with the same pragmas, and nothing else: no HTTP, no ORM, no JSON. It is SQLite's own limit for this
work on this machine, in one Python thread.

CPU time per request (the server's processes' user + system time over the requests answered) is reported
beside throughput: on a shared 2-core machine it is the steadier of the two.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, text

from bench.reports import report_path
from contactnotes.app import create_app
from contactnotes.db.engine import Database
from contactnotes.demo import DemoResult
from contactnotes.settings import Settings

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class AppMeasure:
    workers: int
    rps: float
    cpu_ms_per_request: float  # server processes' CPU time per request answered
    rss_peak_mb: float  # the largest worker's peak resident memory
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


@dataclass
class CeilingMeasure:
    rps: float
    cpu_ms_per_request: float
    statements: int  # per create, BEGIN and COMMIT included


def create_body(demo: DemoResult) -> dict[str, Any]:
    return {"contactId": demo.contact_oid, "note": "@alice bench note", "mentions": [demo.mention_oid]}


async def captured_statements(url: str, demo: DemoResult) -> tuple[list[tuple[str, Any, bool]], int]:
    """The (SQL, parameters, executemany) the app sends for one create, as the driver receives them, and
    the id of the note it made."""
    settings = Settings(database_url=url, embedded_worker=False, _env_file=None)  # type: ignore[call-arg]
    database = Database(settings, url)
    sent: list[tuple[str, Any, bool]] = []

    @event.listens_for(database.engine.sync_engine, "before_cursor_execute")
    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool) -> None:
        sent.append((statement, parameters, many))

    app = create_app(settings, database)
    headers = {"Authorization": f"Bearer {demo.token}"}
    try:
        async with app.router.lifespan_context(app):  # type: ignore[attr-defined]
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                for _ in range(2):  # the second one: caches warm, the token's last use already recorded
                    sent.clear()
                    response = await client.post("/api/contact-notes", json=create_body(demo), headers=headers)
                    response.raise_for_status()
        event.remove(database.engine.sync_engine, "before_cursor_execute", record)
        async with database.read_session() as session:
            note_id = int((await session.execute(text("SELECT max(id) FROM notes"))).scalar_one())
    finally:
        await database.dispose()
    return sent, note_id


def ceiling(path: Path, statements: list[tuple[str, Any, bool]], note_id: int, seconds: float) -> CeilingMeasure:
    """The captured statements replayed on one sqlite3 connection, one transaction per create.

    Each replay gets fresh unique values where the schema demands them (ids of notes, notifications and
    outbox events); the mention and notification rows point at the note just inserted, as the app's do.
    """
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=10000"):
        connection.execute(f"PRAGMA {pragma}")
    from contactnotes.db.functions import register_sqlite_functions

    register_sqlite_functions(connection)
    body = [s for s in statements if not s[0].startswith("BEGIN")]
    salt = secrets.token_hex(2)  # a run's ids differ from an earlier run's on the same database
    # The app names the new note's id itself (the next one, read by its lookup under the write lock, which
    # the replayed lookup reads too): each replay writes the next id after the last one on the database.
    last_id = int(connection.execute("SELECT max(id) FROM notes").fetchone()[0])
    last_event = int(connection.execute("SELECT coalesce(max(id), 0) FROM outbox_events").fetchone()[0])
    count, started, cpu_started = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - started < seconds:
        count += 1
        connection.execute("BEGIN IMMEDIATE")
        new_id = last_id + count
        for sql, parameters, many in body:
            if many:
                connection.executemany(sql, [fresh(p, note_id, new_id, count, salt) for p in parameters])
            else:
                connection.execute(sql, fresh(parameters, note_id, new_id, count, salt)).fetchall()
        connection.execute("COMMIT")
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    # The replays' events are the ceiling's own: left in the outbox, the app's embedded worker would spend the
    # next measurement handling thousands of them, counted as the app's CPU per create.
    connection.execute("DELETE FROM outbox_events WHERE id > ?", (last_event,))
    connection.close()
    return CeilingMeasure(count / elapsed, 1000 * cpu / count, len(body) + 2)


def fresh(parameters: Any, captured_note_id: int, new_note_id: int, n: int, salt: str) -> Any:
    """The captured parameters with new unique values: object ids (24 hex) and event ids (uuid) made unique
    per replay; the captured note's id replaced by the new note's."""
    out = []
    for value in parameters:
        if isinstance(value, str) and len(value) == 24 and all(c in "0123456789abcdef" for c in value):
            value = f"{value[:8]}{salt}{n:012x}"
        elif isinstance(value, str) and len(value) == 36 and value.count("-") == 4:
            value = f"{value[:19]}{salt}-{n:012x}"
        elif type(value) is int and value == captured_note_id:
            value = new_note_id
        out.append(value)
    return tuple(out)


def process_tree(pid: int) -> list[int]:
    """The process and its descendants (uvicorn's workers are children of the supervisor)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def serve_command(port: int, workers: int) -> list[str]:
    return [sys.executable, "-m", "contactnotes", "serve", "--port", str(port), "--workers", str(workers)]


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def json_line(text: str) -> dict[str, Any]:
    return dict(json.loads(text.strip().splitlines()[-1]))


def run_subprocess(command: list[str], env: dict[str, str], timeout: float) -> str:
    return subprocess.run(command, env=env, capture_output=True, text=True, check=True, timeout=timeout).stdout


def notes_stored(database: Path) -> int:
    connection = sqlite3.connect(database, timeout=30)
    try:
        return int(connection.execute("SELECT count(*) FROM notes").fetchone()[0])
    finally:
        connection.close()


def settled(database: Path, pids: list[int], limit: float = 60) -> tuple[int, float]:
    """Notes stored and CPU spent, once the server has finished what wrk left in flight (and the events it
    made): on a loaded machine wrk gives up on requests the server still completes, and counting those as
    CPU but not as creates would inflate the CPU per create."""
    deadline = time.monotonic() + limit
    last = (notes_stored(database), cpu_seconds(pids))
    while time.monotonic() < deadline:
        time.sleep(1)
        now = (notes_stored(database), cpu_seconds(pids))
        if now[0] == last[0] and now[1] - last[1] < 0.05:  # no new note and (nearly) no CPU in a second
            return now
        last = now
    return last


def measure_app(
    command: list[str],
    env: dict[str, str],
    base: str,
    demo: DemoResult,
    database: Path,
    *,
    seconds: int,
    connections: int,
) -> AppMeasure:
    """Serve with `command`, warm up, then one wrk run of creates; CPU and memory of every server process.

    Creates per second are the client's (wrk's answered 2xx); CPU per create is the server's CPU time over
    the notes it stored in the same interval, both counted once the server has settled."""
    from bench.run import RssWatcher, Scenario, start, wrk

    workers = int(command[command.index("--workers") + 1]) if "--workers" in command else 1
    process = start(command, env, f"{base}/readyz", wait=240)  # a loaded machine imports slowly
    try:
        scenario = Scenario("SQLite create", "POST", f"{base}/api/contact-notes", json.dumps(create_body(demo)),
                            kind="sqlite", token=demo.token)  # fmt: skip
        wrk(scenario, demo.token, connections=connections, seconds=1)  # warm-up: imports, caches, pages
        pids = process_tree(process.pid)
        watchers = [RssWatcher(pid) for pid in pids]
        for watcher in watchers:
            watcher.__enter__()
        notes_before, cpu_before = settled(database, pids)
        measure = wrk(scenario, demo.token, connections=connections, seconds=seconds)
        notes_after, cpu_after = settled(database, pids)
        for watcher in watchers:
            watcher.__exit__()
    finally:
        process.terminate()
        process.wait(timeout=60)
    created = max(notes_after - notes_before, 1)
    return AppMeasure(
        workers=workers,
        rps=measure.rps,
        cpu_ms_per_request=1000 * (cpu_after - cpu_before) / created,
        rss_peak_mb=max(w.peak for w in watchers),
        p50_ms=measure.p50_ms,
        p99_ms=measure.p99_ms,
        errors=measure.errors,
        requests=measure.requests,
    )


ONE = "app, 1 worker (the default: no Redis)"
ONE_REDIS = "app, 1 worker, Redis rate limits"
TWO_REDIS = "app, 2 workers, Redis rate limits"


@dataclass
class SqliteResults:
    ceiling: list[CeilingMeasure] = field(default_factory=list)
    apps: dict[str, list[AppMeasure]] = field(default_factory=dict)  # by configuration (ONE, ONE_REDIS, TWO_REDIS)
    load: list[str] = field(default_factory=list)  # /proc/loadavg before each round, and at the end


def run(
    rounds: int, seconds: int, connections: int, redis_url: str, directory: Path, output: str | None = None
) -> Path:
    """Alternating rounds (ceiling, then each app configuration) on one fresh embedded database; a report
    (bench/results/<date>-sqlite-run.md, or `output` there)."""
    from bench.run import free_port, prepare_sqlite

    url, demo = asyncio.run(prepare_sqlite(directory))
    statements, note_id = asyncio.run(captured_statements(url, demo))
    database = Path(url.split("///", 1)[1])
    limits = {f"CONTACTNOTES_{name}_RATE_LIMIT": str(10**9) for name in ("TETHER_USER", "TETHER_ORG", "VIRTUOUS")}
    env = {**os.environ, **limits, "CONTACTNOTES_DATABASE_URL": url, "CONTACTNOTES_LOG_LEVEL": "warning",
           "CONTACTNOTES_VAR_DIR": str(directory)}  # fmt: skip
    env.pop("CONTACTNOTES_REDIS_URL", None)
    configurations = [(ONE, 1, env), (ONE_REDIS, 1, {**env, "CONTACTNOTES_REDIS_URL": redis_url}),
                      (TWO_REDIS, 2, {**env, "CONTACTNOTES_REDIS_URL": redis_url})]  # fmt: skip
    results = SqliteResults()
    for _ in range(rounds):
        results.load.append(load_average())
        results.ceiling.append(ceiling(database, statements, note_id, seconds))
        for label, workers, environment in configurations:
            port = free_port()
            measure = measure_app(serve_command(port, workers), environment, f"http://127.0.0.1:{port}", demo,
                                  database, seconds=seconds, connections=connections)  # fmt: skip
            results.apps.setdefault(label, []).append(measure)
    results.load.append(load_average())
    return write_report(results, rounds, seconds, connections, results.ceiling[0].statements, output)


def write_report(
    r: SqliteResults, rounds: int, seconds: int, connections: int, statements: int, output: str | None = None
) -> Path:
    from bench.run import machine

    def rps(label: str) -> float:
        return statistics.median(m.rps for m in r.apps[label])

    def cpu(label: str) -> float:
        return statistics.median(m.cpu_ms_per_request for m in r.apps[label])

    ceiling_rps = statistics.median(m.rps for m in r.ceiling)
    ceiling_cpu = statistics.median(m.cpu_ms_per_request for m in r.ceiling)
    lines = [
        f"# Embedded SQLite creates, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {machine()}. Load average (1, 5, 15 min) before each round and at the end: "
        + "; ".join(r.load)
        + ".",
        f"Method: {rounds} alternating rounds of {seconds} s: the ceiling, then `contactnotes serve --workers 1` "
        "(no Redis, as `make run`), the same with Redis counting the rate limits, then `--workers 2` with Redis "
        f"(required for more than one process); each app with wrk at {connections} connections creating a note "
        "with one mention (POST /api/contact-notes). Medians reported. CPU per create is the server processes' "
        "user + system time over the creates answered (the embedded worker's handling of each create's events "
        "included; requests wrk gave up on count as CPU spent, not as creates). The ceiling replays the app's "
        f"own {statements} statements of a create (BEGIN IMMEDIATE ... COMMIT) through Python's sqlite3 on one "
        "connection in one thread.",
        "",
        "| Scenario | Creates/s | vs ceiling | CPU ms per create | Creates per CPU-second | vs ceiling | "
        "p50 / p99 ms | Peak RSS, largest process (MB) | Errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| ceiling: same SQL, sqlite3, one connection | {ceiling_rps:.0f} | 1.00x | {ceiling_cpu:.2f} | "
        f"{1000 / ceiling_cpu:.0f} | 1.00x | | | 0 |",
    ]
    for label, measures in r.apps.items():
        lines.append(
            f"| {label} | {rps(label):.0f} | {rps(label) / ceiling_rps:.2f}x | "
            f"{cpu(label):.2f} | {1000 / cpu(label):.0f} | {ceiling_cpu / cpu(label):.2f}x | "
            f"{statistics.median(m.p50_ms for m in measures):.0f} / {statistics.median(m.p99_ms for m in measures):.0f} | "
            f"{max(m.rss_peak_mb for m in measures):.0f} | {sum(m.errors for m in measures)} |"
        )
    best = max(rps(label) for label in r.apps)
    rss = max(m.rss_peak_mb for measures in r.apps.values() for m in measures)
    rows = [
        ("creates/s >= 1000 (best configuration, as measured)", best, best >= 1000),
        ("creates/s >= 1000 that the CPU per create allows on 2 idle cores (2000 / CPU ms, 2 workers)",
         2000 / cpu(TWO_REDIS), 2000 / cpu(TWO_REDIS) >= 1000),
        ("app (1 worker, default) >= 0.5x the ceiling, creates/s", rps(ONE) / ceiling_rps, rps(ONE) / ceiling_rps >= 0.5),
        ("app (1 worker, default) >= 0.5x the ceiling, creates per CPU-second", ceiling_cpu / cpu(ONE),
         ceiling_cpu / cpu(ONE) >= 0.5),
        ("scaling: 2 workers / 1 worker (both with Redis)", rps(TWO_REDIS) / rps(ONE_REDIS), rps(TWO_REDIS) > rps(ONE_REDIS)),
        ("resident memory per worker <= 150 MB", rss, rss <= 150),
    ]  # fmt: skip
    lines += ["", "## Targets", "", "| Target | Measured | Met |", "| --- | ---: | --- |"]
    lines += [f"| {label} | {value:.2f} | {'yes' if met else 'NO'} |" for label, value, met in rows]
    out = report_path(output, "sqlite-run")
    out.write_text("\n".join(lines) + "\n")
    return out
