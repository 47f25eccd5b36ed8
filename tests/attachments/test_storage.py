"""The ObjectStore contract, the same for both backends; and what the S3 server itself refuses."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from contactnotes.attachments.files import Files
from contactnotes.settings import Settings
from contactnotes.storage import UnsafeKey, build_store
from contactnotes.storage.local import LocalStore
from tests.attachments.conftest import stored_keys
from tests.attachments.seaweedfs import s3_client

KEY = "orgs/0123456789abcdef01234567/uploads/2026-01-01/00ff-file.bin"


async def chunks_of(data: bytes, size: int = 1024 * 1024, fail_after: int | None = None) -> AsyncIterator[bytes]:
    for offset in range(0, len(data), size):
        if fail_after is not None and offset >= fail_after:
            raise RuntimeError("the client went away")
        yield data[offset : offset + size]


class TestContract:
    @pytest.mark.parametrize("size", [0, 1, 5 * 1024 * 1024, 11 * 1024 * 1024 + 3])
    async def test_what_is_put_is_read_back(self, files: Files, size: int) -> None:
        data = bytes(i % 251 for i in range(size))
        assert await files.store.put(KEY, chunks_of(data), "application/octet-stream") == size
        info = await files.store.head(KEY)
        assert info is not None and info.size == size
        assert b"".join([chunk async for chunk in files.store.stream(KEY)]) == data
        assert await files.store.read_start(KEY, 10) == data[:10]
        await files.store.delete(KEY)
        assert await files.store.head(KEY) is None
        await files.store.delete(KEY)  # absent is fine

    async def test_a_failing_stream_leaves_nothing_behind(
        self, files: Files, settings: Settings, storage_backend: str
    ) -> None:
        data = bytes(12 * 1024 * 1024)
        with pytest.raises(RuntimeError):
            await files.store.put(KEY, chunks_of(data, fail_after=11 * 1024 * 1024), "application/pdf")
        assert await stored_keys(files) == []
        if storage_backend == "s3":
            assert settings.s3_endpoint_url
            pending = s3_client(settings.s3_endpoint_url).list_multipart_uploads(Bucket=settings.s3_bucket)
            assert pending.get("Uploads", []) == []
        else:
            assert isinstance(files.store, LocalStore)
            assert list((files.store.root / ".incoming").iterdir()) == []

    @pytest.mark.parametrize("key", ["../x", "/etc/passwd", "orgs/../../x", "orgs//x", "orgs/./x", "a\\b", ""])
    async def test_unsafe_keys_are_refused(self, files: Files, key: str) -> None:
        with pytest.raises(UnsafeKey):
            await files.store.put(key, chunks_of(b"x"), "text/plain")


@pytest.fixture
def s3_settings(settings: Settings, storage_backend: str) -> Settings:
    if storage_backend != "s3":
        pytest.skip("a test of the S3 server")
    return settings


class TestS3Server:
    """What SeaweedFS (configured with credentials) refuses: the signatures our store makes are real checks."""

    async def test_an_altered_presigned_url_is_refused(self, s3_settings: Settings) -> None:
        store = build_store(s3_settings)
        await store.put(KEY, chunks_of(b"secret bytes"), "text/plain")
        url = await store.download_url(KEY, expires_in=60, content_type="text/plain", disposition="attachment")
        assert url is not None
        parts = urlsplit(url)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        async with httpx.AsyncClient() as http:
            assert (await http.get(url)).content == b"secret bytes"
            other_key = url.replace("00ff-file.bin", "00fe-file.bin")
            other_type = parts._replace(query=urlencode({**query, "response-content-type": "text/html"})).geturl()
            longer = parts._replace(query=urlencode({**query, "X-Amz-Expires": "604800"})).geturl()
            for altered in [other_key, other_type, longer]:
                assert (await http.get(altered)).status_code == 403
        await store.close()

    async def test_an_expired_presigned_url_is_refused(self, s3_settings: Settings) -> None:
        store = build_store(s3_settings)
        await store.put(KEY, chunks_of(b"bytes"), "text/plain")
        url = await store.download_url(KEY, expires_in=1, content_type="text/plain", disposition="attachment")
        assert url is not None
        await asyncio.sleep(2.1)  # S3 presigned URLs count whole seconds; nothing shorter can expire
        async with httpx.AsyncClient() as http:
            response = await http.get(url)
        assert response.status_code == 403
        assert b"expired" in response.content
        await store.close()

    async def test_a_presigned_post_over_the_size_range_is_refused(self, s3_settings: Settings, files: Files) -> None:
        store = build_store(s3_settings)
        grant = await store.direct_upload(KEY, expires_in=60, max_size=1000)
        assert grant is not None
        async with httpx.AsyncClient() as http:
            over = await http.post(grant.url, data=grant.fields, files={"file": ("f", b"x" * 1001)})
            assert over.status_code == 400 and b"EntityTooLarge" in over.content
            assert await stored_keys(files) == []
            elsewhere = await http.post(
                grant.url, data={**grant.fields, "key": KEY.replace("file", "other")}, files={"file": ("f", b"x")}
            )
            assert elsewhere.status_code == 403
            exact = await http.post(grant.url, data=grant.fields, files={"file": ("f", b"x" * 1000)})
            assert exact.status_code in {200, 201, 204}
        assert await stored_keys(files) == [KEY]
        await store.close()

    async def test_wrong_credentials_are_refused(self, s3_settings: Settings) -> None:
        from botocore.exceptions import ClientError
        from pydantic import SecretStr

        wrong = build_store(s3_settings.model_copy(update={"s3_secret_access_key": SecretStr("not-the-secret")}))
        with pytest.raises(ClientError):
            await wrong.head(KEY)
        await wrong.close()
