"""Slow clients: an upload body that trickles in holds no database connection, is bounded in time (408),
and one user or one upload link may have only so many uploads in flight (429).

The limits are the transport's and the attachments service's, whatever the store, so this runs on local files.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from contactnotes.app import create_app
from contactnotes.attachments.files import Files
from contactnotes.db.engine import Database
from contactnotes.settings import Settings
from tests.attachments.conftest import BASE_URL, stored_keys
from tests.attachments.helpers import assert_tether_error
from tests.factories import Persona, World
from tests.files import PDF_HEAD, PDF_TAIL, pdf_bytes
from tests.live import start_server, stop_server

pytestmark = pytest.mark.parametrize("storage_backend", ["local"])

BOUNDARY = "slow-client-boundary"
PART_HEAD = (
    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="slow.pdf"\r\n'
    "Content-Type: application/pdf\r\n\r\n"
).encode() + PDF_HEAD
PART_TAIL = PDF_TAIL + f"\r\n--{BOUNDARY}--\r\n".encode()
MULTIPART = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


@asynccontextmanager
async def app_client(settings: Settings, database: Database, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update=overrides), database)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as http:
        yield http
    await app.state.files.close()


def parked(head: bytes, tail: bytes, go_on: asyncio.Event) -> AsyncIterator[bytes]:
    """A body that sends its start, then waits for `go_on` before the rest (a client that stalls)."""

    async def body() -> AsyncIterator[bytes]:
        yield head
        await go_on.wait()
        yield tail

    return body()


async def within(request: Awaitable[httpx.Response]) -> httpx.Response:
    """The answer to a request whose body never finishes: the server must cut it (the test's bound is far
    above the deadline under test, so a loaded machine does not make it fail)."""
    try:
        return await asyncio.wait_for(request, 20)
    except TimeoutError:
        raise AssertionError("the server kept waiting for a body that never came") from None


async def presign(client: httpx.AsyncClient, persona: Persona) -> dict[str, Any]:
    response = await client.post("/api/uploads/presign", json={"name": "a.pdf", "size": 5000}, headers=persona.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


class TestBodyDeadline:
    async def test_an_upload_body_slower_than_the_minimum_rate_is_408_and_nothing_is_kept(
        self, settings: Settings, database: Database, world: World, files: Files
    ) -> None:
        never = asyncio.Event()
        async with app_client(settings, database, request_body_grace_seconds=0.5, request_body_min_rate=10**6) as c:
            started = time.monotonic()
            upload = await within(
                c.post(
                    "/api/upload",
                    content=parked(PART_HEAD, PART_TAIL, never),
                    headers={**world.alice.headers, **MULTIPART},
                )
            )
            assert_tether_error(upload, 408, "body")
            assert upload.headers["connection"] == "close"
            grant = await presign(c, world.alice)
            put = await within(c.put(grant["url"], content=parked(PDF_HEAD, PDF_TAIL, never)))
            assert_tether_error(put, 408, "body")
            assert time.monotonic() - started < 30  # cut by the deadline, not by the test's patience
        assert await stored_keys(files, "") == []

    async def test_a_json_body_is_bounded_too(self, settings: Settings, database: Database, world: World) -> None:
        never = asyncio.Event()
        async with app_client(settings, database, request_body_grace_seconds=0.5, request_body_min_rate=10**6) as c:
            created = await within(
                c.post(
                    "/api/contact-notes",
                    content=parked(b'{"contactId": "', b'"}', never),
                    headers={**world.alice.headers, "Content-Type": "application/json"},
                )
            )
            assert_tether_error(created, 408, "body")

    async def test_a_body_at_the_minimum_rate_is_taken(
        self, settings: Settings, database: Database, world: World
    ) -> None:
        async def steady() -> AsyncIterator[bytes]:
            yield PART_HEAD
            for _ in range(4):
                await asyncio.sleep(0.25)
                yield b"% steady\n" * 200  # 1,800 bytes every quarter second: over 1,000 a second
            yield PART_TAIL

        async with app_client(settings, database, request_body_grace_seconds=0.5, request_body_min_rate=1000) as c:
            upload = await c.post("/api/upload", content=steady(), headers={**world.alice.headers, **MULTIPART})
            assert upload.status_code == 200, upload.text


class TestInFlight:
    async def test_one_user_has_at_most_the_limit_of_uploads_in_flight(
        self, settings: Settings, database: Database, world: World
    ) -> None:
        go_on = asyncio.Event()
        async with app_client(settings, database, upload_max_in_flight=1) as c:
            headers = {**world.alice.headers, **MULTIPART}
            first = asyncio.create_task(
                c.post("/api/upload", content=parked(PART_HEAD, PART_TAIL, go_on), headers=headers)
            )
            await asyncio.sleep(0.3)  # the first upload is in flight, its body not finished
            second = await c.post("/api/upload", content=PART_HEAD + PART_TAIL, headers=headers)
            if second.status_code != 429:
                go_on.set()
            assert_tether_error(second, 429)
            assert int(second.headers["Retry-After"]) > 0
            bobs = await c.post(
                "/api/upload", content=PART_HEAD + PART_TAIL, headers={**world.bob.headers, **MULTIPART}
            )
            assert bobs.status_code == 200, bobs.text  # the limit is per user
            go_on.set()
            assert (await asyncio.wait_for(first, 20)).status_code == 200
            again = await c.post("/api/upload", content=PART_HEAD + PART_TAIL, headers=headers)
            assert again.status_code == 200, again.text  # the slot was given back

    async def test_one_upload_link_has_at_most_the_limit_of_puts_in_flight(
        self, settings: Settings, database: Database, world: World
    ) -> None:
        go_on = asyncio.Event()
        async with app_client(settings, database, upload_max_in_flight=1) as c:
            grant = await presign(c, world.alice)
            first = asyncio.create_task(c.put(grant["url"], content=parked(PDF_HEAD, PDF_TAIL, go_on)))
            await asyncio.sleep(0.3)
            second = await c.put(grant["url"], content=pdf_bytes(5000))
            if second.status_code != 429:
                go_on.set()
            assert_tether_error(second, 429)
            other = await presign(c, world.alice)
            assert (await c.put(other["url"], content=pdf_bytes(5000))).status_code == 200  # per link
            go_on.set()
            assert (await asyncio.wait_for(first, 20)).status_code == 200


# ---- against a real server ----------------------------------------------------------------------------

SLOW_UPLOADS = 3  # POST /api/upload bodies trickling in
SLOW_PUTS = 3  # PUTs through one presigned link, trickling in
POOL_SIZE = 2  # PostgreSQL: pool of 2 plus 2 overflow, fewer connections than slow clients
ANSWER_WITHIN = 5.0  # seconds; generous: it answers in milliseconds when nothing is held


async def trickle(
    base: str, method: str, target: str, headers: dict[str, str], head: bytes, stop: asyncio.Event
) -> bool:
    """Send a request whose body never finishes: its start, then a byte every tenth of a second until `stop`.
    True if the server was still waiting for the body when told to stop."""
    url = urlsplit(base)
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    lines = [f"{method} {target} HTTP/1.1", f"Host: {url.netloc}", "Content-Length: 1000000"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + head)
    try:
        while not stop.is_set():
            writer.write(b" ")
            await writer.drain()
            await asyncio.sleep(0.1)
        try:
            await asyncio.wait_for(reader.read(1), 0.05)
        except TimeoutError:
            return True  # no answer yet, connection open
        return False
    finally:
        writer.close()


async def test_slow_upload_bodies_do_not_stall_other_requests(settings: Settings, world: World, tmp_path: Path) -> None:
    env = {
        "CONTACTNOTES_DATABASE_URL": settings.database_url,
        "CONTACTNOTES_DATABASE_POOL_SIZE": str(POOL_SIZE),
        "CONTACTNOTES_VAR_DIR": str(tmp_path / "server"),
        "CONTACTNOTES_EMBEDDED_WORKER": "false",
        "CONTACTNOTES_LOG_LEVEL": "warning",
    }
    server = start_server(env)
    stop = asyncio.Event()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=ANSWER_WITHIN) as http:
            presigned = await http.post(
                "/api/uploads/presign", json={"name": "a.pdf", "size": 5000}, headers=world.alice.headers
            )
            assert presigned.status_code == 200, presigned.text
            link = urlsplit(presigned.json()["url"])
            slow = [
                *(
                    trickle(server.url, "POST", "/api/upload", {**world.alice.headers, **MULTIPART}, PART_HEAD, stop)
                    for _ in range(SLOW_UPLOADS)
                ),
                *(
                    trickle(server.url, "PUT", f"{link.path}?{link.query}", {}, PDF_HEAD, stop)
                    for _ in range(SLOW_PUTS)
                ),
            ]
            trickling = [asyncio.create_task(client) for client in slow]
            await asyncio.sleep(1.0)  # every slow request is in the app, reading its body

            started = time.monotonic()
            me = await http.get("/api/users/me", headers=world.bob.headers)
            read_in = time.monotonic() - started
            assert me.status_code == 200, me.text
            note = await http.post(
                "/api/contact-notes", json={"contactId": world.contact.oid, "note": "while uploads trickle"},
                headers=world.bob.headers,
            )  # fmt: skip
            assert note.status_code == 201, note.text
            assert read_in < ANSWER_WITHIN

            stop.set()
            still_waiting = await asyncio.gather(*trickling)
            assert all(still_waiting), "a slow upload was answered early: the test did not measure under load"
    except httpx.TimeoutException as timeout:
        raise AssertionError(f"a request waited more than {ANSWER_WITHIN} s behind slow uploads") from timeout
    finally:
        stop.set()
        stop_server(server)
