"""Domain errors. No HTTP here: each dialect maps these to its own status codes and error shape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str
    code: str = "INVALID"


class DomainError(Exception):
    """Base of every error the core raises on purpose."""

    def __init__(self, message: str, problems: list[FieldProblem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


class NotFound(DomainError):
    """Absent, deleted, another organization's, or a private note of someone else."""


class Invalid(DomainError):
    """The input is well-formed but breaks a rule; names the offending field(s)."""

    @classmethod
    def field(cls, field_name: str, message: str, code: str = "INVALID") -> Self:
        return cls(message, [FieldProblem(field_name, message, code)])


class Forbidden(DomainError):
    """The caller can see the object but may not do this to it (e.g. edit a teammate's note)."""


class Conflict(DomainError):
    """The request clashes with the current state (duplicate email, key in use)."""


class Unprocessable(DomainError):
    """The request parses but cannot be processed as sent (e.g. an idempotency key reused for another request)."""


class Unauthenticated(DomainError):
    """No usable credentials."""


class TooLarge(DomainError):
    """A file or field is over its size limit (413)."""

    @classmethod
    def field(cls, field_name: str, message: str, code: str = "TOO_LARGE") -> Self:
        return cls(message, [FieldProblem(field_name, message, code)])


class Busy(DomainError):
    """Too many of the caller's requests of this kind are in progress at once (429); retry shortly."""

    retry_after = 5
