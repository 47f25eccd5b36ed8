"""POST /api/upload: streamed multipart, server-made keys, limits, sniffed types; on both storage backends."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import func, select

from contactnotes.attachments.files import Files
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.models import Upload
from contactnotes.settings import Settings
from tests.attachments.conftest import TEST_MAX_BYTES, fetch, stored_keys
from tests.attachments.helpers import assert_tether_error, upload
from tests.factories import World
from tests.files import HTML, SVG, pdf_bytes


async def count_uploads(database: Database) -> int:
    async with unit_of_work(database) as session:
        return int(await session.scalar(select(func.count()).select_from(Upload)) or 0)


class TestUpload:
    async def test_a_pdf_is_stored_under_a_server_made_key_and_its_link_gives_the_same_bytes(
        self, client: httpx.AsyncClient, world: World, files: Files
    ) -> None:
        content = pdf_bytes(121_200)
        response = await client.post(
            "/api/upload",
            files={"files": ("../../W2 form (2025).pdf", content, "text/html")},
            headers=world.alice.headers,
        )

        assert response.status_code == 200, response.text
        [stored] = response.json()["files"]
        assert set(stored) == {"key", "type", "name", "size", "signedUrl", "bucket"}
        assert re.fullmatch(
            rf"orgs/{world.acme.oid}/uploads/\d{{4}}-\d\d-\d\d/[0-9a-f]{{16}}-W2-form-2025.pdf", stored["key"]
        ), stored["key"]
        assert stored["name"] == "W2 form (2025).pdf"  # the user's name is metadata, without the path
        assert stored["type"] == "application/pdf"  # sniffed from the bytes, not the claimed text/html
        assert stored["size"] == len(content)
        assert stored["bucket"] == files.store.bucket
        assert await stored_keys(files) == [stored["key"]]

        download = await fetch(client, stored["signedUrl"])
        assert download.status_code == 200
        assert download.content == content
        assert download.headers["content-type"] == "application/pdf"
        assert download.headers["content-disposition"].startswith("attachment;")

    async def test_ten_files_are_accepted(self, client: httpx.AsyncClient, world: World, files: Files) -> None:
        sent = [(f"f{i}.pdf", pdf_bytes(1000 + i, seed=i)) for i in range(10)]
        answered = await upload(client, world.alice, *sent)
        assert [f["name"] for f in answered] == [name for name, _ in sent]
        assert len(set(f["key"] for f in answered)) == 10
        assert sorted(await stored_keys(files)) == sorted(f["key"] for f in answered)

    async def test_an_eleventh_file_refuses_the_whole_upload(
        self, client: httpx.AsyncClient, world: World, files: Files, database: Database
    ) -> None:
        sent = [("files", (f"f{i}.pdf", pdf_bytes(1000 + i, seed=i))) for i in range(11)]
        response = await client.post("/api/upload", files=sent, headers=world.alice.headers)
        assert_tether_error(response, 400, "files")
        assert await stored_keys(files) == []
        assert await count_uploads(database) == 0

    async def test_a_file_of_exactly_the_size_cap_is_accepted(
        self, client: httpx.AsyncClient, world: World, files: Files
    ) -> None:
        content = pdf_bytes(TEST_MAX_BYTES)
        [stored] = await upload(client, world.alice, ("big.pdf", content))
        assert stored["size"] == TEST_MAX_BYTES
        assert (await fetch(client, stored["signedUrl"])).content == content

    async def test_one_byte_over_the_cap_is_refused_with_nothing_left_in_storage(
        self, client: httpx.AsyncClient, world: World, files: Files, database: Database
    ) -> None:
        sent = [("files", ("small.pdf", pdf_bytes(2000))), ("files", ("big.pdf", pdf_bytes(TEST_MAX_BYTES + 1)))]
        response = await client.post("/api/upload", files=sent, headers=world.alice.headers)
        assert_tether_error(response, 413, "files[1]")
        # The first file had been stored already; the refusal of the second removes it too.
        assert await stored_keys(files) == []
        assert await count_uploads(database) == 0

    async def test_the_upload_route_is_not_bound_by_the_json_body_limit(
        self, client: httpx.AsyncClient, world: World, settings: Settings
    ) -> None:
        size = settings.max_body_bytes * 2
        [stored] = await upload(client, world.alice, ("two-megabytes.pdf", pdf_bytes(size)))
        assert stored["size"] == size

    @pytest.mark.parametrize(("name", "content"), [("page.pdf", HTML), ("logo.svg", SVG), ("blob.bin", b"\x00" * 64)])
    async def test_types_outside_the_allowlist_are_refused(
        self, client: httpx.AsyncClient, world: World, files: Files, name: str, content: bytes
    ) -> None:
        response = await client.post(
            "/api/upload", files={"files": (name, content, "application/pdf")}, headers=world.alice.headers
        )
        body = assert_tether_error(response, 400, "files[0]")
        assert "not accepted" in body["message"]
        assert await stored_keys(files) == []

    async def test_an_empty_file_is_refused(self, client: httpx.AsyncClient, world: World) -> None:
        response = await client.post("/api/upload", files={"files": ("empty.pdf", b"")}, headers=world.alice.headers)
        assert_tether_error(response, 400, "files[0]")

    async def test_no_files_field_is_400(self, client: httpx.AsyncClient, world: World) -> None:
        response = await client.post(
            "/api/upload", files={"file": ("w2.pdf", pdf_bytes())}, headers=world.alice.headers
        )
        assert_tether_error(response, 400, "files")

    async def test_a_body_that_is_not_multipart_is_400(self, client: httpx.AsyncClient, world: World) -> None:
        response = await client.post("/api/upload", json={"files": []}, headers=world.alice.headers)
        assert_tether_error(response, 400, "body")

    async def test_a_truncated_multipart_body_is_400_with_nothing_stored(
        self, client: httpx.AsyncClient, world: World, files: Files
    ) -> None:
        body = b'--XyZ\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\n\r\n' + pdf_bytes(3000)
        response = await client.post(
            "/api/upload",
            content=body,
            headers={**world.alice.headers, "Content-Type": "multipart/form-data; boundary=XyZ"},
        )
        assert_tether_error(response, 400, "body")
        assert await stored_keys(files) == []

    async def test_anonymous_is_401_and_nothing_is_read(
        self, client: httpx.AsyncClient, world: World, files: Files
    ) -> None:
        response = await client.post("/api/upload", files={"files": ("w2.pdf", pdf_bytes())})
        assert_tether_error(response, 401)
        assert await stored_keys(files) == []

    async def test_a_request_over_the_total_of_its_limits_is_413_whatever_its_fields(
        self, world: World, settings: Settings, database: Database
    ) -> None:
        from contactnotes.app import create_app
        from tests.attachments.conftest import BASE_URL

        tight = settings.model_copy(update={"upload_max_files": 1, "upload_max_bytes": 1000})
        app = create_app(tight, database)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as client:
            # Not a file: a form field nobody reads, but it still may not be endless.
            response = await client.post(
                "/api/upload",
                data={"comment": "x" * (1024 * 1024 + 2000)},
                files={"files": ("a.pdf", pdf_bytes(900))},
                headers=world.alice.headers,
            )
        await app.state.files.close()
        assert_tether_error(response, 413, "body")
