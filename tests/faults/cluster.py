"""A throw-away PostgreSQL cluster for tests that break the database.

The machine's PostgreSQL server is shared (other checkouts, other users): a test that stops a server must own
it. This one lives in a temporary folder on its own port and is removed afterwards, even when the test fails.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from tests.live import free_port


def postgres_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's programs (Debian keeps them out of PATH), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@dataclass
class Cluster:
    bin_dir: Path
    root: Path  # owned by the OS user running the server; holds data, socket and log
    port: int

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def admin_url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, program: str, *args: str, timeout: float = 120) -> None:
        command = [str(self.bin_dir / program), *args]
        # initdb and the server refuse to run as root: run them as the postgres OS user.
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=timeout)

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root}"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


def _ensure_stopped(cluster: Cluster) -> None:
    pid_file = cluster.data / "postmaster.pid"
    if not pid_file.exists():
        return
    try:
        cluster.stop("immediate")
    except (subprocess.SubprocessError, OSError):
        # pg_ctl failed: end the postmaster itself, so no server outlives its deleted folder.
        with suppress(OSError, ValueError, IndexError):
            os.kill(int(pid_file.read_text().splitlines()[0]), signal.SIGQUIT)


@contextmanager
def throwaway_cluster(bin_dir: Path) -> Iterator[Cluster]:
    """A fresh, running cluster (user postgres, trust on loopback); stopped and deleted on exit."""
    root = Path(tempfile.mkdtemp(prefix="contactnotes-pg-"))
    try:
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
        cluster = Cluster(bin_dir, root, free_port())
        cluster._run(
            "initdb", "-D", str(cluster.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", timeout=180
        )
        cluster.start()
        try:
            yield cluster
        finally:
            _ensure_stopped(cluster)
    finally:
        shutil.rmtree(root, ignore_errors=True)
