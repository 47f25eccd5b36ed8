"""Headers every answer carries, and CORS closed unless configured."""

from __future__ import annotations

import httpx
import pytest

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


# Found by schemathesis: Starlette named only the first route of a path, so OPTIONS /api/contacts said
# `Allow: GET` though POST is served there too.
@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("OPTIONS", "/api/contacts", {"GET", "HEAD", "POST"}),
        ("PUT", "/api/contact-notes/65c2d0e0f0a0b0c0d0e0f0a0", {"GET", "HEAD", "PATCH", "DELETE"}),
        ("OPTIONS", "/api/ContactNote/Types", {"GET", "HEAD"}),
        ("POST", "/api/contactnote/7", {"GET", "HEAD", "PUT", "DELETE"}),  # Virtuous paths ignore case
    ],
)
async def test_a_405_allows_every_method_the_path_serves(
    client: httpx.AsyncClient, world: World, method: str, path: str, allowed: set[str]
) -> None:
    response = await client.request(method, path, headers=world.alice.headers)
    assert response.status_code == 405, response.text
    assert set(response.headers["Allow"].split(", ")) == allowed
