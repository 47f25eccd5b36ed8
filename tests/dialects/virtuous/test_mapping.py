"""The pure wire <-> core functions of the Virtuous dialect."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from contactnotes.dialects.virtuous.dates import calendar_day, utc_in, utc_text
from contactnotes.dialects.virtuous.mapping import (
    note_type_key,
    parse_bool,
    parse_sort,
    rfc1123,
    to_note_create,
    to_note_update,
    token_out,
)
from contactnotes.dialects.virtuous.wire import NoteIn
from contactnotes.errors import Invalid
from contactnotes.kit.unset import UNSET
from contactnotes.notes.schemas import NoteSort
from contactnotes.users.signin import GrantedTokens


@pytest.mark.parametrize(
    ("name", "key"),
    [("General", "general"), ("Text Message", "text Message"), ("In Person", "in Person"), ("", ""), ("X", "x")],
)
def test_type_keys_lower_only_the_first_letter(name: str, key: str) -> None:
    assert note_type_key(name) == key


@pytest.mark.parametrize(
    ("raw", "sort"),
    [
        (None, NoteSort.NOTE_DATE),
        ("", NoteSort.NOTE_DATE),
        ("CreatedDateTime", NoteSort.CREATED),
        ("createddatetime", NoteSort.CREATED),
        (" NoteDate ", NoteSort.NOTE_DATE),
        ("MODIFIEDDATETIME", NoteSort.MODIFIED),
        ("Create Date", NoteSort.CREATED),
        ("note date", NoteSort.NOTE_DATE),
        ("LAST MODIFIED DATE", NoteSort.MODIFIED),
        ("LastModifiedDate", NoteSort.MODIFIED),
    ],
)
def test_sort_names_in_any_case(raw: str | None, sort: str) -> None:
    assert parse_sort(raw) == sort


def test_an_unknown_sort_names_the_field() -> None:
    with pytest.raises(Invalid) as caught:
        parse_sort("Id")
    assert caught.value.problems[0].field == "sortBy"


@pytest.mark.parametrize(
    ("raw", "value"), [("True", True), ("FALSE", False), ("true", True), ("0", False), (None, True)]
)
def test_booleans_in_any_case(raw: str | None, value: bool) -> None:
    assert parse_bool(raw, "descending", default=True) is value


def test_naive_times_are_the_organizations() -> None:
    assert utc_in(datetime(2026, 1, 1, 12), "UTC", "f") == datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert utc_in(datetime(2026, 1, 1, 12), "America/Chicago", "f") == datetime(2026, 1, 1, 18, tzinfo=UTC)
    aware = datetime(2026, 1, 1, 12, tzinfo=timezone(timedelta(hours=2)))
    assert utc_in(aware, "America/Chicago", "f") == datetime(2026, 1, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "zone", "day"),
    [
        (datetime(2017, 10, 4, 12, tzinfo=UTC), "UTC", "10/4/2017"),
        (datetime(2023, 9, 14, 3, tzinfo=UTC), "America/Chicago", "9/13/2023"),
        (datetime(2023, 9, 14, 23, tzinfo=UTC), "Asia/Tokyo", "9/15/2023"),
        # At the calendar's end a zone ahead of UTC would leave year 9999: the UTC day, never a failure.
        (datetime(9999, 12, 31, 23, tzinfo=UTC), "Asia/Tokyo", "12/31/9999"),
        (datetime(1, 1, 1, 1, tzinfo=UTC), "America/Chicago", "1/1/1"),
    ],
)
def test_string_dates_are_the_organizations_calendar_day(value: datetime, zone: str, day: str) -> None:
    assert calendar_day(value, zone) == day


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2023, 11, 30, 14, 20, 56, 277000, tzinfo=UTC), "2023-11-30T14:20:56.277"),
        (datetime(2023, 11, 30, 14, 20, 56, tzinfo=UTC), "2023-11-30T14:20:56"),
        (datetime(2023, 11, 30, 14, 20, 56, 123456, tzinfo=UTC), "2023-11-30T14:20:56.123456"),
        (datetime(2023, 11, 30, 16, 20, 56, 500000, tzinfo=timezone(timedelta(hours=2))), "2023-11-30T14:20:56.5"),
    ],
)
def test_utc_fields_are_written_as_json_net_writes_a_datetime(value: datetime, text: str) -> None:
    assert utc_text(value) == text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10/4/2017", datetime(2017, 10, 4)),
        ("10/04/2017 2:05 PM", datetime(2017, 10, 4, 14, 5)),
        ("10/4/2017 12:00:01 AM", datetime(2017, 10, 4, 0, 0, 1)),
        ("2023-11-30T14:20:56.2770000", datetime(2023, 11, 30, 14, 20, 56, 277000)),
        ("2023-11-30T14:20:56.2770000Z", datetime(2023, 11, 30, 14, 20, 56, 277000, tzinfo=UTC)),
        ("2023-11-30T16:20:56+02:00", datetime(2023, 11, 30, 16, 20, 56, tzinfo=timezone(timedelta(hours=2)))),
        ("2023-11-30", datetime(2023, 11, 30)),
    ],
)
def test_every_date_a_dotnet_client_sends_is_read(raw: str, expected: datetime) -> None:
    assert NoteIn.model_validate({"noteDateTime": raw}).note_date_time == expected


@pytest.mark.parametrize("raw", ["13/1/2020", "2/30/2020", "1700000000", "yesterday", "10/4/2017 13:00 PM", ""])
def test_what_is_no_date_names_the_field(raw: str) -> None:
    with pytest.raises(ValueError, match="noteDateTime"):
        NoteIn.model_validate({"noteDateTime": raw})


def test_a_date_past_the_calendar_once_placed_is_400_naming_the_field() -> None:
    with pytest.raises(Invalid) as caught:
        utc_in(datetime(1, 1, 1), "Asia/Tokyo", "noteDateTime")
    assert caught.value.problems[0].field == "noteDateTime"


def test_create_maps_private_and_note_date_time() -> None:
    data = to_note_create(
        NoteIn.model_validate({"contactId": 7, "private": "true", "noteDateTime": "2026-01-02T03:04:05"}), "UTC"
    )
    assert data.contact == 7 and data.is_private is True and data.body == ""
    assert data.note_date == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert data.reminder is None


def test_put_clears_what_is_omitted_but_keeps_an_absent_reminder() -> None:
    data = to_note_update(NoteIn.model_validate({"note": "x"}), "UTC")
    assert data.body == "x" and data.type is None and data.important is False and data.is_private is False
    assert data.time_spent_minutes is None and data.note_date is None
    assert data.reminder is UNSET and data.mentions is UNSET and data.attachments is UNSET
    assert to_note_update(NoteIn.model_validate({"reminder": None}), "UTC").reminder is None


def test_token_answer_uses_rfc_1123_and_string_booleans() -> None:
    issued = datetime(2018, 6, 20, 11, 31, 9, 123456, tzinfo=UTC)
    out = token_out(
        GrantedTokens("a", "r", 1296000, issued, issued + timedelta(days=15), "user@example.org")
    ).model_dump(by_alias=True)
    assert out == {
        "access_token": "a",
        "token_type": "bearer",
        "expires_in": 1296000,
        "refresh_token": "r",
        "userName": "user@example.org",
        "twoFactorEnabled": "False",
        ".issued": "Wed, 20 Jun 2018 11:31:09 GMT",
        ".expires": "Thu, 05 Jul 2018 11:31:09 GMT",
    }
    assert (
        rfc1123(datetime(2018, 6, 20, 13, 31, 9, tzinfo=timezone(timedelta(hours=2))))
        == "Wed, 20 Jun 2018 11:31:09 GMT"
    )
