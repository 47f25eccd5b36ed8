"""Storage keys are made by the server: the user's file name is only metadata (and a readable suffix)."""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import date

MAX_SAFE_NAME = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str) -> str:
    """'Über Plan (v2).PDF' -> 'Uber-Plan-v2-.PDF': ASCII letters, digits, '.', '_' and '-' only."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    cleaned = _UNSAFE.sub("-", ascii_name.replace("/", "-").replace("\\", "-")).strip(".-_")
    if len(cleaned) > MAX_SAFE_NAME:
        stem, dot, extension = cleaned.rpartition(".")
        cleaned = (stem[: MAX_SAFE_NAME - len(extension) - 1] + dot + extension) if dot and len(extension) <= 10 else ""
        cleaned = cleaned or ascii_name[:MAX_SAFE_NAME]
        cleaned = _UNSAFE.sub("-", cleaned).strip(".-_")
    return cleaned or "file"


def org_prefix(org_oid: str) -> str:
    return f"orgs/{org_oid}/"


def new_key(org_oid: str, name: str, today: date) -> str:
    return f"{org_prefix(org_oid)}uploads/{today.isoformat()}/{secrets.token_hex(8)}-{safe_name(name)}"
