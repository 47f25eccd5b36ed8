"""Request parameters spelled as Virtuous spells them: skip/take, integer ids (404 when not one)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request

from contactnotes.errors import NotFound
from contactnotes.http.deps import settings_of

from .wire import MAX_ID

MAX_TAKE = 1000
DEFAULT_TAKE = 10


@dataclass(frozen=True)
class VirtuousPaging:
    skip: int
    take: int


async def paging(
    skip: Annotated[int, Query(ge=0, le=MAX_ID, description="Records to skip. Default 0.")] = 0,
    take: Annotated[int, Query(ge=1, le=MAX_TAKE, description="Records to return. Default 10, at most 1000.")] = (
        DEFAULT_TAKE
    ),
) -> VirtuousPaging:
    return VirtuousPaging(skip, take)


PagingDep = Annotated[VirtuousPaging, Depends(paging)]


def integer_id(raw: str, what: str) -> int:
    """Virtuous ids are integers; anything else names nothing, so it is 404 as the real API answers."""
    text = raw.strip()
    # isdigit() alone admits digits int() refuses ("²"), so only ASCII digits count.
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_ID:
        raise NotFound(f"{what} not found")
    return int(text)


async def base_url(request: Request) -> str:
    return settings_of(request).public_base_url.rstrip("/")


BaseUrlDep = Annotated[str, Depends(base_url)]
