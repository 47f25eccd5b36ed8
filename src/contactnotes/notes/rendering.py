"""Markdown to safe HTML: markdown-it with raw HTML off, then nh3 with an explicit allowlist.

Two layers on purpose: markdown-it never passes raw HTML through, and nh3 removes anything that still
slips out (a javascript: link, an attribute) whatever markdown-it does in a future version.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"])
_SAFE_LINK_PREFIXES = tuple(f"{scheme}:" for scheme in sorted(ALLOWED_URL_SCHEMES))


def _is_allowed_link(url: str) -> bool:
    """Only absolute http(s) and mailto links become links; anything else stays text. Relative links are
    refused too: nh3 lets them through, and "java%0Ascript:..." is one (harmless, but not a web link)."""
    return url.strip().lower().startswith(_SAFE_LINK_PREFIXES)


_markdown.validateLink = _is_allowed_link  # type: ignore[method-assign]


# Characters that mean nothing to CommonMark within one line that starts with a letter, a digit or "@": such a body
# is one paragraph of itself. Most short notes are; they skip the parse and the clean, which cost a create about 0.2 ms
# (tests/notes/test_rendering.py checks that both ways give the same HTML).
_INERT_PUNCTUATION = frozenset(" ,.;:!?'@/%-")


def _plain_paragraph(body: str) -> str | None:
    if not (body[0].isalnum() or body[0] == "@") or body[-1] == " ":
        return None
    if body[0].isdigit() and not body.isalnum():  # "1. " or "2) " would start a list
        return None
    for character in body:
        if not (character.isalnum() or character in _INERT_PUNCTUATION):
            return None
    return f"<p>{body}</p>\n"


@lru_cache(maxsize=4096)
def render_markdown(body: str) -> str:
    """Safe HTML for a note body. Cached: the same bodies are shown again and again in timelines."""
    if not body:
        return ""
    plain = _plain_paragraph(body)
    if plain is not None:
        return plain
    return _render(body)


def _render(body: str) -> str:
    return nh3.clean(
        _markdown.render(body),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        filter_style_properties={"text-align"},
        strip_comments=True,
    )
