"""Settings that allow loopback webhook receivers, and a receiver."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from contactnotes.settings import Settings
from tests.events.receiver import Receiver, running_receiver


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        database_url=database_url,
        var_dir=tmp_path / "var",
        webhooks_allow_private_urls=True,
        metrics_enabled=True,
        _env_file=None,
    )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running
