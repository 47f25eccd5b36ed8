"""Reading an export file: rows with the line each starts on (a quoted body may span lines)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from contactnotes.errors import Invalid
from contactnotes.importing.rows import NoteRow, RowProblem, read_row
from contactnotes.importing.sources import SOURCES, resolve_columns

# A note body may be long (HTML especially); the csv module's default cap is 128 KiB.
csv.field_size_limit(4 * 1024 * 1024)


@dataclass(frozen=True, slots=True)
class Rejected:
    line: int
    reason: str


def read_file(path: Path, source: str) -> Iterator[NoteRow | Rejected]:
    """Each data row, read or rejected. A file whose header lacks a required column is refused whole."""
    if source not in SOURCES:
        raise Invalid.field("from", f"Unknown source {source!r}; one of: {', '.join(SOURCES)}")
    columns = SOURCES[source]
    # utf-8-sig: Excel and HubSpot start their CSV files with a byte-order mark.
    with path.open(newline="", encoding="utf-8-sig", errors="strict") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise Invalid.field("file", f"{path.name} is empty") from None
        found, missing = resolve_columns(columns, header)
        if missing:
            wanted = "; ".join(f"{field}: one of {list(getattr(columns, field))}" for field in missing)
            raise Invalid.field("file", f"{path.name} lacks required columns ({wanted})")
        title_at = found.pop("title", None)
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as exc:
                # The rest of the file cannot be trusted to split into the same rows: refuse it whole.
                raise Invalid.field("file", f"{path.name}, line {line}: unreadable CSV ({exc})") from None
            if not any(cell.strip() for cell in cells):
                continue
            values = {field: cells[index] for field, index in found.items() if index < len(cells)}
            title = cells[title_at] if title_at is not None and title_at < len(cells) else None
            try:
                yield read_row(line, values, title)
            except RowProblem as problem:
                yield Rejected(line, str(problem))
