"""HMAC-SHA256 signatures: links the service hands out (Signer) and outgoing webhooks (sign).

Each link signature names the key id it was made with, so the secret can be rotated: add a new key, make it
the current one, and keep the old one until the links it signed have expired.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence


class BadSignature(Exception):
    """The signature does not match the signed fields, or names an unknown key."""


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _message(fields: Sequence[str]) -> bytes:
    # Length-prefixed, so no field can slide into its neighbour ("ab"+"c" never signs like "a"+"bc").
    return b"".join(len(f.encode()).to_bytes(4, "big") + f.encode() for f in fields)


class Signer:
    def __init__(self, keys: Mapping[str, bytes], current: str) -> None:
        if current not in keys:
            raise ValueError(f"the current signing key {current!r} is not among the keys")
        if any(len(secret) < 16 for secret in keys.values()):
            raise ValueError("signing secrets must be at least 16 bytes")
        self._keys = dict(keys)
        self.current = current

    def sign(self, fields: Sequence[str]) -> tuple[str, str]:
        """(key id, signature) over the fields, with the current key."""
        digest = hmac.new(self._keys[self.current], _message(fields), hashlib.sha256).digest()
        return self.current, _b64(digest)

    def verify(self, key_id: str, signature: str, fields: Sequence[str]) -> None:
        secret = self._keys.get(key_id)
        if secret is None:
            raise BadSignature("unknown signing key")
        expected = _b64(hmac.new(secret, _message(fields), hashlib.sha256).digest())
        if not hmac.compare_digest(expected, signature):
            raise BadSignature("signature does not match")


def sign(secret: str, message: bytes) -> str:
    """Base64 of HMAC-SHA256(secret, message): the webhook signature."""
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def signed_message(timestamp: int, body: bytes) -> bytes:
    """What the contactnotes signature covers: the timestamp, a dot, the body (so a replay cannot re-date it)."""
    return str(timestamp).encode() + b"." + body
