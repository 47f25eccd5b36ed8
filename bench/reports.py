"""Where a run's report goes: bench/results/, under a name no earlier report holds (a report is a record)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def report_path(output: str | None, kind: str) -> Path:
    """`output` as given (the caller chose it), or <date>-<kind>.md, then <date>-<kind>-2.md and so on: a second
    run on the same day does not overwrite the first one's report, which other reports may cite."""
    if output:
        return RESULTS / output
    stem = f"{datetime.now(UTC):%Y-%m-%d}-{kind}"
    path, number = RESULTS / f"{stem}.md", 1
    while path.exists():
        number += 1
        path = RESULTS / f"{stem}-{number}.md"
    return path
