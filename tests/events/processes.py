"""Running real `contactnotes` processes (workers, servers) against a test database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).parents[2]


def environment(database_url: str, **overrides: object) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTACTNOTES_")}
    env.update(
        PYTHONPATH=str(ROOT / "src"),
        CONTACTNOTES_DATABASE_URL=database_url,
        CONTACTNOTES_WEBHOOKS_ALLOW_PRIVATE_URLS="true",
        CONTACTNOTES_WORKER_POLL_SECONDS="0.1",
        CONTACTNOTES_WEBHOOK_BACKOFF_BASE_SECONDS="0.1",
        CONTACTNOTES_LOG_LEVEL="warning",
    )
    env.update({f"CONTACTNOTES_{k.upper()}": str(v) for k, v in overrides.items()})
    return env


def start_worker(database_url: str, **overrides: object) -> subprocess.Popen[bytes]:
    """A `contactnotes worker` process, returned once it says it is ready (its SIGTERM handler is in place)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "contactnotes", "worker"],
        cwd=ROOT,
        env=environment(database_url, **overrides),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    assert b"worker ready" in line, line + process.stderr.read()
    # Keep draining stderr so a chatty worker never blocks on a full pipe.
    threading.Thread(target=process.stderr.read, daemon=True).start()
    return process


def stop(process: subprocess.Popen[bytes], timeout: float = 60) -> int:
    """SIGTERM, then wait for a clean exit; returns the exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise


def stop_all(processes: list[subprocess.Popen[bytes]], timeout: float = 120) -> list[int]:
    """SIGTERM every process at once, then wait for each; any still running after the timeout is killed."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    codes = []
    for process in processes:
        try:
            codes.append(process.wait(timeout))
        except subprocess.TimeoutExpired:
            process.kill()
            codes.append(process.wait())
    return codes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(database_url: str, **overrides: object) -> Iterator[str]:
    """`contactnotes serve` on a free loopback port; yields its base URL once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "contactnotes", "serve", "--port", str(port)],
        cwd=ROOT,
        env=environment(database_url, **overrides),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a bound for a loaded test machine, not a measurement
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()  # a server still starting keeps its stderr open: reading it would wait forever
                _, errors = process.communicate(timeout=10)
                raise AssertionError(f"server did not start: {errors.decode() if errors else ''}")
            time.sleep(0.1)
        yield base
    finally:
        stop(process, timeout=30)
