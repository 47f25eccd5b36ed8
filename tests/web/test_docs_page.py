"""The API documentation page, as a browser shows it: rendered from local assets under a strict CSP."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from contactnotes.db import migrate
from tests.live import live_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium is not installed at {CHROMIUM} (make test installs it)")
    url = f"sqlite+aiosqlite:///{tmp_path / 'docs.db'}"
    migrate.upgrade(url)  # a server is ready only on a database at the latest schema
    with live_server({"CONTACTNOTES_DATABASE_URL": url}) as base:
        yield base


def test_the_docs_page_renders_every_operation_without_csp_violations(server: str, tmp_path: Path) -> None:
    problems: list[str] = []
    outside_requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("request", lambda r: outside_requests.append(r.url) if not r.url.startswith(server) else None)
            response = page.goto(f"{server}/docs")
            assert response is not None and response.ok
            assert "nonce-" in response.headers["content-security-policy"]
            page.wait_for_selector(".opblock", timeout=15_000)
            text = page.inner_text("body")
            page.screenshot(path=str(tmp_path / "docs.png"))
        finally:
            browser.close()
    assert "contactnotes" in text and "/api/contact-notes" in text
    assert not [p for p in problems if "Content Security Policy" in p], problems
    assert outside_requests == []  # no CDN: the page works on a closed network
