"""The ObjectStore port. Bytes always move as streams of chunks: no backend holds a whole file."""

from __future__ import annotations

import re
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass, field
from typing import Protocol

# Keys are made by the server (attachments/keys.py), so this is strict: relative, '/'-separated segments
# of safe characters, none of them '.' or '..'.
_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
MAX_KEY_LENGTH = 1024


class UnsafeKey(ValueError):
    """A key that is absolute, climbs out with '..', or holds characters no server-made key has."""


def check_key(key: str) -> str:
    if not key or len(key) > MAX_KEY_LENGTH or key.startswith("/") or "\\" in key:
        raise UnsafeKey(key)
    segments = key.split("/")
    if any(s in {".", ".."} or not _SEGMENT.match(s) for s in segments):
        raise UnsafeKey(key)
    return key


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    size: int
    content_type: str | None


@dataclass(frozen=True, slots=True)
class DirectUpload:
    """How a client sends a file straight to the store: a form POST with these fields before the file."""

    url: str
    fields: dict[str, str] = field(default_factory=dict)


class ObjectStore(Protocol):
    name: str  # "local" or "s3"
    bucket: str

    async def put(self, key: str, chunks: AsyncIterable[bytes], content_type: str) -> int:
        """Store the chunks under key; returns the size. If the chunks raise, nothing is left behind."""
        ...

    async def head(self, key: str) -> ObjectInfo | None: ...

    async def read_start(self, key: str, length: int) -> bytes:
        """At most the first `length` bytes (to sniff what a directly uploaded object really is)."""
        ...

    def stream(self, key: str) -> AsyncIterator[bytes]: ...

    async def delete(self, key: str) -> None:
        """Remove the object; absent is fine."""
        ...

    async def promote(self, source: str, key: str) -> None:
        """Make the object at `source` the object at `key`, and remove `source` (a rename on local files, a
        server-side copy on S3). What is at `key` afterwards is a snapshot: later writes to `source` do not
        reach it."""
        ...

    def list_keys(self, prefix: str) -> AsyncIterator[str]: ...

    async def download_url(self, key: str, *, expires_in: int, content_type: str, disposition: str) -> str | None:
        """A URL the store itself serves the object from, or None when the app serves it."""
        ...

    async def direct_upload(self, key: str, *, expires_in: int, max_size: int) -> DirectUpload | None:
        """A presigned POST limited to max_size bytes, or None when the app receives the upload itself."""
        ...

    async def close(self) -> None: ...
