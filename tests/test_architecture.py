"""Import rules that keep one domain core under thin dialects (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src" / "contactnotes"
# Everything that is not the HTTP edge: it must work with no web framework at all.
CORE = [
    "attachments", "auth", "contacts", "db", "jobs", "kit", "models", "notes", "notifications", "orgs", "ratelimit",
    "realtime", "reminders", "storage", "users", "webhooks",
    "errors.py", "settings.py",
]  # fmt: skip
FRAMEWORKS = ("fastapi", "starlette")


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def python_files(*parts: str) -> list[Path]:
    files: list[Path] = []
    for part in parts:
        target = SRC / part
        files.extend(sorted(target.rglob("*.py")) if target.is_dir() else [target])
    return [f for f in files if f.exists()]


@pytest.mark.parametrize("path", python_files(*CORE), ids=lambda p: str(p.relative_to(SRC)))
def test_the_core_knows_no_web_framework_and_no_dialect(path: Path) -> None:
    bad = {
        name
        for name in imports_of(path)
        if name.split(".")[0] in FRAMEWORKS
        or name.startswith(("contactnotes.dialects", "contactnotes.http", "contactnotes.app", "contactnotes.web."))
        or name == "contactnotes.web"
    }
    assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"


@pytest.mark.parametrize("path", python_files("dialects", "web"), ids=lambda p: str(p.relative_to(SRC)))
def test_adapters_never_touch_repositories_models_or_the_database(path: Path) -> None:
    """The dialects and the web app: wire formats and pages over the services, no SQL."""
    bad = {
        name
        for name in imports_of(path)
        if name.startswith(("contactnotes.models", "contactnotes.db", "sqlalchemy"))
        or ".repository" in name
        or name.endswith("repository")
    }
    assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"


def test_only_app_knows_every_dialect() -> None:
    for path in SRC.rglob("*.py"):
        if path.parent.is_relative_to(SRC / "dialects") or path.name == "app.py":
            continue
        bad = {name for name in imports_of(path) if name.startswith("contactnotes.dialects")}
        assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"
