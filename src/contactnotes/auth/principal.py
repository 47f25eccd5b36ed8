"""The only identity the core sees: who is calling, on behalf of which organization."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Principal:
    org_id: int
    org_oid: str
    user_id: int
    user_oid: str
    full_name: str
    email: str
    avatar_url: str | None
    is_admin: bool
    token_id: int | None = None
    time_zone: str = "UTC"  # the organization's IANA time zone (Virtuous dates are its calendar days)
    # Who in the organization may read notes' edit history (orgs.service.HistoryVisibility): read with the
    # credential, so that no page or request looks it up on its own.
    history_visibility: str = "everyone"
