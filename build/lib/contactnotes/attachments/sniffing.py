"""What a file really is, read from its bytes (libmagic), never from its name or the uploader's claim."""

from __future__ import annotations

import magic

# libmagic decides from the start of a file; 64 KiB is enough for the office formats (zip directories).
SNIFF_BYTES = 64 * 1024

# Types a browser may show in the page. Everything else, and above all HTML, SVG and XML (which can carry
# script), is always served as a download whatever the link asks for.
INLINE_SAFE = frozenset(
    {
        "application/pdf",
        "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp",
        "audio/mpeg", "audio/mp4", "audio/x-m4a", "audio/ogg", "audio/x-wav", "audio/wav", "video/mp4",
    }
)  # fmt: skip


def sniff(head: bytes) -> str:
    if not head:
        return "application/x-empty"
    found: str = magic.from_buffer(head, mime=True)
    return found or "application/octet-stream"


def served_disposition(requested: str, content_type: str) -> str:
    return "inline" if requested == "inline" and content_type in INLINE_SAFE else "attachment"
