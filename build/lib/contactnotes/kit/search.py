"""LIKE patterns from what a user typed, so '%' and '_' match themselves."""

from __future__ import annotations

LIKE_ESCAPE = "\\"


def contains_pattern(text: str) -> str:
    """A case-folded LIKE pattern matching `text` anywhere; use with escape=LIKE_ESCAPE on lower()ed columns."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
