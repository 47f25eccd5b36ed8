"""What `make run` does, end to end: migrate, demo, serve; then the printed lines, pasted, create a note."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.live import free_port, live_server


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    port = free_port()
    env = {
        "CONTACTNOTES_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'var' / 'contactnotes.db'}",
        "CONTACTNOTES_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }
    cli = [sys.executable, "-m", "contactnotes"]
    full_env = {**os.environ, **env}
    subprocess.run([*cli, "migrate"], env=full_env, check=True, capture_output=True, timeout=120)
    demo = subprocess.run([*cli, "demo"], env=full_env, check=True, capture_output=True, text=True, timeout=120)
    with live_server(env, port) as base:
        yield base, demo.stdout


def test_the_printed_export_lines_and_curl_work_when_pasted(served: tuple[str, str]) -> None:
    base, demo_output = served
    exports = re.findall(r"^export (?:TOKEN|ALICE_TOKEN)=cn_\S+$", demo_output, re.MULTILINE)
    assert len(exports) == 2
    curl = demo_output[demo_output.index("curl ") :].strip()
    pasted = "\n".join([*exports, curl, 'echo; curl -s "$0/api/users/me" -H "Authorization: Bearer $ALICE_TOKEN"'])
    # A clean environment: the exports, not the test's own variables, must supply the tokens.
    result = subprocess.run(
        ["bash", "-c", pasted, base],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
        env={"PATH": os.environ["PATH"]},
    )
    created, alice = (json.loads(line) for line in result.stdout.splitlines())
    assert created["success"] is True and created["message"] == "Contact note created"
    assert created["data"]["userId"]["fullName"] == "Cory Tan"
    assert created["data"]["mentions"] == ["65b1f0a2c3d4e5f6a7b8c9d0"]
    assert alice["data"]["email"] == "alice@example.com"

    assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
    spec = httpx.get(f"{base}/openapi.json").json()
    assert "/api/contact-notes" in spec["paths"]
    assert httpx.get(f"{base}/docs").status_code == 200


def test_the_printed_web_sign_ins_work(served: tuple[str, str]) -> None:
    base, demo_output = served
    assert f"web app: {base}/" in demo_output
    logins = re.findall(r"sign in as (\S+@\S+) with password (\S+)", demo_output)
    assert [email for email, _ in logins] == ["cory@example.com", "alice@example.com"]
    for email, password in logins:
        with httpx.Client(base_url=base) as browser:
            form = browser.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
            assert token
            signed = browser.post("/login", data={"csrf_token": token.group(1), "email": email, "password": password})
            assert signed.status_code == 303, signed.text
            home = browser.get("/")
            assert home.status_code == 200 and "Latest notes" in home.text
