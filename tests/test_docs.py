"""The README stays true to the code: every setting and every command is documented."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main

from contactnotes.cli import app
from contactnotes.settings import Settings

README = (Path(__file__).parents[1] / "README.md").read_text()


@pytest.mark.parametrize("name", list(Settings.model_fields))
def test_every_setting_is_in_the_readme(name: str) -> None:
    assert f"`CONTACTNOTES_{name.upper()}`" in README


def test_every_command_is_in_the_readme() -> None:
    group = typer.main.get_group(app)
    for name, command in group.commands.items():
        subcommands = getattr(command, "commands", None)
        if subcommands:
            lines = [line for line in README.splitlines() if f"`contactnotes {name} " in line]
            for sub in subcommands:
                assert any(sub in line.split("`")[1] for line in lines), (name, sub)
        else:
            assert f"contactnotes {name}" in README, name
