"""The query language a person types, parsed leniently: a query is never an error.

    budget review        both words, each also as a prefix ("revi" finds "review")
    "exact phrase"       the words next to each other, in order
    -draft  -"old plan"  without the word (as a prefix) or the phrase
    w2 OR 1099           either side (binds the two terms next to it)
    author:@alice  author:me  type:call  contact:<id>  is:important  is:private  has:file  mentions:me
    before:2026-01-31 (notes dated before that day)  after:2026-01-01 (dated on that day or later)

Anything that is not well-formed (an unknown filter, a bad date, an unclosed quote, a dangling OR) is
read as plain words instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from contactnotes.kit.ids import parse_oid
from contactnotes.search.text import has_cjk, words

MAX_TERMS = 64  # words and phrases past this are ignored: a query is typed, not generated

_TOKEN = re.compile(r'-?"[^"]*"|\S+')


@dataclass(frozen=True, slots=True)
class Term:
    """Consecutive words; with `prefix` the last one is matched as a prefix (a typed word), without it
    exactly (a quoted phrase)."""

    words: tuple[str, ...]
    prefix: bool

    @property
    def cjk(self) -> bool:
        return any(has_cjk(w) for w in self.words)


@dataclass(slots=True)
class Filters:
    authors: list[str] = field(default_factory=list)  # handles, without "@"; "me" is the caller
    types: list[str] = field(default_factory=list)
    contacts: list[int | str] = field(default_factory=list)  # integer ids or ObjectIds
    important: bool = False
    private: bool = False
    has_file: bool = False
    mentions_me: bool = False
    before: date | None = None
    after: date | None = None

    def any(self) -> bool:
        return bool(
            self.authors
            or self.types
            or self.contacts
            or self.important
            or self.private
            or self.has_file
            or self.mentions_me
            or self.before
            or self.after
        )


@dataclass(slots=True)
class ParsedQuery:
    clauses: list[list[Term]] = field(default_factory=list)  # ANDed; the terms of one clause ORed
    excluded: list[Term] = field(default_factory=list)
    filters: Filters = field(default_factory=Filters)

    @property
    def positive_terms(self) -> list[Term]:
        return [term for clause in self.clauses for term in clause]

    def empty(self) -> bool:
        return not self.clauses and not self.excluded and not self.filters.any()


def _date(raw: str) -> date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _filter(filters: Filters, key: str, value: str) -> bool:
    """Apply key:value to `filters`; False when it is not a well-formed filter (then it is read as words)."""
    key, folded = key.lower(), value.lower()
    if key == "author" and re.fullmatch(r"@?[\w.-]{1,100}", value):
        filters.authors.append(folded.removeprefix("@"))
    elif key == "type" and value:
        filters.types.append(value)
    elif key == "contact" and (parse_oid(folded) is not None or re.fullmatch(r"[1-9]\d{0,17}", value)):
        filters.contacts.append(int(value) if value.isdigit() else folded)
    elif key == "is" and folded in {"important", "private"}:
        setattr(filters, folded, True)
    elif key == "has" and folded in {"file", "files", "attachment"}:
        filters.has_file = True
    elif key == "mentions" and folded == "me":
        filters.mentions_me = True
    elif key in {"before", "after"} and (day := _date(value)) is not None:
        if key == "before":
            filters.before = day if filters.before is None else min(filters.before, day)
        else:
            filters.after = day if filters.after is None else max(filters.after, day)
    else:
        return False
    return True


def _term(text: str, *, phrase: bool) -> Term | None:
    found = tuple(words(text))
    return Term(found, prefix=not phrase) if found else None


def parse(query: str) -> ParsedQuery:
    parsed = ParsedQuery()
    pending_or = False
    count = 0
    for raw in _TOKEN.findall(query):
        if count >= MAX_TERMS:
            break
        negative = raw.startswith("-") and len(raw) > 1
        body = raw[1:] if negative else raw
        phrase = len(body) >= 2 and body.startswith('"') and body.endswith('"')
        if raw == "OR" and parsed.clauses and not pending_or:
            pending_or = True
            continue
        if not negative and not phrase and ":" in body:
            key, _, value = body.partition(":")
            if _filter(parsed.filters, key, value):
                pending_or = False
                continue
        term = _term(body.strip('"') if phrase else body, phrase=phrase)
        if term is None:
            continue
        count += 1
        if negative:
            parsed.excluded.append(term)
        elif pending_or:
            parsed.clauses[-1].append(term)
        else:
            parsed.clauses.append([term])
        pending_or = False
    if pending_or:  # a dangling OR is the word "or"
        parsed.clauses.append([Term(("OR",), prefix=True)])
    return parsed
