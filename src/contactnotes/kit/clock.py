"""The only place that reads the clock, so tests and code agree on 'now' being aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso_millis(value: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a Z, as JavaScript's Date.toISOString() writes it."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
