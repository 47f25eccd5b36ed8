"""Querying notes by conditions (Virtuous's Query): the parameter catalogue, value parsing, the use case.

A query is groups of conditions: conditions inside a group are ANDed, groups are ORed. Each condition
names a parameter and an operator from the catalogue (matched ignoring case and spaces); anything else is
400 naming the field at fault.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.errors import Invalid
from contactnotes.kit.clock import utc_now
from contactnotes.kit.dates import parse_local, to_utc, zone
from contactnotes.kit.ids import parse_oid
from contactnotes.notes import query, relative_dates, repository
from contactnotes.notes.query import Test
from contactnotes.notes.schemas import NotePage, NoteSort
from contactnotes.orgs import service as orgs
from contactnotes.users import repository as users_repository

MAX_GROUPS = 20
MAX_CONDITIONS = 20
MAX_VALUES = 1000

# Virtuous's type names: a Type is a List (its values are offered), a user a Lookup.
INTEGER, TEXT, DATE, BOOLEAN, TYPE, USER = "Int", "String", "Date", "Boolean", "List", "Lookup"
OPERATORS: dict[str, list[str]] = {
    INTEGER: ["Is", "IsNot", "In", "NotIn"],
    TYPE: ["Is", "IsNot", "In", "NotIn"],
    USER: ["Is", "IsNot", "In", "NotIn"],
    TEXT: ["Contains", "DoesNotContain", "StartsWith", "Is"],
    DATE: [
        "Is",
        "LessThan",
        "LessThanOrEqual",
        "Before",
        "OnOrBefore",
        "GreaterThan",
        "GreaterThanOrEqual",
        "After",
        "OnOrAfter",
        "Between",
    ],
    BOOLEAN: ["IsTrue", "IsFalse"],
}
MULTIPLE_VALUES = frozenset({"In", "NotIn"})  # take `values`
NO_VALUE = frozenset({"IsTrue", "IsFalse"})
# Synonyms, as Virtuous lists both for dates: LessThan is Before, GreaterThanOrEqual is OnOrAfter, and so on.
_DATE_SYNONYMS = {
    "LessThan": "Before",
    "LessThanOrEqual": "OnOrBefore",
    "GreaterThan": "After",
    "GreaterThanOrEqual": "OnOrAfter",
}


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    type: str
    column: str


PARAMETERS = [
    Parameter("Contact Id", INTEGER, "contact_id"),
    Parameter("Type", TYPE, "type"),
    Parameter("Note", TEXT, "body"),
    Parameter("Note Date", DATE, "note_date"),
    Parameter("Create Date", DATE, "created_at"),
    Parameter("Last Modified Date", DATE, "updated_at"),
    Parameter("Important", BOOLEAN, "important"),
    Parameter("Private", BOOLEAN, "is_private"),
    Parameter("Created By", USER, "author_id"),
]


def _fold(name: str) -> str:
    return "".join(name.split()).casefold()


_BY_NAME = {_fold(p.name): p for p in PARAMETERS}
PARAMETER_NAMES = ", ".join(p.name for p in PARAMETERS)


@dataclass(slots=True)
class ConditionInput:
    parameter: str
    operator: str
    value: str | None = None
    secondary_value: str | None = None
    values: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class OperatorOption:
    operator: str
    multiple_values_allowed: bool
    value_required: bool


def operator_option(name: str) -> OperatorOption:
    return OperatorOption(name, name in MULTIPLE_VALUES, name not in NO_VALUE)


@dataclass(frozen=True, slots=True)
class ParameterOption:
    parameter: str
    type: str
    operators: list[OperatorOption]
    values: list[str]


def all_operators() -> list[OperatorOption]:
    """Every operator some parameter takes, each once, in catalogue order."""
    names = dict.fromkeys(name for p in PARAMETERS for name in OPERATORS[p.type])
    return [operator_option(name) for name in names]


async def query_options(session: AsyncSession, principal: Principal) -> list[ParameterOption]:
    """What a client may ask: every parameter with its operators, and the values it offers (the organization's
    types for Type, the relative dates for dates)."""
    types = [t.name for t in await orgs.list_note_types(session, principal.org_id)]
    offered = {TYPE: types, DATE: list(relative_dates.VALUES)}
    return [
        ParameterOption(p.name, p.type, [operator_option(o) for o in OPERATORS[p.type]], offered.get(p.type, []))
        for p in PARAMETERS
    ]


class _Parser:
    def __init__(self, session: AsyncSession, principal: Principal, where: str) -> None:
        self.session, self.principal, self.where = session, principal, where

    def fail(self, part: str, message: str, code: str = "INVALID") -> Invalid:
        return Invalid.field(f"{self.where}.{part}", message, code)

    def one(self, c: ConditionInput) -> str:
        if c.value is None or c.value == "":
            raise self.fail("value", "This operator needs a value", "REQUIRED")
        return c.value

    def many(self, c: ConditionInput) -> list[str]:
        if not c.values:
            raise self.fail("values", "This operator needs a non-empty list of values", "REQUIRED")
        if len(c.values) > MAX_VALUES:
            raise self.fail("values", f"At most {MAX_VALUES} values", "TOO_MANY")
        return c.values

    def integer(self, raw: str, part: str) -> int:
        try:
            number = int(raw.strip())
        except ValueError:
            raise self.fail(part, f"{raw!r} is not an integer") from None
        if not -(2**63) <= number < 2**63:
            raise self.fail(part, f"{raw!r} is out of range")
        return number

    def span(self, raw: str | None, part: str) -> tuple[datetime, datetime | None]:
        """[start, end) in UTC of a whole day (a date without a time) or a relative value ("Last Month"), or
        (instant, None) for a date-time. Days are the organization's; so is a time without a zone."""
        if raw is None or not raw.strip():
            raise self.fail(part, "This operator needs a date", "REQUIRED")
        local = zone(self.principal.time_zone)
        try:
            relative = relative_dates.span_of(raw, local, utc_now())
            if relative is not None:
                return relative
            parsed, whole_day = parse_local(raw)
            start = to_utc(parsed, local)
            if whole_day:
                return start, _end_of_day(parsed, local)
        except ValueError:
            raise self.fail(
                part, f"{raw!r} is not a date (M/d/yyyy or ISO 8601) nor a value QueryOptions lists"
            ) from None
        except OverflowError:
            raise self.fail(part, f"{raw!r} is outside the years 1 to 9999 in UTC", "OUT_OF_RANGE") from None
        return start, None

    async def users(self, raws: list[str], part: str) -> list[int]:
        """Users by ObjectId, email or integer id; ids and ObjectIds are looked up in one statement each, so
        1,000 values cost two round trips, not 1,000."""
        texts = [raw.strip() for raw in raws]
        oids = {text: oid for text in texts if (oid := parse_oid(text)) is not None}
        numbers = {text: self.integer(text, part) for text in texts if text not in oids and "@" not in text}
        org_id = self.principal.org_id
        by_oid = {u.oid: u.id for u in await users_repository.find_by_oids(self.session, org_id, oids.values())}
        by_id = {u.id for u in await users_repository.find_by_ids(self.session, org_id, numbers.values())}
        ids = []
        for raw, text in zip(raws, texts, strict=True):
            found: int | None
            if text in oids:
                found = by_oid.get(oids[text])
            elif text in numbers:
                found = numbers[text] if numbers[text] in by_id else None
            else:
                user = await users_repository.find_by_email(self.session, text)
                found = user.id if user is not None and user.org_id == org_id else None
            if found is None:
                raise self.fail(part, f"{raw!r} is not a user of this organization", "UNKNOWN_USER")
            ids.append(found)
        return ids

    async def tests(self, p: Parameter, operator: str, c: ConditionInput) -> list[Test]:
        col = p.column
        if p.type == BOOLEAN:
            return [Test(col, "eq", (operator == "IsTrue",))]
        if p.type == TEXT:
            op = {"Contains": "contains", "DoesNotContain": "not_contains", "StartsWith": "starts_with"}.get(operator)
            return [Test(col, op, (self.one(c),))] if op else [Test(col, "eq", (self.one(c),))]
        if p.type == DATE:
            return self.date_tests(col, operator, c)
        single = operator in {"Is", "IsNot"}
        raws = [self.one(c)] if single else self.many(c)
        part = "value" if single else "values"
        if p.type == TYPE:
            values: list[object] = [r.strip() for r in raws]
            op = {"Is": "ieq", "IsNot": "ine", "In": "iin", "NotIn": "inot_in"}[operator]
        else:
            values = list(await self.users(raws, part)) if p.type == USER else [self.integer(r, part) for r in raws]
            op = {"Is": "eq", "IsNot": "ne", "In": "in", "NotIn": "not_in"}[operator]
        return [Test(col, op, tuple(values))]

    def date_tests(self, col: str, operator: str, c: ConditionInput) -> list[Test]:
        # A day (or a relative span) is [start, end): Before it = before its start, OnOrBefore = before its end,
        # After it = from its end, OnOrAfter = from its start. A date-time is an instant, compared as such.
        operator = _DATE_SYNONYMS.get(operator, operator)
        start, end = self.span(c.value, "value")
        if operator == "Is":
            return [Test(col, "ge", (start,)), Test(col, "lt", (end,))] if end else [Test(col, "eq", (start,))]
        if operator == "Before":
            return [Test(col, "lt", (start,))]
        if operator == "OnOrBefore":
            return [Test(col, "lt", (end,))] if end else [Test(col, "le", (start,))]
        if operator == "After":
            return [Test(col, "ge", (end,))] if end else [Test(col, "gt", (start,))]
        if operator == "OnOrAfter":
            return [Test(col, "ge", (start,))]
        upper_start, upper_end = self.span(c.secondary_value, "secondaryValue")
        if upper_start < start:
            raise self.fail("secondaryValue", "secondaryValue is earlier than value")
        # Between is inclusive at both ends (a whole last day or span when it is one).
        if upper_end:
            return [Test(col, "ge", (start,)), Test(col, "lt", (upper_end,))]
        return [Test(col, "ge", (start,)), Test(col, "le", (upper_start,))]


# The calendar's last day has no next day: its span ends at the last instant Python and the databases share, so
# "Is 9999-12-31" and "Between 2026-01-01 9999-12-31" are answered rather than refused.
END_OF_CALENDAR = datetime.max.replace(tzinfo=UTC)


def _end_of_day(day: datetime, local: tzinfo) -> datetime:
    try:
        return to_utc(day + timedelta(days=1), local)
    except OverflowError:
        return END_OF_CALENDAR


def _operator(p: Parameter, raw: str, where: str) -> str:
    wanted = _fold(raw)
    for name in OPERATORS[p.type]:
        if _fold(name) == wanted:
            return name
    raise Invalid.field(
        f"{where}.operator",
        f"Unknown operator {raw!r} for {p.name}; use one of {', '.join(OPERATORS[p.type])}",
        "UNKNOWN_OPERATOR",
    )


async def compile_groups(
    session: AsyncSession, principal: Principal, groups: list[list[ConditionInput]]
) -> list[list[list[Test]]]:
    if len(groups) > MAX_GROUPS:
        raise Invalid.field("groups", f"At most {MAX_GROUPS} groups", "TOO_MANY")
    compiled = []
    for i, group in enumerate(groups):
        if len(group) > MAX_CONDITIONS:
            raise Invalid.field(f"groups[{i}].conditions", f"At most {MAX_CONDITIONS} conditions", "TOO_MANY")
        conditions = []
        for j, condition in enumerate(group):
            where = f"groups[{i}].conditions[{j}]"
            parameter = _BY_NAME.get(_fold(condition.parameter or ""))
            if parameter is None:
                raise Invalid.field(
                    f"{where}.parameter",
                    f"Unknown parameter {condition.parameter!r}; use one of {PARAMETER_NAMES}",
                    "UNKNOWN_PARAMETER",
                )
            operator = _operator(parameter, condition.operator or "", where)
            conditions.append(await _Parser(session, principal, where).tests(parameter, operator, condition))
        if conditions:
            compiled.append(conditions)
    return compiled


async def query_notes(
    session: AsyncSession,
    principal: Principal,
    groups: list[list[ConditionInput]],
    *,
    sort: str = NoteSort.NOTE_DATE,
    descending: bool = True,
    limit: int,
    offset: int = 0,
) -> NotePage:
    """Notes the caller can see that match any group (every condition of it)."""
    compiled = await compile_groups(session, principal, groups)
    notes, total = await query.run(
        session, principal, compiled, sort=sort, descending=descending, limit=limit, offset=offset
    )
    return NotePage(await repository.load_views(session, notes), total)
