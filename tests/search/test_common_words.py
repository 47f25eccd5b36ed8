"""Which step a PostgreSQL search starts with: a clause of words none of which ANALYZE found common (nor, for
a typed word of 3 letters or more, the start of a common one) is rare, and goes to the GIN index first."""

from __future__ import annotations

import pytest

from contactnotes.search import common_words
from contactnotes.search.query import parse

COMMON = ("follow", "review", "tax", "up")


@pytest.mark.parametrize(
    ("query", "rare"),
    [
        ("zanzibar", True),
        ("tax review", False),
        ("rev", False),  # the start of a common word
        ("zz", False),  # too short to tell: it may start many words each too rare to be listed
        ("Zänzibar", True),
        ("tax zanzibar", True),  # one rare clause is enough: the matches are among its few
        ("tax OR zanzibar", False),  # the clause may match every note with "tax"
        ('"tax zanzibar"', True),  # a phrase with a rare word
        ('"follow up"', False),
        ("-zanzibar tax", False),  # an exclusion narrows nothing down for the index
    ],
)
async def test_a_query_is_rare_when_a_clause_has_only_uncommon_words(
    monkeypatch: pytest.MonkeyPatch, query: str, rare: bool
) -> None:
    async def common(session: object) -> tuple[str, ...]:
        return COMMON

    monkeypatch.setattr(common_words, "_common", common)
    assert await common_words.is_rare(None, parse(query)) is rare  # type: ignore[arg-type]


async def test_without_statistics_nothing_is_known(monkeypatch: pytest.MonkeyPatch) -> None:
    async def never_analyzed(session: object) -> None:
        return None

    monkeypatch.setattr(common_words, "_common", never_analyzed)
    assert await common_words.is_rare(None, parse("zanzibar")) is None  # type: ignore[arg-type]
