"""Headers every answer carries, and CORS closed unless configured."""

from __future__ import annotations

import httpx

from contactnotes.app import create_app
from contactnotes.db.engine import Database
from contactnotes.settings import Settings
from tests.factories import World


async def test_every_answer_is_nosniff_and_html_has_a_csp(client: httpx.AsyncClient, world: World) -> None:
    answers = [
        await client.get("/healthz"),
        await client.post("/api/contact-notes", json={}, headers=world.alice.headers),  # 400
        await client.post("/api/contact-notes", json={}),  # 401
        await client.get("/no/such/path"),  # 404
    ]
    for answer in answers:
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert "Traceback" not in answer.text
    docs = await client.get("/docs")
    csp = docs.headers["Content-Security-Policy"]
    assert (
        "default-src 'none'" in csp
        and "frame-ancestors 'none'" in csp
        and "unsafe-inline" not in csp.split("style-src")[0]
    )


async def test_cors_allows_no_origin_by_default(client: httpx.AsyncClient) -> None:
    preflight = await client.options(
        "/api/contact-notes",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers


async def test_cors_allows_configured_origins_only(settings: Settings, database: Database) -> None:
    configured = settings.model_copy(update={"cors_origins": ["https://app.example.com"]})
    app = create_app(configured, database)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        ok = await client.options(
            "/api/contact-notes",
            headers={"Origin": "https://app.example.com", "Access-Control-Request-Method": "POST"},
        )
        evil = await client.options(
            "/api/contact-notes",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
    assert ok.headers["access-control-allow-origin"] == "https://app.example.com"
    assert "access-control-allow-origin" not in evil.headers
