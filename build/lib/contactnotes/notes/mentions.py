"""Finding @handles in a note body."""

from __future__ import annotations

import re

# An @ that starts a word (so "bob@example.com" is an address, not a mention), then a handle.
_MENTION_RE = re.compile(r"(?<![\w@.+-])@([A-Za-z0-9][A-Za-z0-9_.-]{0,63})")


def handles_in(body: str) -> list[str]:
    """Lower-cased handles mentioned in the body, first appearance first, without duplicates."""
    seen: dict[str, None] = {}
    for match in _MENTION_RE.finditer(body):
        seen.setdefault(match.group(1).rstrip(".-").lower(), None)
    return [handle for handle in seen if handle]
