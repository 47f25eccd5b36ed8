"""Any S3-compatible store (AWS S3, Cloudflare R2, MinIO, SeaweedFS) through aiobotocore.

Uploads are streamed as multipart uploads of fixed-size parts (R2 requires every part but the last to be the
same size), so one upload holds at most one part in memory.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterable, AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

from aiobotocore.session import get_session
from botocore.config import Config
from botocore.exceptions import ClientError

from contactnotes.storage.base import DirectUpload, ObjectInfo, check_key

MIN_PART_SIZE = 5 * 1024 * 1024  # S3's minimum for every part but the last


def _missing(error: ClientError) -> bool:
    code = str(error.response.get("Error", {}).get("Code", ""))
    return code in {"404", "NoSuchKey", "NotFound"}


class S3Store:
    name = "s3"

    def __init__(
        self,
        *,
        bucket: str,
        endpoint_url: str | None,
        region: str,
        access_key_id: str | None,
        secret_access_key: str | None,
        addressing_style: str = "path",
        part_size: int = MIN_PART_SIZE,
    ) -> None:
        self.bucket = bucket
        self.part_size = max(part_size, MIN_PART_SIZE)
        self._client_args: dict[str, Any] = {
            "endpoint_url": endpoint_url,
            "region_name": region,
            "aws_access_key_id": access_key_id,
            "aws_secret_access_key": secret_access_key,
            "config": Config(
                signature_version="s3v4",
                s3={"addressing_style": addressing_style},
                retries={"max_attempts": 3, "mode": "standard"},
                # Checksums only when the operation demands them: several S3-compatible stores reject the
                # newer default CRC trailers.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        }
        self._stack: AsyncExitStack | None = None
        self._client: Any = None
        self._lock = asyncio.Lock()

    async def _s3(self) -> Any:
        # Made on first use, so building an app (or a test client) needs no event loop or network.
        if self._client is None:
            async with self._lock:
                if self._client is None:
                    stack = AsyncExitStack()
                    self._client = await stack.enter_async_context(
                        get_session().create_client("s3", **self._client_args)
                    )
                    self._stack = stack
        return self._client

    async def close(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
            self._stack = None
            self._client = None

    async def put(self, key: str, chunks: AsyncIterable[bytes], content_type: str) -> int:
        check_key(key)
        s3 = await self._s3()
        # One fixed buffer, filled and emptied part by part: the memory an upload takes does not depend on the
        # file's size nor on how the bytes arrive.
        buffer = bytearray(self.part_size)
        filled = 0
        size = 0
        upload_id: str | None = None
        parts: list[dict[str, Any]] = []

        async def send_part(length: int) -> None:
            nonlocal upload_id
            if upload_id is None:
                created = await s3.create_multipart_upload(Bucket=self.bucket, Key=key, ContentType=content_type)
                upload_id = created["UploadId"]
            with memoryview(buffer) as view:
                body = bytes(view[:length])
            number = len(parts) + 1
            answer = await s3.upload_part(
                Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=io.BytesIO(body)
            )
            parts.append({"ETag": answer["ETag"], "PartNumber": number})

        try:
            async for chunk in chunks:
                size += len(chunk)
                with memoryview(chunk) as rest:
                    while rest:
                        take = min(len(rest), self.part_size - filled)
                        buffer[filled : filled + take] = rest[:take]
                        filled += take
                        rest = rest[take:]
                        if filled == self.part_size:
                            await send_part(filled)
                            filled = 0
            if upload_id is None:
                with memoryview(buffer) as view:
                    body = bytes(view[:filled])
                await s3.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=content_type)
                return size
            if filled:
                await send_part(filled)
            await s3.complete_multipart_upload(
                Bucket=self.bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
            )
            return size
        except BaseException:
            if upload_id is not None:
                # Shielded: the request may be being cancelled, and the parts must not linger (nor cost).
                await asyncio.shield(s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id))
            raise

    async def head(self, key: str) -> ObjectInfo | None:
        s3 = await self._s3()
        try:
            answer = await s3.head_object(Bucket=self.bucket, Key=check_key(key))
        except ClientError as error:
            if _missing(error):
                return None
            raise
        return ObjectInfo(size=int(answer["ContentLength"]), content_type=answer.get("ContentType"))

    async def read_start(self, key: str, length: int) -> bytes:
        s3 = await self._s3()
        try:
            answer = await s3.get_object(Bucket=self.bucket, Key=check_key(key), Range=f"bytes=0-{length - 1}")
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "InvalidRange":  # an empty object
                return b""
            raise
        async with answer["Body"] as body:
            data: bytes = await body.read()
        return data[:length]

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        s3 = await self._s3()
        answer = await s3.get_object(Bucket=self.bucket, Key=check_key(key))
        async with answer["Body"] as body:
            async for chunk in body.iter_chunks(64 * 1024):
                yield chunk

    async def delete(self, key: str) -> None:
        s3 = await self._s3()
        await s3.delete_object(Bucket=self.bucket, Key=check_key(key))

    async def promote(self, source: str, key: str) -> None:
        s3 = await self._s3()
        # One CopyObject (objects up to 5 GiB): the store copies the source as it is at that moment.
        await s3.copy_object(
            Bucket=self.bucket, Key=check_key(key), CopySource={"Bucket": self.bucket, "Key": check_key(source)}
        )
        await s3.delete_object(Bucket=self.bucket, Key=source)

    async def list_keys(self, prefix: str) -> AsyncIterator[str]:
        s3 = await self._s3()
        paginator = s3.get_paginator("list_objects_v2")
        async for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                yield item["Key"]

    async def download_url(self, key: str, *, expires_in: int, content_type: str, disposition: str) -> str | None:
        s3 = await self._s3()
        url: str = await s3.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": check_key(key),
                # The store answers with the type we sniffed and our disposition, not what the uploader said.
                "ResponseContentType": content_type,
                "ResponseContentDisposition": disposition,
            },
            ExpiresIn=expires_in,
        )
        return url

    async def direct_upload(self, key: str, *, expires_in: int, max_size: int) -> DirectUpload | None:
        s3 = await self._s3()
        post = await s3.generate_presigned_post(
            self.bucket,
            check_key(key),
            Conditions=[["content-length-range", 1, max_size]],
            ExpiresIn=expires_in,
        )
        return DirectUpload(url=post["url"], fields=dict(post["fields"]))
