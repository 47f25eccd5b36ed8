"""Pure wire <-> core mapping of the TetherAI dialect."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from contactnotes.contacts.schemas import ContactSummary
from contactnotes.dialects.tether.mapping import notification_out, to_note_update
from contactnotes.dialects.tether.wire import NoteUpdateIn
from contactnotes.errors import Invalid
from contactnotes.kit.unset import UNSET
from contactnotes.notifications.schemas import NotificationView
from contactnotes.users.schemas import UserSummary


def test_an_absent_field_is_left_alone_and_null_clears_where_it_may() -> None:
    update = to_note_update(NoteUpdateIn.model_validate({"timeSpent": None, "note": "x"}))
    assert update.body == "x"
    assert update.time_spent_minutes is None
    assert update.type is UNSET and update.mentions is UNSET and update.attachments is UNSET
    assert update.important is UNSET and update.is_private is UNSET and update.contact is UNSET


def test_is_private_is_accepted_for_private_and_a_naive_date_is_utc() -> None:
    update = to_note_update(NoteUpdateIn.model_validate({"isPrivate": True, "noteDateTime": "2026-02-03T04:05:06"}))
    assert update.is_private is True
    assert update.note_date == datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)


@pytest.mark.parametrize(("wire", "field"), [("note", "note"), ("contactId", "contactId"), ("private", "private")])
def test_null_where_a_value_is_needed_names_the_wire_field(wire: str, field: str) -> None:
    with pytest.raises(Invalid) as caught:
        to_note_update(NoteUpdateIn.model_validate({wire: None}))
    assert [p.field for p in caught.value.problems] == [field]


def test_a_notification_reads_as_a_sentence() -> None:
    at = datetime(2026, 5, 18, 14, 0, 0, 123456, tzinfo=UTC)
    view = NotificationView(
        id=1,
        oid="6b0313227f1876e44b5f7758",
        kind="mention",
        created_at=at,
        read_at=None,
        actor=UserSummary(1, "65b1f0a2c3d4e5f6a7b8c9d3", "Cory Tan", "cory@example.com", None),
        contact=ContactSummary(2, "65c2d0e0f0a0b0c0d0e0f0a0", "Jordan Lee", None),
        note_oid="67f0a0b0c0d0e0f0a0b0c0d0",
        note_excerpt="@alice please review",
    )
    out = notification_out(view).model_dump()
    assert out["message"] == "Cory Tan mentioned you in a note about Jordan Lee"
    assert out["createdAt"] == "2026-05-18T14:00:00.123Z"
    assert out["isRead"] is False and out["readAt"] is None
    assert out["contact"] == {"_id": "65c2d0e0f0a0b0c0d0e0f0a0", "displayName": "Jordan Lee", "avatarUrl": None}
