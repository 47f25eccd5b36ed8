"""Shared steps of the attachments tests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import Persona
from tests.files import pdf_bytes


async def upload(
    client: httpx.AsyncClient, persona: Persona, *files: tuple[str, bytes], expect: int = 200
) -> list[dict[str, Any]]:
    response = await client.post(
        "/api/upload", files=[("files", (name, content)) for name, content in files], headers=persona.headers
    )
    assert response.status_code == expect, response.text
    return list(response.json()["files"]) if expect == 200 else []


async def upload_pdf(
    client: httpx.AsyncClient, persona: Persona, name: str = "w2.pdf", size: int = 5000
) -> dict[str, Any]:
    return (await upload(client, persona, (name, pdf_bytes(size))))[0]


def as_attachment(uploaded: dict[str, Any], name: str | None = None) -> dict[str, Any]:
    return {
        "key": uploaded["key"],
        "name": name or uploaded["name"],
        "size": uploaded["size"],
        "type": uploaded["type"],
    }


async def create_note(
    client: httpx.AsyncClient, persona: Persona, contact_oid: str, attachments: list[dict[str, Any]]
) -> httpx.Response:
    return await client.post(
        "/api/contact-notes",
        json={"contactId": contact_oid, "note": "files attached", "attachments": attachments},
        headers=persona.headers,
    )


def assert_tether_error(response: httpx.Response, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["success"] is False and body["message"]
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    return body
