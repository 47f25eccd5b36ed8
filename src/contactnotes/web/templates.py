"""Jinja2 set-up: autoescaped templates, and the filters pages use to show times, people and sizes."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from contactnotes.kit.clock import utc_now
from contactnotes.notes.rendering import render_markdown
from contactnotes.web.views import QUICK_EMOJI

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"

templates = Jinja2Templates(directory=HERE / "templates")
templates.env.auto_reload = False  # templates change with the package, not while it runs (saves a stat per use)


def relative_time(moment: datetime, now: datetime | None = None) -> str:
    """ "3 hours ago", "in 2 days": what a person reads at a glance (the exact time is in the title)."""
    now = now or utc_now()
    seconds = (now - moment).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    for unit, size in (("year", 31_536_000), ("month", 2_592_000), ("day", 86_400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            words = f"{count} {unit}{'' if count == 1 else 's'}"
            return f"in {words}" if future else f"{words} ago"
    return "just now"


def exact_time(moment: datetime) -> str:
    # isoformat, not strftime: a third of the time, and four-digit years at the calendar's start too.
    return moment.astimezone(UTC).isoformat(sep=" ", timespec="minutes")[:16] + " UTC"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


# A page shows the same few people on every note: their initials and colours are worked out once.
@lru_cache(maxsize=4096)
def initials(name: str) -> str:
    parts = [p for p in name.split() if p[:1].isalnum()]
    letters = (parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")) if parts else "?"
    return letters.upper()


@lru_cache(maxsize=4096)
def avatar_hue(key: str) -> int:
    """A stable colour per person, so the same author looks the same everywhere."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:4], 16) % 12


def file_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


def minutes(value: int) -> str:
    hours, rest = divmod(value, 60)
    return f"{hours} h {rest} min" if hours else f"{rest} min"


def markdown(body: str) -> Markup:
    return Markup(render_markdown(body))  # noqa: S704 (sanitized by nh3 with an allowlist: notes/rendering.py)


def plain(body: str) -> str:
    """A note's text without its markdown, for one-line excerpts."""
    return Markup(render_markdown(body)).striptags()  # noqa: S704 (sanitized first; only text is kept)


@cache
def asset_version() -> str:
    """Changes when any static file changes, so browsers may cache them for long."""
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def static_url(name: str) -> str:
    return f"/static/{name}?v={asset_version()}"


templates.env.filters.update(
    relative=relative_time, exact=exact_time, iso=iso, initials=initials, hue=avatar_hue, filesize=file_size,
    minutes=minutes, markdown=markdown, plain=plain,
)  # fmt: skip
templates.env.globals["static"] = static_url
# The same buttons under every note: built and escaped once, not once per note of every page.
templates.env.globals["emoji_menu"] = Markup("").join(
    Markup('<button type="submit" name="emoji" value="{0}" aria-label="React with {0}">{0}</button>').format(emoji)
    for emoji in QUICK_EMOJI
)


def render(request: Request, template: str, context: dict[str, Any], *, status_code: int = 200) -> HTMLResponse:
    response: HTMLResponse = templates.TemplateResponse(request, template, context, status_code=status_code)
    return response
