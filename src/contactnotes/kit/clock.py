"""The only place that reads the clock, so tests and code agree on 'now' being aware UTC.

One clock serves the process: the system's, unless a test (or a tool replaying history) installs another
with `using`. Everything that needs the time asks `utc_now()` or `epoch_seconds()`, so a test that advances
a `ManualClock` moves retries, digests, leases and ids together instead of sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...

    def seconds(self) -> float: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def seconds(self) -> float:
        return time.time()


class ManualClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime.now(UTC)

    def now(self) -> datetime:
        return self._now

    def seconds(self) -> float:
        return self._now.timestamp()

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now


_clock: Clock = SystemClock()


def utc_now() -> datetime:
    return _clock.now()


def epoch_seconds() -> float:
    return _clock.seconds()


def current() -> Clock:
    return _clock


@contextmanager
def using(clock: Clock) -> Iterator[Clock]:
    """Make `clock` the process's clock for the duration of the block."""
    global _clock
    previous, _clock = _clock, clock
    try:
        yield clock
    finally:
        _clock = previous


def iso_millis(value: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a Z, as JavaScript's Date.toISOString() writes it."""
    if value.tzinfo is None or value.utcoffset():
        value = value.astimezone(UTC)
    # isoformat is about twice as fast as strftime, and a page of notes formats 75 of these.
    return value.isoformat(timespec="milliseconds")[:23] + "Z"


def to_utc(value: datetime) -> datetime | None:
    """`value` as aware UTC (a value without a zone is taken as UTC), or None when that instant falls outside
    the calendar Python and the databases share (years 1 to 9999): "0001-01-01T00:30+01:00" is in year 0."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return None
