"""One CSV row, read into what a note needs, or the reason it cannot be imported."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from html_to_markdown import ConversionOptions, convert

from contactnotes.notes.schemas import MAX_NOTE_LENGTH

_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_HTML = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*)(?:\s[^>]*)?/?>|&(?:[a-z]+|#\d+);")
# HubSpot writes associations as "Name (email)".
_NAME_AND_EMAIL = re.compile(r"^\s*(?P<name>.*?)\s*\((?P<email>[^()]+@[^()]+)\)\s*$")
MAX_EXTERNAL_ID = 255
MAX_CONTACT_NAME = 300
TRUE = {"1", "true", "yes", "y", "t"}


class RowProblem(ValueError):
    """Why a row is rejected: written to the rejects file with its line number."""


@dataclass(frozen=True, slots=True)
class NoteRow:
    line: int
    external_id: str
    # As the file has it (HTML or text): converted by finish_body (importing/bodies.py), in worker processes
    # for a large file, while the database writes the batches already converted.
    raw_body: str
    title: str | None
    note_date: datetime
    author_email: str | None
    contact_external_id: str | None
    contact_email: str | None
    contact_name: str | None
    type: str | None
    is_private: bool


def email_in(text: str) -> str | None:
    match = _EMAIL.search(text)
    return match.group(0).lower() if match else None


def parse_date(text: str) -> datetime:
    """ISO 8601 (Salesforce's 2024-03-05T14:22:00.000Z, Pipedrive's 2024-03-05 14:22:00) or epoch
    milliseconds (HubSpot's API exports). A date without a zone is UTC, which is what all three write."""
    text = text.strip()
    if not text:
        raise RowProblem("no date")
    try:
        if text.isdigit():
            return datetime.fromtimestamp(int(text) / 1000, UTC)
        parsed = datetime.fromisoformat(text)
    except (ValueError, OverflowError, OSError) as exc:
        raise RowProblem(f"unreadable date {text[:40]!r}") from exc
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


# html-to-markdown (a compiled converter; markdownify, used before, took five times as long a body). Its
# options are markdownify's choices: ATX headings, "-" bullets, and a literal * or _ in the text escaped so
# it cannot turn into emphasis.
_OPTIONS = ConversionOptions(
    heading_style="atx", bullets="-", escape_misc=False, escape_asterisks=True, escape_underscores=True
)


def has_markup(body: str) -> bool:
    """Whether the body holds a tag or an entity: only those need converting (the costly part)."""
    return _HTML.search(body) is not None


def to_markdown(body: str) -> str:
    """HTML bodies (HubSpot, Pipedrive and Salesforce's enhanced notes) become markdown; plain text stays."""
    if not has_markup(body):
        return body.strip()
    return (convert(body, _OPTIONS).content or "").strip()


def finish_body(body: str, title: str | None) -> str:
    """The note's markdown body: converted, with the title (Salesforce) as a first bold line."""
    body = to_markdown(body)
    if title and title.strip():
        body = f"**{title.strip()}**\n\n{body}".strip()
    if not body:
        raise RowProblem("empty body")
    if len(body) > MAX_NOTE_LENGTH:
        raise RowProblem(f"body longer than {MAX_NOTE_LENGTH} characters")
    return body


def _contact_name_and_email(cell: str | None) -> tuple[str | None, str | None]:
    if not cell:
        return None, None
    first = cell.split(";")[0].strip()  # HubSpot lists several associations separated by ';'
    match = _NAME_AND_EMAIL.match(first)
    if match:
        return match.group("name") or None, match.group("email").strip().lower()
    return first or None, None


def read_row(line: int, cells: dict[str, str], title: str | None) -> NoteRow:
    """`cells`: field name -> the cell's text (absent columns absent)."""
    external_id = cells.get("external_id", "").strip()
    if not external_id:
        raise RowProblem("no external id")
    if len(external_id) > MAX_EXTERNAL_ID:
        raise RowProblem(f"external id longer than {MAX_EXTERNAL_ID} characters")
    raw_body = cells.get("body", "")
    if not raw_body.strip():
        raise RowProblem("empty body")
    name, name_email = _contact_name_and_email(cells.get("contact_name"))
    contact_email = email_in(cells.get("contact_email", "")) or name_email
    contact_external_id = (cells.get("contact_external_id") or "").split(";")[0].strip() or None
    if contact_external_id and len(contact_external_id) > MAX_EXTERNAL_ID:
        raise RowProblem(f"contact id longer than {MAX_EXTERNAL_ID} characters")
    if not contact_email and not contact_external_id:
        raise RowProblem("no contact: neither an e-mail nor an id")
    return NoteRow(
        line=line,
        external_id=external_id,
        raw_body=raw_body,
        title=title,
        note_date=parse_date(cells.get("date", "")),
        author_email=email_in(cells.get("author", "")),
        contact_external_id=contact_external_id,
        contact_email=contact_email,
        contact_name=(name or contact_email or contact_external_id or "")[:MAX_CONTACT_NAME],
        type=(cells.get("type") or "").strip() or None,
        is_private=(cells.get("private") or "").strip().lower() in TRUE,
    )
