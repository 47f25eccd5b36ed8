"""Best match first: the newest candidates re-ordered by BM25 over their text, in Python.

Ranking every match of a common word over a whole organization would score every one of them before the
first page could be sent, so the ranked order is that of the newest RANKED_CANDIDATES matches (docs/search.md).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from contactnotes.search.schemas import IndexHit
from contactnotes.search.text import Needle, spans_in, word_count

RANKED_CANDIDATES = 500
_K1, _B = 1.2, 0.75


def rank(candidates: Sequence[IndexHit], texts: Mapping[int, str], needles: Sequence[Needle]) -> list[IndexHit]:
    """`candidates` (newest first) by descending BM25 of their text for the needles; ties stay newest first.
    A note that matched only through its files scores nothing from its text and follows the others."""
    if not needles:
        return list(candidates)
    counts: dict[int, list[int]] = {}
    lengths: dict[int, int] = {}
    for hit in candidates:
        text = texts.get(hit.note_id, "")
        lengths[hit.note_id] = word_count(text)
        counts[hit.note_id] = [len(spans_in(text, [needle])) for needle in needles]
    total = max(len(candidates), 1)
    average = max(sum(lengths.values()) / total, 1.0)
    frequency = [sum(1 for c in counts.values() if c[i]) for i in range(len(needles))]
    weights = [math.log(1 + (total - df + 0.5) / (df + 0.5)) for df in frequency]

    def score(hit: IndexHit) -> float:
        norm = _K1 * (1 - _B + _B * lengths[hit.note_id] / average)
        return sum(w * tf * (_K1 + 1) / (tf + norm) for w, tf in zip(weights, counts[hit.note_id], strict=True))

    order = {hit.note_id: position for position, hit in enumerate(candidates)}
    return sorted(candidates, key=lambda hit: (-score(hit), order[hit.note_id]))
