"""Query and path parameters in TetherAI's names, parsed the same way on every endpoint."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query

from .wire import ObjectId

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
# Past this an OFFSET scan is pointless (and a larger number would overflow the database's integer).
MAX_OFFSET = 1_000_000


class Paging:
    """`limit` and `offset`; the vendor sends them as strings, so "25" and 25 both parse. Anything
    out of range or not a number is 400 naming the parameter."""

    def __init__(self, limit: int = DEFAULT_LIMIT, offset: int = 0) -> None:
        self.limit = limit
        self.offset = offset


# An async function rather than the class itself: FastAPI calls a class (or any plain `def`) dependency in
# a worker thread, a hop that costs more than parsing two numbers.
async def paging(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Page size, 1-{MAX_LIMIT}.")] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip.")] = 0,
) -> Paging:
    return Paging(limit, offset)


PagingDep = Annotated[Paging, Depends(paging)]
NoteId = Annotated[ObjectId, Path(alias="noteId", description="The note's _id.")]
ContactId = Annotated[ObjectId, Path(alias="contactId", description="The contact's _id.")]
NotificationId = Annotated[ObjectId, Path(alias="notificationId", description="The notification's _id.")]
Search = Annotated[
    str | None, Query(max_length=200, description="Matches anywhere in the name or email, ignoring case.")
]
