"""A live server with two organizations whose people can sign in, and helpers to drive it from Chromium."""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
import struct
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
from playwright.sync_api import BrowserContext, Page

from contactnotes.db import migrate
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.settings import Settings
from contactnotes.users import service as users
from tests.factories import World, build_world
from tests.live import free_port, live_server

T = TypeVar("T")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
AXE = Path(__file__).parent / "vendor" / "axe-4.10.3.min.js"
PASSWORD = {"ada": "ada-password-1", "alice": "alice-password-1", "bob": "bob-password-1", "carol": "carol-pass-1"}
UPLOAD_MAX_BYTES = 300_000
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


@dataclass
class Site:
    """The served app and the people in it."""

    url: str
    world: World
    database_url: str
    var_dir: Path | None = None  # the server's files and link keys (a worker run by a test uses the same)

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)

    def contact(self, persona: str, name: str, email: str | None = None) -> str:
        """A new contact in the persona's organization (through the JSON API); its ObjectId."""
        with self.api() as http:
            body = {"displayName": name, **({"email": email} if email else {})}
            response = http.post("/api/contacts", json=body, headers=getattr(self.world, persona).headers)
            assert response.status_code == 201, response.text
            return str(response.json()["data"]["_id"])

    def note(self, persona: str, contact_oid: str, **fields: Any) -> dict[str, Any]:
        with self.api() as http:
            response = http.post(
                "/api/contact-notes",
                json={"contactId": contact_oid, "note": "n", **fields},
                headers=getattr(self.world, persona).headers,
            )
            assert response.status_code == 201, response.text
            data: dict[str, Any] = response.json()["data"]
            return data

    def upload(self, persona: str, name: str, content: bytes) -> dict[str, Any]:
        with self.api() as http:
            response = http.post(
                "/api/upload", files=[("files", (name, content))], headers=getattr(self.world, persona).headers
            )
            assert response.status_code == 200, response.text
            uploaded: dict[str, Any] = response.json()["files"][0]
            return uploaded


async def _people(database_url: str, var_dir: Path) -> World:
    settings = Settings(database_url=database_url, var_dir=var_dir, _env_file=None)  # type: ignore[call-arg]
    database = Database(settings)
    try:
        world = await build_world(database)
        async with unit_of_work(database) as session:
            for name, password in PASSWORD.items():
                await users.set_password(session, getattr(world, name).user.email, password)
        return world
    finally:
        await database.dispose()


def in_thread(function: Callable[..., T], *args: Any) -> T:
    """Run set-up that needs its own event loop: Playwright's sync API keeps one running in this thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(function, *args).result()


def _prepared(database_url: str, var_dir: Path) -> World:
    migrate.upgrade(database_url)
    return asyncio.run(_people(database_url, var_dir))


def server_env(database_url: str, var_dir: Path, port: int, **settings: str) -> dict[str, str]:
    """The environment of a served app on this port (settings: more CONTACTNOTES_ variables, by suffix)."""
    env = {
        "CONTACTNOTES_DATABASE_URL": database_url,
        "CONTACTNOTES_VAR_DIR": str(var_dir),
        "CONTACTNOTES_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "CONTACTNOTES_UPLOAD_MAX_BYTES": str(UPLOAD_MAX_BYTES),
        "CONTACTNOTES_EMBEDDED_WORKER": "false",
        **{f"CONTACTNOTES_{name.upper()}": value for name, value in settings.items()},
        # Webhooks to a receiver the test starts on this machine.
        "CONTACTNOTES_WEBHOOKS_ALLOW_PRIVATE_URLS": "true",
    }
    return {**env, **{k: v for k, v in os.environ.items() if k == "PATH"}}


@contextmanager
def running_site(database_url: str, var_dir: Path) -> Iterator[Site]:
    world = in_thread(_prepared, database_url, var_dir)
    port = free_port()
    env = server_env(database_url, var_dir, port)
    with live_server(env, port) as url:
        yield Site(url, world, database_url, var_dir)


def sign_in(context: BrowserContext, site: Site, persona: str, url: str | None = None) -> Page:
    """A new page of the context, signed in as the persona (on another server of the site's database: url)."""
    page = context.new_page()
    url = url or site.url
    page.goto(f"{url}/login")
    page.get_by_label("Email").fill(getattr(site.world, persona).user.email)
    page.get_by_label("Password").fill(PASSWORD[persona])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/")
    return page


def png_bytes(width: int = 24, height: int = 16, seed: int = 0) -> bytes:
    """A real PNG (libmagic and Chromium both read it): a small gradient."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(
        b"\x00" + b"".join(bytes(((x * 10 + seed) % 256, (y * 15) % 256, 160)) for x in range(width))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def drop_files(page: Page, selector: str, files: list[tuple[str, str, bytes]]) -> None:
    """Drop files (name, type, bytes) on an element, as a person dragging them from their desktop does."""
    payload = [(name, kind, base64.b64encode(content).decode()) for name, kind, content in files]
    transfer = page.evaluate_handle(
        """(files) => {
            const transfer = new DataTransfer();
            for (const [name, type, data] of files) {
                const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
                transfer.items.add(new File([bytes], name, { type }));
            }
            return transfer;
        }""",
        payload,
    )
    page.dispatch_event(selector, "dragover", {"dataTransfer": transfer})
    page.dispatch_event(selector, "drop", {"dataTransfer": transfer})


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())  # through the DevTools protocol: the page's CSP does not apply to it
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


def paste_file(page: Page, selector: str, name: str, kind: str, content: bytes) -> None:
    """Paste a file into an element, as after copying an image to the clipboard."""
    page.eval_on_selector(
        selector,
        """(element, [name, type, data]) => {
            const transfer = new DataTransfer();
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            transfer.items.add(new File([bytes], name, { type }));
            const init = { clipboardData: transfer, bubbles: true, cancelable: true };
            element.dispatchEvent(new ClipboardEvent("paste", init));
        }""",
        [name, kind, base64.b64encode(content).decode()],
    )
