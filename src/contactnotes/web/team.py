"""The organization's teammates and note types as pages show them (pickers, filters, who reacted).

Every page view shows them and they change rarely, so each process keeps them a few seconds per organization:
a teammate added a moment ago may take that long to appear in a picker. Nothing is decided on them here;
the services check every value a form sends back.
"""

from __future__ import annotations

import time
from typing import Any

from contactnotes.auth.principal import Principal
from contactnotes.http.deps import SessionDep
from contactnotes.orgs import service as orgs
from contactnotes.users import service as users
from contactnotes.users.schemas import MemberView

TEAMMATES_SHOWN = 500  # pickers and filters list at most this many people
KEEP_SECONDS = 10.0
MAX_KEPT = 1000  # organizations remembered at once

_kept: dict[tuple[str, int], tuple[float, Any]] = {}


def _fresh(key: tuple[str, int]) -> Any:
    found = _kept.get(key)
    return found[1] if found is not None and time.monotonic() - found[0] < KEEP_SECONDS else None


def _keep(key: tuple[str, int], value: Any) -> None:
    if len(_kept) >= MAX_KEPT:
        _kept.clear()
    _kept[key] = (time.monotonic(), value)


async def members(session: SessionDep, principal: Principal) -> list[MemberView]:
    key = ("members", principal.org_id)
    found: list[MemberView] | None = _fresh(key)
    if found is None:
        found = (await users.list_members(session, principal, limit=TEAMMATES_SHOWN, offset=0)).items
        _keep(key, found)
    return found


async def note_types(session: SessionDep, principal: Principal) -> list[str]:
    key = ("note_types", principal.org_id)
    found: list[str] | None = _fresh(key)
    if found is None:
        found = [t.name for t in await orgs.list_note_types(session, principal.org_id)]
        _keep(key, found)
    return found


def forget() -> None:
    """For tests that change teammates and look at once."""
    _kept.clear()
