"""One spelling per emoji: "❤" (text presentation) and "❤️" (with U+FE0F) are the same emoji to a person."""

from __future__ import annotations

import emoji as emoji_lib

_SELECTORS = str.maketrans("", "", "\ufe0e\ufe0f")
# Each emoji without its variation selectors -> its fully-qualified spelling (Unicode's emoji-test.txt).
_FULLY_QUALIFIED = {
    spelling.translate(_SELECTORS): spelling
    for spelling, data in emoji_lib.EMOJI_DATA.items()
    if data["status"] == emoji_lib.STATUS["fully_qualified"]
}


def canonical_emoji(value: str) -> str:
    """The fully-qualified spelling of `value` when it is an emoji in any presentation form; else `value`."""
    return _FULLY_QUALIFIED.get(value.translate(_SELECTORS), value)
