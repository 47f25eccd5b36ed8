"""Plain tables of the ORM models, for the hottest statements.

A statement made only of Core columns skips the ORM's compile and row-loading layers on every execution;
built once at import with bound parameters, it also skips building and cache-keying the statement. The
hot paths (authenticating a token, creating a note, reading a timeline) use these; everything else keeps
the ORM's convenience.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table


def table_of(model: Any) -> Table:
    return cast(Table, model.__table__)
