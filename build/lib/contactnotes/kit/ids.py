"""ObjectId-style ids: 24 lowercase hex digits, time-ordered, as MongoDB (and so TetherAI) makes them.

Layout: 4-byte big-endian epoch seconds, 5 random bytes fixed per process, 3-byte counter.
"""

from __future__ import annotations

import itertools
import os
import re
import threading
import time

_OID_RE = re.compile(r"^[0-9a-f]{24}$")
_process_random = os.urandom(5)
_counter = itertools.count(int.from_bytes(os.urandom(3), "big"))
_lock = threading.Lock()


def new_oid(at: float | None = None) -> str:
    seconds = int(time.time() if at is None else at)
    with _lock:
        count = next(_counter) & 0xFFFFFF
    return (seconds.to_bytes(4, "big") + _process_random + count.to_bytes(3, "big")).hex()


def is_oid(value: object) -> bool:
    return isinstance(value, str) and _OID_RE.fullmatch(value) is not None


def parse_oid(value: object) -> str | None:
    """The canonical (lowercase) form of an ObjectId string, or None when it is not one.

    MongoDB accepts either case, so clients may send upper-case hex; we store lower-case.
    """
    if not isinstance(value, str):
        return None
    lowered = value.lower()
    return lowered if _OID_RE.fullmatch(lowered) else None
