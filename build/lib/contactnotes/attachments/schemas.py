"""Dialect-neutral inputs and outputs of the attachments core."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class IncomingFile:
    """One part of a multipart upload, as the dialect read it: its bytes are still on the wire."""

    field: str
    filename: str | None
    chunks: AsyncIterator[bytes]


@dataclass(frozen=True, slots=True)
class UploadView:
    key: str
    name: str
    size: int
    content_type: str
    bucket: str
    signed_url: str


@dataclass(frozen=True, slots=True)
class UploadGrant:
    """Where and how to send a file directly: a form POST (S3) or a PUT of the raw bytes (local)."""

    key: str
    method: str
    url: str
    fields: dict[str, str] = field(default_factory=dict)
    expires_at: datetime | None = None
    max_size: int = 0


@dataclass(frozen=True, slots=True)
class Download:
    """What the download route answers: the store's own URL to go to, or the bytes with their headers."""

    content_type: str
    disposition: str
    size: int
    redirect_url: str | None = None
    chunks: AsyncIterator[bytes] | None = None


@dataclass(frozen=True, slots=True)
class CleanupReport:
    unattached: int
    orphaned: int
