"""SQL functions that must mean the same on PostgreSQL and SQLite."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

SQLITE_LOWER = "unicode_lower"


class fold(GenericFunction[str]):
    """Lower case beyond ASCII on both databases. PostgreSQL's lower() folds "É" under a UTF-8 locale; SQLite's
    built-in one folds ASCII only, so on SQLite this calls `unicode_lower`, Python's str.lower registered on
    each connection (register_sqlite_functions): "école" then finds "ÉCOLE" on both."""

    type = String()
    name = "fold"
    inherit_cache = True


@compiles(fold, "postgresql")
def _fold_postgresql(element: fold, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(fold, "sqlite")
def _fold_sqlite(element: fold, compiler: Any, **kw: Any) -> str:
    return f"{SQLITE_LOWER}({compiler.process(element.clauses, **kw)})"


def _lower(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else value


def register_sqlite_functions(dbapi_connection: Any) -> None:
    """Called on each new SQLite connection. Deterministic, so SQLite may use it wherever a pure function
    may appear."""
    dbapi_connection.create_function(SQLITE_LOWER, 1, _lower, deterministic=True)
