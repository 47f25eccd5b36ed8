"""Who may open the administration pages, and small helpers they share.

A member who is not an admin gets "not found" on every admin page, as for any address that is not there:
the pages' existence is nobody else's business. The services check the role again on every change.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.datastructures import FormData

from contactnotes.auth.sessions import SignedIn
from contactnotes.errors import NotFound

from .route import Me

MAX_ID = 2**63 - 1


async def web_admin(me: Me) -> SignedIn:
    if not me.principal.is_admin:
        raise NotFound("Not found")
    return me


Admin = Annotated[SignedIn, Depends(web_admin)]


def number_of(value: str) -> int:
    """A numeric id from a path; anything else names nothing here (404, as an unknown id)."""
    if not value.isascii() or not value.isdigit() or len(value) > 19 or int(value) > MAX_ID:
        raise NotFound("Not found")
    return int(value)


def text_of(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""
