"""Liveness and readiness."""

from __future__ import annotations

import httpx

from contactnotes.app import create_app
from contactnotes.db.engine import Database
from contactnotes.settings import Settings


async def test_healthz_and_readyz_answer_when_the_database_does(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ok"}


async def test_readyz_is_503_when_the_database_is_unreachable() -> None:
    # Port 9 (discard) on loopback: nothing listens there, so every connection attempt is refused.
    settings = Settings(database_url="postgresql+asyncpg://postgres@127.0.0.1:9/none", _env_file=None)  # type: ignore[call-arg]
    database = Database(settings)
    app = create_app(settings, database)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            assert (await client.get("/healthz")).status_code == 200
            response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
    finally:
        await database.dispose()


async def test_openapi_documents_every_error_of_the_create_endpoint(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    responses = spec["paths"]["/api/contact-notes"]["post"]["responses"]
    assert {"201", "400", "401", "404", "413", "500", "503"} <= set(responses)
    assert "bearer" in str(spec["components"]["securitySchemes"]).lower()
