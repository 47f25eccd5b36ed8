"""Objects as files under one directory: the embedded default, and what tests use besides S3."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterable, AsyncIterator
from pathlib import Path

import anyio

from contactnotes.storage.base import DirectUpload, ObjectInfo, check_key

CHUNK = 64 * 1024


class LocalStore:
    name = "local"
    bucket = "local"

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        # Partial writes live outside the key space and are renamed into place only when complete.
        self._incoming = self.root / ".incoming"

    def _path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        # check_key already refuses '..'; this also stops a symlink planted inside the root.
        if not path.is_relative_to(self.root) or path.is_relative_to(self._incoming):
            raise ValueError(f"key {key!r} leaves the storage directory")
        return path

    async def put(self, key: str, chunks: AsyncIterable[bytes], content_type: str) -> int:
        target = self._path(key)
        await anyio.to_thread.run_sync(lambda: self._incoming.mkdir(parents=True, exist_ok=True))
        partial = self._incoming / uuid.uuid4().hex
        size = 0
        try:
            async with await anyio.open_file(partial, "wb") as out:
                async for chunk in chunks:
                    size += len(chunk)
                    await out.write(chunk)
            await anyio.to_thread.run_sync(lambda: target.parent.mkdir(parents=True, exist_ok=True))
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return size

    async def head(self, key: str) -> ObjectInfo | None:
        path = self._path(key)
        try:
            return ObjectInfo(size=path.stat().st_size, content_type=None)
        except FileNotFoundError:
            return None

    async def read_start(self, key: str, length: int) -> bytes:
        async with await anyio.open_file(self._path(key), "rb") as source:
            return await source.read(length)

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        async with await anyio.open_file(self._path(key), "rb") as source:
            while chunk := await source.read(CHUNK):
                yield chunk

    async def delete(self, key: str) -> None:
        path = self._path(key)
        path.unlink(missing_ok=True)
        # Drop directories the deletion emptied, up to the root, so old dates do not pile up.
        for parent in path.parents:
            if parent == self.root or not parent.is_relative_to(self.root):
                break
            try:
                parent.rmdir()
            except OSError:
                break

    async def promote(self, source: str, key: str) -> None:
        origin, target = self._path(source), self._path(key)
        await anyio.to_thread.run_sync(lambda: target.parent.mkdir(parents=True, exist_ok=True))
        os.replace(origin, target)  # atomic: the key holds the old bytes or the new, never a mix

    async def list_keys(self, prefix: str) -> AsyncIterator[str]:
        if not self.root.exists():
            return
        for path in sorted(self.root.rglob("*")):
            if path.is_file() and not path.is_relative_to(self._incoming):
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    yield key

    async def download_url(self, key: str, *, expires_in: int, content_type: str, disposition: str) -> str | None:
        return None

    async def direct_upload(self, key: str, *, expires_in: int, max_size: int) -> DirectUpload | None:
        return None

    async def close(self) -> None:
        return None
