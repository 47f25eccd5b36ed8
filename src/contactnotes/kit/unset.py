"""A sentinel for partial updates."""

from __future__ import annotations


class Unset:
    """Marks a field an update leaves alone (distinct from None, which clears it)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET = Unset()
