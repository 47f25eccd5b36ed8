"""A word-level diff of two texts as segments (equal / insert / delete), by the standard library's difflib.

Segments are plain text: whoever shows them escapes them (the API sends them as JSON strings, the web app's
templates escape them), so a body holding markup can never become markup in a diff.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from difflib import Match
from typing import Literal

Op = Literal["equal", "insert", "delete"]

# A word with the spaces after it, or leading spaces alone: a changed word takes its own spacing with it,
# so "met Tuesday at" -> "met Wednesday at" is one deleted and one inserted word, not stray spaces.
_WORDS = re.compile(r"\S+\s*|\s+")

# difflib's matcher (with autojunk off, which a diff of prose needs: on, it ignores every word that is more
# than 1% of a long text) is cubic on texts of few distinct words: "a a a ..." against "a b a b ..." took
# 0.9 s at 300 words and 5.8 s at 500. So its work is counted as it goes (the words its inner loop will
# visit), and past this budget the changed span, after the common start and end are set aside, is shown
# deleted and inserted whole. The budget costs at most ~0.1 s on a slow core (docs/data.md has the
# measurements); an ordinary edit uses a small fraction of it.
WORK_BUDGET = 150_000


@dataclass(frozen=True, slots=True)
class Segment:
    op: Op
    text: str


def words(text: str) -> list[str]:
    return _WORDS.findall(text)


def _common_prefix(old: list[str], new: list[str]) -> int:
    n = 0
    for a, b in zip(old, new, strict=False):
        if a != b:
            break
        n += 1
    return n


class _OverBudget(Exception):
    pass


class _BudgetedMatcher(difflib.SequenceMatcher[str]):
    # Set by SequenceMatcher (the sequences, and where each word of b occurs); not in its type stubs.
    a: list[str]
    b2j: dict[str, list[int]]

    def __init__(self, old: list[str], new: list[str], budget: int, *, autojunk: bool) -> None:
        self.budget = budget
        super().__init__(None, old, new, autojunk=autojunk)

    def find_longest_match(self, alo: int = 0, ahi: int | None = None, blo: int = 0, bhi: int | None = None) -> Match:
        # What this call's loop will visit, at most: each word of a[alo:ahi] and each place it occurs in b.
        b2j = self.b2j
        self.budget -= sum(1 + len(b2j.get(word, ())) for word in self.a[alo:ahi])
        if self.budget < 0:
            raise _OverBudget
        return super().find_longest_match(alo, ahi, blo, bhi)


def _whole(old: list[str], new: list[str]) -> list[Segment]:
    segments = [Segment("delete", "".join(old))] if old else []
    return segments + ([Segment("insert", "".join(new))] if new else [])


def _middle(old: list[str], new: list[str], budget: int) -> list[Segment]:
    if not old or not new:
        return _whole(old, new)
    for autojunk in (False, True):
        try:
            opcodes = _BudgetedMatcher(old, new, budget, autojunk=autojunk).get_opcodes()
            break
        except _OverBudget:
            continue
    else:
        return _whole(old, new)
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            segments.append(Segment("equal", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("delete", "".join(old[i1:i2])))
        if j2 > j1:
            segments.append(Segment("insert", "".join(new[j1:j2])))
    return segments


def word_diff(before: str, after: str, *, budget: int = WORK_BUDGET) -> list[Segment]:
    """Segments that spell `before` when the inserts are dropped and `after` when the deletes are."""
    old, new = words(before), words(after)
    start = _common_prefix(old, new)
    end = _common_prefix(old[start:][::-1], new[start:][::-1])
    segments = []
    if start:
        segments.append(Segment("equal", "".join(old[:start])))
    segments.extend(_middle(old[start : len(old) - end], new[start : len(new) - end], budget))
    if end:
        segments.append(Segment("equal", "".join(old[len(old) - end :])))
    return segments
