"""Helpers shared by the TetherAI dialect's tests."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.models import Notification, OutboxEvent
from tests.factories import Persona

FIXTURES = Path(__file__).parent / "fixtures"
ISO_MILLIS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def assert_tether_error(response: httpx.Response, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], list)
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    return body


async def create_note(client: httpx.AsyncClient, author: Persona, contact_oid: str, **fields: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/contact-notes", json={"contactId": contact_oid, **fields}, headers=author.headers
    )
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def count_notifications(database: Database, user_id: int | None = None) -> int:
    async with unit_of_work(database) as session:
        statement = select(func.count()).select_from(Notification)
        if user_id is not None:
            statement = statement.where(Notification.user_id == user_id)
        return int(await session.scalar(statement) or 0)


async def count_outbox(database: Database) -> int:
    async with unit_of_work(database) as session:
        return int(await session.scalar(select(func.count()).select_from(OutboxEvent)) or 0)
