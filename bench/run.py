"""`make bench`: contactnotes against the same-SQL ceiling on this machine, in one run.

Loads PostgreSQL (bench/load.py), starts the real app (uvicorn, one worker) and the bare ceiling
(bench/ceiling.py), then measures each scenario in alternating rounds with wrk, and writes a dated report
under bench/results/. Medians of the rounds are reported; the machine is named in the report.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import asyncpg
import httpx
import typer
from rich.console import Console

from bench import sqlite_creates, statement_cost
from bench.load import RARE_WORD, SIZES, WORDS, BenchData, load
from bench.minimal_schema import prepare_minimal
from bench.reports import report_path
from contactnotes.auth import sessions
from contactnotes.db import migrate
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.demo import DemoResult, load_demo
from contactnotes.models import User
from contactnotes.notes.repository import encode_cursor
from contactnotes.settings import Settings

HERE = Path(__file__).parent
WEB_TIMELINE = "list: web timeline page (first 25 notes)"
console = Console()


@dataclass
class Scenario:
    name: str
    method: str
    url: str
    body: str = ""
    server: str = "app"  # whose memory to watch
    kind: str = "create"  # create | list
    token: str | None = None  # the scenario's own token (the SQLite app has its own data)
    cookie: str | None = None  # a web app session (the pages are read signed in, not with a token)


@dataclass
class Measure:
    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    requests: int


@dataclass
class Results:
    index: dict[str, int] = field(default_factory=dict)  # bytes, see index_sizes
    throughput: dict[str, list[Measure]] = field(default_factory=dict)
    latency: dict[str, list[Measure]] = field(default_factory=dict)
    rates: dict[str, float] = field(default_factory=dict)
    # CPU time (user + system) the scenario's server process spent per answered request in the throughput runs.
    cpu_ms: dict[str, list[float]] = field(default_factory=dict)
    load: list[float] = field(default_factory=list)  # the machine's 1-minute load average, sampled per run
    rss_rest_mb: float = 0.0
    rss_peak_mb: float = 0.0
    statement_costs: dict[str, float] = field(default_factory=dict)  # bench/statement_cost.py


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of a server and its worker processes (`contactnotes serve --workers 2` forks two)."""
    return sqlite_creates.cpu_seconds(sqlite_creates.process_tree(pid))


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


class RssWatcher:
    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.1)

    def __enter__(self) -> RssWatcher:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def wrk(scenario: Scenario, token: str, *, connections: int, seconds: int, pause_ms: float = 0) -> Measure:
    env = {
        **os.environ,
        "BENCH_METHOD": scenario.method,
        "BENCH_BODY": scenario.body,
        "BENCH_TOKEN": scenario.token or token,
        "BENCH_PAUSE_MS": f"{pause_ms:.3f}",
        "BENCH_COOKIE": scenario.cookie or "",
        "BENCH_WORDS": " ".join(WORDS),
    }
    threads = min(2, connections)
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(HERE / "load.lua"), scenario.url],
        env=env, capture_output=True, text=True, check=True, timeout=seconds + 60,
    ).stdout  # fmt: skip
    data = json.loads(out.strip().splitlines()[-1])
    seconds_run = data["duration_us"] / 1e6
    return Measure(
        rps=data["requests"] / seconds_run,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        errors=data["errors"] + data["non2xx"],
        requests=data["requests"],
    )


def start(command: list[str], env: dict[str, str], ready_url: str, wait: float = 60) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            if httpx.get(ready_url, timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.terminate()  # SIGTERM: a supervisor (--workers) stops its server processes too
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
    raise RuntimeError(f"{command} did not become ready")


async def index_sizes(dsn: str) -> dict[str, int]:
    """Bytes of the notes' bodies and of what full-text search adds: the tsvector column, its GIN index, the
    trigram index (for Virtuous's substring conditions) and the organization-wide date index."""
    connection = await asyncpg.connect(dsn)
    try:
        # Sizes as built: earlier runs' notes were deleted (their index pages stay until reused), and inserts
        # leave GIN pending-list pages behind; a rebuild measures what the data itself costs.
        for index in ("ix_notes_search", "ix_notes_body_trgm", "ix_notes_org_date"):
            await connection.execute(f"REINDEX INDEX {index}")
        await connection.execute("VACUUM ANALYZE notes")
        row = await connection.fetchrow(
            """SELECT sum(octet_length(body)) AS body, sum(pg_column_size(search_vector)) AS vector,
                      pg_relation_size('ix_notes_search') AS gin, pg_relation_size('ix_notes_body_trgm') AS trigram,
                      pg_relation_size('ix_notes_org_date') AS org_date
               FROM notes"""
        )
        return {key: int(value or 0) for key, value in row.items()}
    finally:
        await connection.close()


async def without_search_writes(dsn: str) -> None:
    """The schema as a create met it before search: today's schema (the app reads it) without what search
    makes every insert do, the trigger that builds a note's search vector and the two GIN indexes it and
    Virtuous's substring conditions use."""
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(
            "DROP TRIGGER IF EXISTS notes_search ON notes; DROP INDEX IF EXISTS ix_notes_search; "
            "DROP INDEX IF EXISTS ix_notes_body_trgm"
        )
    finally:
        await connection.close()


async def prepare(
    admin_dsn: str, size: str, *, prefix: str = "contactnotes_bench", suffix: str = "", revision: str = "head"
) -> tuple[str, BenchData, str, int]:
    name = f"{prefix}_{size}{suffix}"
    admin = await asyncpg.connect(admin_dsn)
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    dsn = admin_dsn.rsplit("/", 1)[0] + "/" + name
    url = dsn.replace("postgresql://", "postgresql+asyncpg://", 1)
    await asyncio.to_thread(migrate.upgrade, url, revision)
    data = await load(Settings(database_url=url, _env_file=None), dsn, size)  # type: ignore[call-arg]
    # The deepest page: the last 25 notes of the big contact that the token's user can see.
    connection = await asyncpg.connect(dsn)
    visible = "contact_id = $1 AND deleted_at IS NULL AND (is_private = false OR author_id = $2)"
    try:
        count = await connection.fetchval(
            f"SELECT count(*) FROM notes WHERE {visible}", data.big_contact_id, data.user_id
        )
        depth = max(count - 25, 1)
        row = await connection.fetchrow(
            f"SELECT note_date, id FROM notes WHERE {visible} ORDER BY note_date DESC, id DESC OFFSET $3 LIMIT 1",
            data.big_contact_id, data.user_id, depth - 1,
        )  # fmt: skip
    finally:
        await connection.close()
    return url, data, encode_cursor(row["note_date"], row["id"]), depth


async def web_session(url: str, user_id: int) -> str:
    """A signed-in browser's session for the token's user: the web timeline is read as that user sees it."""
    database = Database(Settings(database_url=url, _env_file=None), url)  # type: ignore[call-arg]
    try:
        async with unit_of_work(database) as session:
            user = await session.get(User, user_id)
            assert user is not None
            opened = await sessions.open_session(session, user, lifetime=timedelta(days=1))
    finally:
        await database.dispose()
    return opened.secret


async def prepare_sqlite(directory: Path) -> tuple[str, DemoResult]:
    """A fresh embedded database with the demo organization: the default a new user runs."""
    url = f"sqlite+aiosqlite:///{directory / 'contactnotes.sqlite'}"
    await asyncio.to_thread(fresh_directory, directory)
    await asyncio.to_thread(migrate.upgrade, url)
    database = Database(Settings(database_url=url, _env_file=None), url)  # type: ignore[call-arg]
    try:
        async with unit_of_work(database) as session:
            demo = await load_demo(session)
    finally:
        await database.dispose()
    return url, demo


def fresh_directory(directory: Path) -> None:
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)


CEILING = "create: ceiling (bare SQL)"
# The app's cheapest request (no database, no authentication), through every middleware: what the framework and
# the HTTP server cost on their own, and the tail this machine gives a request that costs almost nothing.
FLOOR = "floor: GET /livez (no database)"
MINIMAL_CEILING = "create: ceiling on a minimal schema (bare SQL, bare tables)"
APP_CREATE = "create: POST /api/contact-notes"
# The same create through `contactnotes serve` as deployed, with Redis sharing the rate limits: 1 and 2 workers.
SERVE_ONE = "create: POST /api/contact-notes, `serve --workers 1`, Redis"
SERVE_TWO = "create: POST /api/contact-notes, `serve --workers 2`, Redis"
CREATE_BEFORE_SEARCH = "create: POST /api/contact-notes, schema before search"
# --only picks scenarios by these groups.
GROUPS = ("create", "list", "search", "sqlite")


def group_of(scenario: Scenario) -> str:
    return "search" if scenario.name.startswith("search") else scenario.name.split(":", 1)[0]


SEARCH_TWO_WORDS = "search: two words, whole organization"
SEARCH_RARE = "search: a rare word, whole organization"


def scenarios(
    app: str,
    ceiling: str,
    data: BenchData,
    cursor: str,
    depth: int,
    spec: dict,
    cookie: str,
    before: tuple[str, BenchData] | None = None,
    minimal: str | None = None,
    served: tuple[str, str] | None = None,
) -> list[Scenario]:
    tether_body = json.dumps({"contactId": data.big_contact_oid, "note": "@u1 %WORDS%", "mentions": [data.mention_oid]})
    found = [
        Scenario(CEILING, "POST", f"{ceiling}/create", tether_body, server="ceiling"),
        Scenario(FLOOR, "GET", f"{app}/livez", kind="list"),
        Scenario(APP_CREATE, "POST", f"{app}/api/contact-notes", tether_body),
    ]
    if minimal is not None:  # the same ceiling over bare tables (bench/minimal_schema.py): the schema's own cost
        found.append(Scenario(MINIMAL_CEILING, "POST", f"{minimal}/create", tether_body, server="minimal"))
    if before is not None:  # the same create on the same data, the schema as it was before full-text search
        base_app, base_data = before
        base_body = json.dumps(
            {"contactId": base_data.big_contact_oid, "note": "@u1 %WORDS%", "mentions": [base_data.mention_oid]}
        )
        found.append(
            Scenario(CREATE_BEFORE_SEARCH, "POST", f"{base_app}/api/contact-notes", base_body, server="before",
                     token=base_data.token)
        )  # fmt: skip
    if served is not None:  # every core: the deployed command at 1 and 2 workers (CPU: all their processes)
        found += [
            Scenario(SERVE_ONE, "POST", f"{served[0]}/api/contact-notes", tether_body, server="serve1"),
            Scenario(SERVE_TWO, "POST", f"{served[1]}/api/contact-notes", tether_body, server="serve2"),
        ]
    if "/api/ContactNote" in spec["paths"]:
        virtuous_body = json.dumps({"contactId": data.big_contact_id, "note": "%WORDS%", "type": "Call"})
        found.append(Scenario("create: POST /api/ContactNote", "POST", f"{app}/api/ContactNote", virtuous_body))
    base = f"{app}/api/contact-notes?contactId={data.big_contact_oid}&limit=25"
    found += [
        Scenario("list: first page", "GET", base, kind="list"),
        Scenario(f"list: offset {depth}", "GET", f"{base}&offset={depth}", kind="list"),
        Scenario(f"list: cursor at depth {depth}", "GET", f"{base}&cursor={cursor}", kind="list"),
        # The same first 25 notes as the web app's timeline page renders them (HTML, links signed, names).
        Scenario(WEB_TIMELINE, "GET", f"{app}/contacts/{data.big_contact_oid}", kind="list", cookie=cookie),
    ]
    if "/api/contact-notes/search" in spec["paths"]:
        search = f"{app}/api/contact-notes/search?limit=25&q="
        found += [
            Scenario(SEARCH_TWO_WORDS, "GET", search + "tax+review", kind="list"),
            Scenario(SEARCH_RARE, "GET", search + RARE_WORD, kind="list"),
            Scenario("search: two words, one contact", "GET", f"{search}tax+review&contactId={data.big_contact_oid}",
                     kind="list"),
        ]  # fmt: skip
    by_contact = "/api/ContactNote/ByContact/{contactId}"
    if by_contact in spec["paths"]:
        v = f"{app}/api/ContactNote/ByContact/{data.big_contact_id}?sortBy=NoteDate&descending=true&take=25"
        found += [
            Scenario("list: Virtuous ByContact first page", "GET", f"{v}&skip=0", kind="list"),
            Scenario(f"list: Virtuous ByContact skip {depth}", "GET", f"{v}&skip={depth}", kind="list"),
        ]
    return found


def main(
    size: Annotated[str, typer.Option(help="10k, 1m or 10m notes")] = "1m",
    rounds: Annotated[int, typer.Option(help="Alternating rounds; medians are reported")] = 3,
    seconds: Annotated[int, typer.Option(help="Length of each wrk run")] = 8,
    connections: Annotated[int, typer.Option(help="Connections for the throughput runs")] = 32,
    database_prefix: Annotated[
        str, typer.Option(help="Names of the bench databases: <prefix>_<size>, <prefix>_<size>_before_search")
    ] = "contactnotes_bench",
    compare_before_search: Annotated[
        bool, typer.Option(help="Also measure creates on a copy of the data with the schema before search")
    ] = True,
    only: Annotated[
        str, typer.Option(help=f"Comma-separated scenario groups to run: {', '.join(GROUPS)} (default: all)")
    ] = ",".join(GROUPS),
    workers_scaling: Annotated[
        bool, typer.Option(help="Also measure the create through `contactnotes serve` at 1 and 2 workers, with Redis")
    ] = True,
    minimal_ceiling: Annotated[
        bool, typer.Option(help="Also measure the ceiling on a minimal schema (bench/minimal_schema.py)")
    ] = True,
    output: Annotated[
        str | None,
        typer.Option(
            help="Report file name under bench/results/ (default: <date>-<size>.md; <date>-<size>-2.md and on)"
        ),
    ] = None,
    admin_dsn: Annotated[
        str, typer.Option(help="PostgreSQL admin DSN")
    ] = "postgresql://postgres@127.0.0.1:5432/postgres",
    redis_url: Annotated[
        str, typer.Option(help="Redis for the 2-worker run (the workers share rate limits through it)")
    ] = "redis://127.0.0.1:6379/0",
) -> None:
    """Run the benchmark and write bench/results/<date>-<size>.md (bench/reports.py: never over an earlier report;
    or --output); the sqlite group writes its own report, <date>-sqlite-run.md (bench/sqlite_creates.py; --output
    names it when sqlite is the only group)."""
    if size not in SIZES:
        raise typer.BadParameter(f"size must be one of {', '.join(SIZES)}")
    groups = {g.strip() for g in only.split(",") if g.strip()}
    if not groups or groups - set(GROUPS):
        raise typer.BadParameter(f"--only takes groups among {', '.join(GROUPS)}")
    if "sqlite" in groups:  # the embedded database: its own ceiling, 1 and 2 workers, and report
        groups.discard("sqlite")
        own = output if not groups else None  # --output names the SQLite report when it is the only one
        console.print(
            f"report: {sqlite_creates.run(rounds, seconds, connections, redis_url, HERE / 'results' / '.sqlite', own)}"
        )
        if not groups:
            return
    url, data, cursor, depth = asyncio.run(prepare(admin_dsn, size, prefix=database_prefix))
    minimal_dsn: str | None = None
    if minimal_ceiling and "create" in groups:
        minimal_dsn = asyncio.run(
            prepare_minimal(admin_dsn, url.replace("+asyncpg", ""), f"{database_prefix}_{size}_minimal")
        )
    before: tuple[str, BenchData] | None = None
    if compare_before_search and "create" in groups:
        base_url, base_data, _, _ = asyncio.run(
            prepare(admin_dsn, size, prefix=database_prefix, suffix="_before_search")
        )
        asyncio.run(without_search_writes(base_url.replace("+asyncpg", "")))
        before = (base_url, base_data)
    cookie = asyncio.run(web_session(url, data.user_id))
    app_port, ceiling_port = free_port(), free_port()
    # The rate limiters stay on (their cost is part of a request) with limits no benchmark reaches: a run
    # sends more requests in a minute than one user may in an hour.
    limits = {f"CONTACTNOTES_{name}_RATE_LIMIT": str(10**9) for name in ("TETHER_USER", "TETHER_ORG", "VIRTUOUS")}
    env = {**os.environ, **limits, "CONTACTNOTES_DATABASE_URL": url, "CONTACTNOTES_LOG_LEVEL": "warning",
           "BENCH_DSN": url.replace("+asyncpg", "")}  # fmt: skip
    app_cmd = [sys.executable, "-m", "uvicorn", "contactnotes.app:create_app", "--factory", "--port", str(app_port),
               "--no-access-log", "--log-level", "warning"]  # fmt: skip
    ceiling_cmd = [sys.executable, "-m", "uvicorn", "bench.ceiling:app", "--port", str(ceiling_port),
                   "--no-access-log", "--log-level", "warning"]  # fmt: skip
    app_proc = start(app_cmd, env, f"http://127.0.0.1:{app_port}/readyz")
    ceiling_proc = start(ceiling_cmd, env, f"http://127.0.0.1:{ceiling_port}/readyz")
    processes = [app_proc, ceiling_proc]
    pids = {"app": app_proc.pid, "ceiling": ceiling_proc.pid}
    minimal_base: str | None = None
    if minimal_dsn is not None:
        minimal_port = free_port()
        minimal_cmd = [*ceiling_cmd[:-5], "--port", str(minimal_port), "--no-access-log", "--log-level", "warning"]
        processes.append(
            start(minimal_cmd, {**env, "BENCH_DSN": minimal_dsn}, f"http://127.0.0.1:{minimal_port}/readyz")
        )
        pids["minimal"] = processes[-1].pid
        minimal_base = f"http://127.0.0.1:{minimal_port}"
    before_app: tuple[str, BenchData] | None = None
    if before is not None:
        before_port = free_port()
        before_env = {**env, "CONTACTNOTES_DATABASE_URL": before[0]}
        before_cmd = [*app_cmd[:-5], "--port", str(before_port), "--no-access-log", "--log-level", "warning"]
        processes.append(start(before_cmd, before_env, f"http://127.0.0.1:{before_port}/readyz"))
        pids["before"] = processes[-1].pid
        before_app = (f"http://127.0.0.1:{before_port}", before[1])
    served: tuple[str, str] | None = None
    if workers_scaling and "create" in groups:
        bases = []
        for workers in (1, 2):
            port = free_port()
            # 4 connections (and 4 more on demand) a process: with the default 10 (+10), the run's servers together
            # could pass PostgreSQL's 100 connections, and the two-worker server answered errors in every run.
            serve_env = {**env, "CONTACTNOTES_REDIS_URL": redis_url, "CONTACTNOTES_DATABASE_POOL_SIZE": "4"}
            processes.append(
                start(sqlite_creates.serve_command(port, workers), serve_env, f"http://127.0.0.1:{port}/readyz")
            )
            pids[f"serve{workers}"] = processes[-1].pid
            bases.append(f"http://127.0.0.1:{port}")
        served = (bases[0], bases[1])
    results = Results(index=asyncio.run(index_sizes(url.replace("+asyncpg", ""))) if "search" in groups else {})
    # While the servers are idle: one statement's cost, measured in this process.
    results.statement_costs = asyncio.run(statement_cost.measure(url.replace("+asyncpg", ""), data.token))
    try:
        spec = httpx.get(f"http://127.0.0.1:{app_port}/openapi.json", timeout=60).json()  # slow on a loaded machine
        plan = scenarios(
            f"http://127.0.0.1:{app_port}",
            f"http://127.0.0.1:{ceiling_port}",
            data,
            cursor,
            depth,
            spec,
            cookie,
            before_app,
            minimal_base,
            served,
        )
        plan = [scenario for scenario in plan if group_of(scenario) in groups or scenario.name in (CEILING, FLOOR)]
        results.rss_rest_mb = rss_mb(app_proc.pid)
        with RssWatcher(app_proc.pid) as watcher:
            for round_no in range(1, rounds + 1):
                for scenario in plan:  # alternating: every scenario once per round, in turn
                    console.print(f"round {round_no}: {scenario.name} (throughput)")
                    cpu = tree_cpu_seconds(pids[scenario.server])
                    m = wrk(scenario, data.token, connections=connections, seconds=seconds)
                    cpu = tree_cpu_seconds(pids[scenario.server]) - cpu
                    results.throughput.setdefault(scenario.name, []).append(m)
                    results.cpu_ms.setdefault(scenario.name, []).append(1000 * cpu / max(m.requests, 1))
                    results.load.append(load_average())
            # Fixed-rate latency at half the maximum: the ceiling's maximum for creates, each list's own.
            ceiling_max = statistics.median(m.rps for m in results.throughput[plan[0].name])
            for round_no in range(1, rounds + 1):
                for scenario in plan:
                    own_max = statistics.median(m.rps for m in results.throughput[scenario.name])
                    # The SQLite app is its own baseline: no ceiling was measured for it.
                    rate = (ceiling_max if scenario.kind == "create" else own_max) / 2
                    results.rates[scenario.name] = rate
                    lat_connections = 8
                    pause = 1000 * lat_connections / rate
                    console.print(f"round {round_no}: {scenario.name} (latency at {rate:.0f}/s)")
                    m = wrk(scenario, data.token, connections=lat_connections, seconds=seconds, pause_ms=pause)
                    results.latency.setdefault(scenario.name, []).append(m)
                    results.load.append(load_average())
            results.rss_peak_mb = watcher.peak
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
    path = write_report(size, data, depth, connections, seconds, rounds, results, output)
    console.print(f"report: {path}")


def med(values: list[Measure], attr: str) -> float:
    return statistics.median(getattr(m, attr) for m in values)


def machine() -> str:
    mem = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    return f"{os.cpu_count()} cores ({cpu}), {int(mem.split()[1]) // 1024 // 1024} GiB memory, Python {platform.python_version()}"


def write_report(
    size: str,
    data: BenchData,
    depth: int,
    connections: int,
    seconds: int,
    rounds: int,
    r: Results,
    output: str | None = None,
) -> Path:
    names = list(r.throughput)
    ceiling = med(r.throughput[CEILING], "rps")
    minimal = med(r.throughput[MINIMAL_CEILING], "rps") if MINIMAL_CEILING in r.throughput else None
    loads = sorted(r.load) or [load_average()]
    lines = [
        f"# contactnotes benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, size {size}",
        "",
        f"Machine: {machine()}. PostgreSQL, one uvicorn worker for the app and for the ceiling"
        + (
            "; the `serve` rows are `contactnotes serve` as deployed, with Redis for the shared rate limits and 4"
            " (+4) database connections a process."
            if SERVE_TWO in r.throughput
            else "."
        ),
        f"Machine load during the run (1-minute load average, sampled after each wrk run): median "
        f"{statistics.median(loads):.1f}, from {loads[0]:.1f} to {loads[-1]:.1f}, on {os.cpu_count()} cores.",
        f"Data: {data.notes:,} notes over {max(data.notes // 100, 2):,} contacts; the listed contact holds "
        f"{data.notes // 10:,}. Deep pages are at depth {depth:,}.",
        f"Method: wrk, {rounds} alternating rounds of {seconds} s per scenario; medians reported. Throughput at "
        f"{connections} connections; latency at a fixed rate of half the maximum (the ceiling's for creates, the "
        "scenario's own for lists), 8 connections pacing themselves (closed loop: a slow answer delays the next). "
        "CPU: user + system time of the scenario's server processes per answered request during the throughput runs "
        "(uvicorn included; the database's own CPU is not).",
        "",
        "| Scenario | Throughput (req/s) | vs ceiling | vs minimal | CPU ms/req | Errors | Rate for latency (req/s) "
        "| p50 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in names:
        t, lat = r.throughput[name], r.latency[name]
        is_create = name.startswith("create")
        ratio = f"{med(t, 'rps') / ceiling:.2f}x" if is_create else ""
        to_minimal = f"{med(t, 'rps') / minimal:.2f}x" if is_create and minimal else ""
        cpu = f"{statistics.median(r.cpu_ms[name]):.2f}" if r.cpu_ms.get(name) else ""
        errors = sum(m.errors for m in t) + sum(m.errors for m in lat)
        lines.append(
            f"| {name} | {med(t, 'rps'):.0f} | {ratio} | {to_minimal} | {cpu} | {errors} | {r.rates[name]:.0f} | "
            f"{med(lat, 'p50_ms'):.1f} | {med(lat, 'p99_ms'):.1f} | {med(lat, 'max_ms'):.1f} |"
        )
    lines += ["", f"App resident memory: {r.rss_rest_mb:.0f} MB at rest, {r.rss_peak_mb:.0f} MB peak under load.", ""]
    if r.statement_costs:
        lines += [statement_cost.report_line(r.statement_costs), ""]
    lines += index_lines(r.index)
    lines += _target_lines(targets(r, names, ceiling, minimal))
    out = report_path(output, size)
    out.write_text("\n".join(lines) + "\n")
    return out


def mib(value: int) -> str:
    return f"{value / 2**20:,.1f} MiB"


def search_index_ratio(index: dict[str, int]) -> float:
    """What the full-text index costs against the bodies it covers (its GIN index; the stored tsvector column
    it is built from is reported beside it)."""
    return index["gin"] / max(index["body"], 1)


def index_lines(index: dict[str, int]) -> list[str]:
    if not index:
        return []
    body = max(index["body"], 1)
    return [
        f"Search index size: note bodies {mib(index['body'])}; GIN index {mib(index['gin'])} "
        f"({index['gin'] / body:.2f}x); the tsvector column it indexes {mib(index['vector'])} "
        f"({index['vector'] / body:.2f}x; {(index['gin'] + index['vector']) / body:.2f}x with the index). "
        "Also made by search: the trigram index on "
        f"lower(body) {mib(index['trigram'])} ({index['trigram'] / body:.2f}x; it serves Virtuous's substring "
        f"conditions) and ix_notes_org_date {mib(index['org_date'])}.",
        "",
    ]


def targets(
    r: Results, names: list[str], ceiling: float, minimal: float | None = None
) -> list[tuple[str, float, float, str]]:
    """The targets whose scenarios ran (--only may leave some out)."""
    create, first = APP_CREATE, "list: first page"
    cursor = next((n for n in names if n.startswith("list: cursor")), "")

    def p50(name: str) -> float:
        return med(r.latency[name], "p50_ms")

    rows: list[tuple[str, float, float, str]] = []
    if create in r.throughput:
        rows += [
            ("create throughput >= 1.0x ceiling", med(r.throughput[create], "rps") / ceiling, 1.0, ">="),
            ("create errors == 0", sum(m.errors for m in r.throughput[create] + r.latency[create]), 0, "=="),
            ("create p99 <= 25 ms at half the ceiling's rate", med(r.latency[create], "p99_ms"), 25, "<="),
            ("app CPU per create <= 1.5 ms", statistics.median(r.cpu_ms[create]), 1.5, "<="),
        ]
        if minimal:
            rows.append(("create throughput >= 0.5x the minimal-schema ceiling",
                         med(r.throughput[create], "rps") / minimal, 0.5, ">="))  # fmt: skip
        if SERVE_TWO in r.throughput:
            rows.append(("scaling: 2 workers / 1 worker (`contactnotes serve`, Redis)",
                         med(r.throughput[SERVE_TWO], "rps") / med(r.throughput[SERVE_ONE], "rps"), 1.0, ">="))  # fmt: skip
        if CREATE_BEFORE_SEARCH in r.throughput:
            before = med(r.throughput[CREATE_BEFORE_SEARCH], "rps")
            rows.append(
                ("create throughput >= 0.9x before search", med(r.throughput[create], "rps") / before, 0.9, ">=")
            )
    if first in r.latency and cursor:
        rows += [
            ("first page p99 <= 10 ms", med(r.latency[first], "p99_ms"), 10, "<="),
            ("deepest cursor page p99 <= 10 ms", med(r.latency[cursor], "p99_ms"), 10, "<="),
            ("cursor page within 1.2x of first page (p50)", p50(cursor) / max(p50(first), 1e-9), 1.2, "<="),
        ]
        if WEB_TIMELINE in r.latency:
            rows.append(("web timeline page within 1.5x of the JSON first page (p50)",
                         p50(WEB_TIMELINE) / max(p50(first), 1e-9), 1.5, "<="))  # fmt: skip
    rows.append(("resident memory under load <= 150 MB", r.rss_peak_mb, 150, "<="))
    if SEARCH_TWO_WORDS in r.latency:
        rows.append(("search, two words, whole organization: p99 <= 50 ms", med(r.latency[SEARCH_TWO_WORDS], "p99_ms"),
                     50, "<="))  # fmt: skip
        rows.append(("search, a rare word: p99 <= 10 ms", med(r.latency[SEARCH_RARE], "p99_ms"), 10, "<="))
    if r.index:
        rows.append(("search index (GIN) <= 1.5x the bodies", search_index_ratio(r.index), 1.5, "<="))
    return rows


def _target_lines(rows: list[tuple[str, float, float, str]]) -> list[str]:
    lines = ["## Targets", "", "| Target | Measured | Met |", "| --- | ---: | --- |"]
    for label, value, bound, op in rows:
        met = {">=": value >= bound, "<=": value <= bound, "==": value == bound}[op]
        lines.append(f"| {label} | {value:.2f} | {'yes' if met else 'NO'} |")
    return lines


if __name__ == "__main__":
    typer.run(main)
