"""Bearer token secrets: random, shown once, stored as SHA-256.

SHA-256 rather than a slow password hash is deliberate: a 256-bit random secret cannot be guessed, and a
fast hash lets every request find its token by an indexed lookup.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

TOKEN_PREFIX = "cn_"  # noqa: S105 (a prefix, not a secret)
_TOKEN_RE = re.compile(r"^cn_[A-Za-z0-9_-]{43}$")


def new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def looks_like_token(value: str) -> bool:
    return _TOKEN_RE.fullmatch(value) is not None


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def hashes_match(stored: str, presented: str) -> bool:
    return hmac.compare_digest(stored.encode(), presented.encode())
