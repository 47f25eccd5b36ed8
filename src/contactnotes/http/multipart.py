"""A multipart/form-data reader that hands out each part's bytes as they arrive, never spooling a file.

Starlette's request.form() writes every file to a temporary file before the handler runs, so a size limit
could only be checked once the whole upload had been received; this reader lets the handler stop at the
first byte over its limit.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from contactnotes.http.errors import RequestRefused, RequestTooLarge
from contactnotes.http.inputs import NUL_MESSAGE


@dataclass(slots=True)
class Part:
    name: str
    filename: str | None
    content_type: str | None
    chunks: AsyncIterator[bytes]


def _malformed(reason: str) -> RequestRefused:
    return RequestRefused.field("body", f"The multipart body is malformed: {reason}", "MALFORMED_MULTIPART")


class MultipartReader:
    """Parts of a multipart body, read as they arrive; more than `max_total` bytes in all is refused (413)."""

    def __init__(self, content_type: str, body: AsyncIterator[bytes], *, max_total: int) -> None:
        media_type, options = parse_options_header(content_type)
        boundary = options.get(b"boundary")
        if media_type != b"multipart/form-data" or not boundary:
            raise RequestRefused.field("body", "Send multipart/form-data with a boundary", "NOT_MULTIPART")
        self._body = body
        self._max_total = max_total
        self._seen = 0
        self._events: deque[tuple[str, object]] = deque()
        self._done = False
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._headers: dict[bytes, bytes] = {}
        self._parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._on_part_begin,
                "on_part_data": self._on_part_data,
                "on_part_end": lambda: self._events.append(("end", None)),
                "on_header_field": lambda d, s, e: self._header_field.extend(d[s:e]),
                "on_header_value": lambda d, s, e: self._header_value.extend(d[s:e]),
                "on_header_end": self._on_header_end,
                "on_headers_finished": lambda: self._events.append(("headers", dict(self._headers))),
            },
        )

    def _on_part_begin(self) -> None:
        self._headers = {}

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        self._events.append(("data", bytes(data[start:end])))

    def _on_header_end(self) -> None:
        self._headers[bytes(self._header_field).lower()] = bytes(self._header_value)
        self._header_field.clear()
        self._header_value.clear()

    async def _next_event(self) -> tuple[str, object] | None:
        while not self._events:
            if self._done:
                return None
            try:
                chunk = await anext(self._body)
            except StopAsyncIteration:
                self._done = True
                self._parser.finalize()
                continue
            self._seen += len(chunk)
            if self._seen > self._max_total:
                raise RequestTooLarge.field("body", f"The request is larger than {self._max_total} bytes", "TOO_LARGE")
            try:
                self._parser.write(chunk)
            except MultipartParseError as exc:
                raise _malformed(str(exc)) from None
        return self._events.popleft()

    async def _part_bytes(self) -> AsyncIterator[bytes]:
        while True:
            event = await self._next_event()
            if event is None:
                raise _malformed("it ends inside a part")
            kind, value = event
            if kind == "end":
                return
            if kind == "data" and isinstance(value, bytes):
                yield value

    async def parts(self) -> AsyncIterator[Part]:
        while (event := await self._next_event()) is not None:
            kind, value = event
            if kind != "headers" or not isinstance(value, dict):
                continue
            disposition, options = parse_options_header(value.get(b"content-disposition", b""))
            if disposition != b"form-data" or b"name" not in options:
                raise _malformed("a part has no form-data name")
            name = options[b"name"].decode("utf-8", "replace")
            filename = options.get(b"filename")
            if filename is not None and b"\x00" in filename:
                # PostgreSQL cannot store it, and on SQLite no download link could ever name it.
                raise RequestRefused.field(name, f"{name}: the file name {NUL_MESSAGE}", "STRING_NUL")
            content_type = value.get(b"content-type")
            part = Part(
                name=name,
                filename=filename.decode("utf-8", "replace") if filename is not None else None,
                content_type=content_type.decode("latin-1") if content_type else None,
                chunks=self._part_bytes(),
            )
            yield part
            # Whatever the consumer left unread of this part is read past before the next one begins.
            async for _ in part.chunks:
                pass
