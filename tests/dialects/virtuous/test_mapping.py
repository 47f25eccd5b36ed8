"""The pure wire <-> core functions of the Virtuous dialect."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from contactnotes.dialects.virtuous.mapping import (
    note_type_key,
    parse_bool,
    parse_sort,
    rfc1123,
    to_note_create,
    to_note_update,
    token_out,
    utc,
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


def test_naive_times_are_utc() -> None:
    assert utc(datetime(2026, 1, 1, 12)) == datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert utc(datetime(2026, 1, 1, 12, tzinfo=timezone(timedelta(hours=2)))) == datetime(2026, 1, 1, 10, tzinfo=UTC)


def test_create_maps_private_and_note_date_time() -> None:
    data = to_note_create(
        NoteIn.model_validate({"contactId": 7, "private": "true", "noteDateTime": "2026-01-02T03:04:05"})
    )
    assert data.contact == 7 and data.is_private is True and data.body == ""
    assert data.note_date == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert data.reminder is None


def test_put_clears_what_is_omitted_but_keeps_an_absent_reminder() -> None:
    data = to_note_update(NoteIn.model_validate({"note": "x"}))
    assert data.body == "x" and data.type is None and data.important is False and data.is_private is False
    assert data.time_spent_minutes is None and data.note_date is None
    assert data.reminder is UNSET and data.mentions is UNSET and data.attachments is UNSET
    assert to_note_update(NoteIn.model_validate({"reminder": None})).reminder is None


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
