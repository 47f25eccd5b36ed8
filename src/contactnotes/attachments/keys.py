"""Storage keys are made by the server: the user's file name is only metadata (and a readable suffix)."""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import date

MAX_SAFE_NAME = 100
MAX_EXTENSION = 10
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _clean(part: str) -> str:
    return _UNSAFE.sub("-", part).strip(".-_")


def safe_name(name: str) -> str:
    """'../Über Plan (v2).PDF' -> 'Uber-Plan-v2.PDF': ASCII letters, digits, '.', '_' and '-' only."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = ascii_name.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem, extension = base, ""
    extension = _clean(extension)[:MAX_EXTENSION]
    stem = _clean(stem)[: MAX_SAFE_NAME - len(extension) - 1] or "file"
    return f"{stem}.{extension}" if extension else stem


def org_prefix(org_oid: str) -> str:
    return f"orgs/{org_oid}/"


def new_key(org_oid: str, name: str, today: date) -> str:
    return f"{org_prefix(org_oid)}uploads/{today.isoformat()}/{secrets.token_hex(8)}-{safe_name(name)}"


STAGING_PREFIX = "staging/"


def staging_key(key: str) -> str:
    """Where a direct upload's bytes land before they are checked (outside every organization's prefix).

    A client's grant writes here, never to the key that is served: the checked bytes are moved to the key
    once, by the server, so a later write through the same grant cannot replace what was checked."""
    return STAGING_PREFIX + key


def private_staging_key() -> str:
    """A staging key for one request's bytes (a signed PUT), promoted to its key only if the grant is unused."""
    return f"{STAGING_PREFIX}put/{secrets.token_hex(16)}"
