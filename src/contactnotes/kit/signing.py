"""HMAC signatures for outgoing webhooks."""

from __future__ import annotations

import base64
import hashlib
import hmac


def sign(secret: str, message: bytes) -> str:
    """Base64 of HMAC-SHA256(secret, message)."""
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def signed_message(timestamp: int, body: bytes) -> bytes:
    """What the contactnotes signature covers: the timestamp, a dot, the body (so a replay cannot re-date it)."""
    return str(timestamp).encode() + b"." + body
