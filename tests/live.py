"""Running the real server in a separate process, as a user would, for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path  # the server's stderr, for diagnosing a failure

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def start_server(env: dict[str, str], port: int | None = None) -> Server:
    """`contactnotes serve` on a loopback port, returned once /readyz answers."""
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    log = Path(tempfile.mkstemp(prefix="contactnotes-server-", suffix=".log")[1])
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "contactnotes", "serve", "--port", str(port)],
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return Server(base, process, log)
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            raise RuntimeError(log.read_text(errors="replace"))
        if time.monotonic() > deadline:
            stop_server(Server(base, process, log))
            raise RuntimeError("server did not become ready")
        time.sleep(0.2)


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@contextmanager
def live_server(env: dict[str, str], port: int | None = None) -> Iterator[str]:
    """A served app for the block; yields its base URL."""
    server = start_server(env, port)
    try:
        yield server.url
    finally:
        stop_server(server)
