"""Counting what is in progress per key, in this process: at most `limit` at once for any one key."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterator
from contextlib import contextmanager


class Full(Exception):
    """The key already has `limit` entries in progress."""


class InFlight:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._counts: Counter[Hashable] = Counter()

    def count(self, key: Hashable) -> int:
        return self._counts[key]

    @contextmanager
    def slot(self, key: Hashable) -> Iterator[None]:
        """Hold one of the key's slots for the block; raises Full when they are all taken. No await between
        the check and the increment, so concurrent tasks of one event loop cannot both take the last slot."""
        if self._counts[key] >= self.limit:
            raise Full(key)
        self._counts[key] += 1
        try:
            yield
        finally:
            self._counts[key] -= 1
            if not self._counts[key]:
                del self._counts[key]
