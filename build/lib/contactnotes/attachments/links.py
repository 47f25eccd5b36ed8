"""Signed links to stored objects, made at read time after the access check.

A link is `<base>/api/files/<key>?exp=&disp=&name=&kid=&sig=`: an HMAC-SHA256 (kit/signing.py) over the method,
the key, the expiry and the disposition (which carries the file name shown on download). The app answers it
(files of the local store) or, for an S3 store, checks it and redirects to a presigned URL of a minute:
either way the app decides at every click whether the file is still attached to a live note.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode

from contactnotes.errors import Forbidden, Invalid
from contactnotes.kit.signing import BadSignature, Signer
from contactnotes.storage import UnsafeKey, check_key

FILES_PATH = "/api/files/"
REDIRECT_SECONDS = 60
DENIED = "This link has expired or was altered"


@dataclass(frozen=True, slots=True)
class Grant:
    method: str
    key: str
    expires: int
    detail: str  # GET: "<disposition>:<file name>"; PUT: "max=<bytes>"


def _fields(grant: Grant) -> list[str]:
    return [grant.method, grant.key, str(grant.expires), grant.detail]


def make_link(base_url: str, signer: Signer, grant: Grant) -> str:
    key_id, signature = signer.sign(_fields(grant))
    if grant.method == "GET":
        disposition, _, name = grant.detail.partition(":")
        extra = {"disp": disposition, "name": name}
    else:
        extra = {"max": grant.detail.removeprefix("max=")}
    query = urlencode({"exp": grant.expires, **extra, "kid": key_id, "sig": signature})
    return f"{base_url}{FILES_PATH}{quote(grant.key)}?{query}"


def download_link(base_url: str, signer: Signer, key: str, name: str, *, expires: int, inline: bool = False) -> str:
    detail = f"{'inline' if inline else 'attachment'}:{name}"
    return make_link(base_url, signer, Grant("GET", key, expires, detail))


def checked_key(key: str) -> str:
    try:
        return check_key(key)
    except UnsafeKey:
        raise Invalid.field("key", "The path is not a storage key", "UNSAFE_KEY") from None


def verify(signer: Signer, method: str, key: str, params: Mapping[str, str], now: datetime) -> Grant:
    """The grant the link carries; 400 for a path that is no key, 403 when expired or altered."""
    key = checked_key(key)
    try:
        expires = int(params.get("exp", ""))
    except ValueError:
        raise Forbidden(DENIED) from None
    detail = f"{params.get('disp', '')}:{params.get('name', '')}" if method == "GET" else f"max={params.get('max', '')}"
    grant = Grant(method, key, expires, detail)
    try:
        signer.verify(params.get("kid", ""), params.get("sig", ""), _fields(grant))
    except BadSignature:
        raise Forbidden(DENIED) from None
    if expires < now.timestamp():
        raise Forbidden(DENIED)
    return grant


def content_disposition(kind: str, name: str) -> str:
    """RFC 6266: an ASCII fallback name and the exact one in filename* (RFC 5987)."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in name) or "file"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
