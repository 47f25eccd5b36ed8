"""Direct uploads: presign, send the bytes to the store (S3 presigned POST, or a signed PUT here), complete."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx

from contactnotes.attachments.files import Files
from contactnotes.settings import Settings
from tests.attachments.conftest import TEST_MAX_BYTES, fetch, stored_keys
from tests.attachments.helpers import as_attachment, assert_tether_error, create_note
from tests.factories import World
from tests.files import HTML, pdf_bytes


async def presign(client: httpx.AsyncClient, world: World, name: str, size: int) -> dict[str, Any]:
    response = await client.post("/api/uploads/presign", json={"name": name, "size": size}, headers=world.alice.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def send(client: httpx.AsyncClient, grant: dict[str, Any], content: bytes) -> httpx.Response:
    if grant["method"] == "PUT":
        return await client.put(grant["url"], content=content)
    async with httpx.AsyncClient() as outside:
        return await outside.post(grant["url"], data=grant["fields"], files={"file": ("upload", content)})


class TestDirectUpload:
    async def test_presign_send_complete_attach_download(
        self, client: httpx.AsyncClient, world: World, storage_backend: str
    ) -> None:
        content = pdf_bytes(300_000)
        grant = await presign(client, world, "large scan.pdf", len(content))
        assert grant["method"] == ("PUT" if storage_backend == "local" else "POST")
        assert grant["key"].startswith(f"orgs/{world.acme.oid}/uploads/")
        assert grant["maxSize"] == TEST_MAX_BYTES

        early = await create_note(client, world.alice, world.contact.oid, [{**_attachment(grant), "size": 1}])
        assert_tether_error(early, 400, "attachments[0].key")  # not completed yet

        sent = await send(client, grant, content)
        assert sent.status_code in {200, 201, 204}, sent.text
        completed = await client.post("/api/uploads/complete", json={"key": grant["key"]}, headers=world.alice.headers)
        assert completed.status_code == 200, completed.text
        stored = completed.json()
        assert (stored["type"], stored["size"], stored["name"]) == ("application/pdf", len(content), "large scan.pdf")

        note = await create_note(client, world.alice, world.contact.oid, [as_attachment(stored)])
        assert note.status_code == 201, note.text
        link = note.json()["data"]["attachments"][0]["signedUrl"]
        assert (await fetch(client, link)).content == content

    async def test_complete_refuses_bytes_of_a_type_outside_the_allowlist_and_removes_them(
        self, client: httpx.AsyncClient, world: World, files: Files
    ) -> None:
        grant = await presign(client, world, "report.pdf", len(HTML))
        assert (await send(client, grant, HTML)).status_code in {200, 201, 204}
        response = await client.post("/api/uploads/complete", json={"key": grant["key"]}, headers=world.alice.headers)
        assert_tether_error(response, 400, "key")
        assert await stored_keys(files) == []

    async def test_complete_before_sending_is_400(self, client: httpx.AsyncClient, world: World) -> None:
        grant = await presign(client, world, "later.pdf", 1000)
        response = await client.post("/api/uploads/complete", json={"key": grant["key"]}, headers=world.alice.headers)
        assert_tether_error(response, 400, "key")

    async def test_another_organization_cannot_complete_a_key(self, client: httpx.AsyncClient, world: World) -> None:
        grant = await presign(client, world, "mine.pdf", 1000)
        await send(client, grant, pdf_bytes(1000))
        response = await client.post("/api/uploads/complete", json={"key": grant["key"]}, headers=world.carol.headers)
        body = assert_tether_error(response, 400, "key")
        unknown = await client.post(
            "/api/uploads/complete", json={"key": grant["key"] + "x"}, headers=world.carol.headers
        )
        assert body["errors"][0]["message"].replace(grant["key"], "") == assert_tether_error(unknown, 400)["errors"][0][
            "message"
        ].replace(grant["key"] + "x", "")

    async def test_a_declared_size_over_the_cap_is_413(self, client: httpx.AsyncClient, world: World) -> None:
        response = await client.post(
            "/api/uploads/presign", json={"name": "huge.pdf", "size": TEST_MAX_BYTES + 1}, headers=world.alice.headers
        )
        assert_tether_error(response, 413, "size")

    async def test_bytes_over_the_cap_are_refused_by_the_receiver(
        self, client: httpx.AsyncClient, world: World, files: Files, settings: Settings
    ) -> None:
        grant = await presign(client, world, "liar.pdf", 1000)
        sent = await send(client, grant, pdf_bytes(settings.upload_max_bytes + 1))
        assert sent.status_code in {400, 413}, sent.text  # SeaweedFS: 400 EntityTooLarge; here: 413
        assert await stored_keys(files) == []


class TestSingleUseGrant:
    """A grant takes one file, and `complete` checks the bytes that will be served: a write through the same
    grant that is still arriving, or that comes after, cannot swap a checked PDF for HTML."""

    async def test_a_write_still_arriving_when_complete_checks_cannot_replace_the_checked_file(
        self, client: httpx.AsyncClient, world: World, storage_backend: str
    ) -> None:
        content = pdf_bytes(5000)
        grant = await presign(client, world, "scan.pdf", len(content))
        late: asyncio.Task[httpx.Response] | None = None
        go_on = asyncio.Event()
        if storage_backend == "local":
            # A second PUT through the same link starts first and is still sending when the PDF is checked.
            started = asyncio.Event()

            async def html_slowly() -> AsyncIterator[bytes]:
                started.set()
                yield HTML[:20]
                await go_on.wait()
                yield HTML[20:]

            late = asyncio.create_task(client.put(grant["url"], content=html_slowly()))
            await asyncio.wait_for(started.wait(), 10)
            await asyncio.sleep(0.2)  # the late PUT is inside the app, reading its body
        first = await asyncio.wait_for(send(client, grant, content), 20)
        assert first.status_code in {200, 201, 204}, first.text
        completed = await client.post("/api/uploads/complete", json={"key": grant["key"]}, headers=world.alice.headers)
        assert completed.status_code == 200, completed.text
        assert completed.json()["type"] == "application/pdf"

        if late is not None:
            go_on.set()
            assert_tether_error(await asyncio.wait_for(late, 20), 409, "key")  # the grant was used up
            assert_tether_error(await client.put(grant["url"], content=HTML), 409, "key")
        else:
            # A presigned POST can be replayed until it expires; the store takes it, but only as the staging
            # copy, which nothing serves.
            replayed = await send(client, grant, HTML)
            assert replayed.status_code in {200, 201, 204}, replayed.text
        again = await client.post("/api/uploads/complete", json={"key": grant["key"]}, headers=world.alice.headers)
        assert again.status_code == 200 and again.json()["type"] == "application/pdf", again.text

        note = await create_note(client, world.alice, world.contact.oid, [as_attachment(completed.json())])
        assert note.status_code == 201, note.text
        served = await fetch(client, note.json()["data"]["attachments"][0]["signedUrl"])
        assert served.content == content

    async def test_a_second_put_after_the_first_is_refused_before_complete(
        self, client: httpx.AsyncClient, world: World, storage_backend: str
    ) -> None:
        grant = await presign(client, world, "scan.pdf", 5000)
        assert (await send(client, grant, pdf_bytes(5000))).status_code in {200, 201, 204}
        if storage_backend == "local":
            assert_tether_error(await client.put(grant["url"], content=HTML), 409, "key")
        else:
            await send(client, grant, HTML)  # lands on the staging copy; complete checks what it then moves
        completed = await client.post("/api/uploads/complete", json={"key": grant["key"]}, headers=world.alice.headers)
        if storage_backend == "local":
            assert completed.status_code == 200 and completed.json()["type"] == "application/pdf", completed.text
        else:
            assert_tether_error(completed, 400, "key")  # the HTML that was there is refused, and removed


def _attachment(grant: dict[str, Any]) -> dict[str, Any]:
    return {"key": grant["key"], "name": "x.pdf", "size": 1, "type": "application/pdf"}
