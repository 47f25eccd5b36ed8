"""What `make run` does, end to end: migrate, demo, serve; then the printed curl creates a note."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "CONTACTNOTES_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'var' / 'contactnotes.db'}",
        "CONTACTNOTES_PUBLIC_BASE_URL": base,
    }
    cli = [sys.executable, "-m", "contactnotes"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True, timeout=120)
    demo = subprocess.run([*cli, "demo"], env=env, check=True, capture_output=True, text=True, timeout=120)
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not become ready"
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            time.sleep(0.2)
        yield base, demo.stdout
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_printed_curl_creates_a_note(served: tuple[str, str]) -> None:
    base, demo_output = served
    curl = demo_output[demo_output.index("curl ") :].strip()
    result = subprocess.run(["bash", "-c", curl], capture_output=True, text=True, timeout=30, check=True)
    body = json.loads(result.stdout)
    assert body["success"] is True and body["message"] == "Contact note created"
    assert body["data"]["userId"]["fullName"] == "Cory Tan"
    assert body["data"]["mentions"] == ["65b1f0a2c3d4e5f6a7b8c9d0"]

    token = re.search(r"^(cn_\S+)$", demo_output, re.MULTILINE)
    assert token
    assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
    spec = httpx.get(f"{base}/openapi.json").json()
    assert "/api/contact-notes" in spec["paths"]
    assert httpx.get(f"{base}/docs").status_code == 200
