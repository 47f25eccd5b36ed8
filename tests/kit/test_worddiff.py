"""The word diff: segments that spell both texts, word by word, in bounded time on any input."""

from __future__ import annotations

import random
import time

import pytest

from contactnotes.kit.worddiff import Segment, word_diff


def spelled(segments: list[Segment]) -> tuple[str, str]:
    before = "".join(s.text for s in segments if s.op != "insert")
    after = "".join(s.text for s in segments if s.op != "delete")
    return before, after


def test_a_changed_word_is_one_deletion_and_one_insertion_with_its_spacing() -> None:
    assert word_diff("Met on Tuesday at noon", "Met on Wednesday at noon") == [
        Segment("equal", "Met on "),
        Segment("delete", "Tuesday "),
        Segment("insert", "Wednesday "),
        Segment("equal", "at noon"),
    ]


def test_unchanged_and_empty_texts() -> None:
    assert word_diff("same", "same") == [Segment("equal", "same")]
    assert word_diff("", "") == []
    assert word_diff("", "new text") == [Segment("insert", "new text")]
    assert word_diff("old text", "") == [Segment("delete", "old text")]


def test_scattered_edits_in_prose_stay_word_level() -> None:
    random.seed(7)
    words = [random.choice(["the", "a", "client", "invoice", "called", "about", "tax", "and"]) for _ in range(300)]
    changed = list(words)
    for index in range(0, 300, 30):
        changed[index] = "CHANGED"
    segments = word_diff(" ".join(words), " ".join(changed))
    assert spelled(segments) == (" ".join(words), " ".join(changed))
    assert sum(s.op == "insert" for s in segments) == 10
    assert all(s.text.strip() == "CHANGED" for s in segments if s.op == "insert")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("a " * 2000, "a b " * 1000),  # cubic for difflib without the budget (500 words took 5.8 s)
        (
            " ".join(random.Random(1).choices("abcdefgh", k=14000)),
            " ".join(random.Random(2).choices("abcdefgh", k=14000)),
        ),
        ("x\n" * 40000, "y\n" * 40000),
    ],
    ids=["repetitive", "few-distinct-words", "long-lines"],
)
def test_hard_inputs_end_quickly_and_still_spell_both_texts(before: str, after: str) -> None:
    started = time.perf_counter()
    segments = word_diff(before, after)
    elapsed = time.perf_counter() - started
    assert spelled(segments) == (before, after)
    assert elapsed < 2.0, f"{elapsed:.2f} s"  # about 0.2 s at worst when measured; generous for a loaded machine
