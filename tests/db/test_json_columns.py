"""JSON columns read back exactly what was written, on both databases, large integers included (a parser that
turned them into floats would lose digits silently)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.models import OutboxEvent
from contactnotes.orgs import service as orgs


async def test_json_values_read_back_as_written(database: Database) -> None:
    payload = {"note_id": 7, "big": 2**70 + 1, "negative": -(2**65) - 3, "text": "École \u2713 \U0001f600"}
    snapshot = {"body": "plain", "nested": [1, 2.5, True, {"k": "v"}]}
    async with unit_of_work(database) as session:
        org = await orgs.create_org(session, "Json")
        now = datetime(2026, 11, 29, tzinfo=UTC)
        session.add(
            OutboxEvent(
                event_id="json-columns", org_id=org.id, type="test.json", payload=payload, snapshot=snapshot,
                available_at=now, created_at=now,
            )
        )  # fmt: skip
    async with database.read_session() as session:
        event = (await session.scalars(select(OutboxEvent).where(OutboxEvent.event_id == "json-columns"))).one()
        assert event.payload == payload
        assert event.snapshot == snapshot
