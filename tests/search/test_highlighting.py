"""Where a hit is highlighted: the regular-expression path for ASCII text gives exactly the spans of the word
walk the rest of the text uses (both must agree with what the index matched)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from contactnotes.search.text import Needle, find_spans, indexed_words, spans_in

# Short words from a small alphabet, so that needles hit often, with separators of every kind ASCII has.
_word = st.text(alphabet="abAB01", min_size=1, max_size=4)
_gap = st.text(alphabet=" _-.,'\t\n\"<>&", min_size=1, max_size=3)
_needle_words = st.lists(st.text(alphabet="ab01", min_size=1, max_size=3), min_size=1, max_size=3)


@st.composite
def _texts(draw: st.DrawFn) -> str:
    words = draw(st.lists(_word, max_size=30))
    gaps = draw(st.lists(_gap, min_size=len(words) + 1, max_size=len(words) + 1))
    return "".join(g + w for g, w in zip(gaps, [*words, ""], strict=True))


@given(_texts(), st.lists(st.tuples(_needle_words, st.booleans()), min_size=1, max_size=3))
def test_ascii_spans_are_those_of_the_word_walk(text: str, raw: list[tuple[list[str], bool]]) -> None:
    needles = [Needle(tuple(words), prefix) for words, prefix in raw]
    assert spans_in(text, needles) == find_spans(indexed_words(text), needles)


def test_spans_of_a_note() -> None:
    text = "Signed the TAX return; tax-returns filed. Taxation_review"
    assert spans_in(text, [Needle(("tax",), True)]) == [(11, 14), (23, 26), (42, 50)]
    assert spans_in(text, [Needle(("tax",), False)]) == [(11, 14), (23, 26)]
    phrase = [Needle(("tax", "return"), True)]
    assert [text[a:b] for a, b in spans_in(text, phrase)] == ["TAX return", "tax-returns"]
    assert spans_in("École et ecole", [Needle(("ecole",), False)]) == [(0, 5), (9, 14)]  # not ASCII: the walk
    assert spans_in("only ascii", [Needle(("écol",), True)]) == []
