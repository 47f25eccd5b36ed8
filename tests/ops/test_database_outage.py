"""A live server whose PostgreSQL stops: /livez stays 200, /readyz turns 503 naming the database, quickly;
and it is ready again once the database is back. The database is a throw-away cluster of this test's own
(initdb into a temporary folder, its own port): the shared server is never touched."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from contactnotes.db import migrate
from tests.live import free_port, start_server, stop_server

BIN = Path("/usr/lib/postgresql/15/bin")


def as_postgres(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True, text=True)


class Cluster:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="contactnotes-pg-"))
        self.port = free_port()
        shutil.chown(self.dir, "postgres", "postgres")
        as_postgres(str(BIN / "initdb"), "-D", str(self.dir / "data"), "-U", "postgres", "--auth=trust")

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        as_postgres(
            str(BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-o", options, "-w", "-l", str(self.dir / "log"), "start"
        )

    def stop(self) -> None:
        as_postgres(str(BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if not (BIN / "initdb").exists() or shutil.which("runuser") is None:
        pytest.skip("PostgreSQL 15's server binaries are needed for a throw-away cluster")
    made = Cluster()
    made.start()
    try:
        yield made
    finally:
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                str(BIN / "pg_ctl"),
                "-D",
                str(made.dir / "data"),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
        )
        shutil.rmtree(made.dir, ignore_errors=True)


def test_readyz_names_the_stopped_database_and_recovers(cluster: Cluster, tmp_path: Path) -> None:
    migrate.upgrade(cluster.url)
    server = start_server({"CONTACTNOTES_DATABASE_URL": cluster.url, "CONTACTNOTES_VAR_DIR": str(tmp_path)})
    try:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            assert client.get("/readyz").status_code == 200
            cluster.stop()
            started = time.perf_counter()
            ready = client.get("/readyz")
            took = time.perf_counter() - started
            assert ready.status_code == 503
            assert ready.json()["failed"] == ["database", "migrations"]
            assert ready.json()["checks"]["database"].startswith("unreachable")
            assert client.get("/livez").status_code == 200
            print(f"/readyz with the database stopped: 503 in {took * 1000:.1f} ms")

            cluster.start()
            deadline = time.monotonic() + 30
            while client.get("/readyz").status_code != 200:
                assert time.monotonic() < deadline, "not ready again after the database came back"
                time.sleep(0.2)
    finally:
        stop_server(server)
