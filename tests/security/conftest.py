"""The security tests subscribe webhooks to loopback addresses, as the events tests do."""

from __future__ import annotations

import pytest

from contactnotes.settings import Settings


@pytest.fixture
def settings(database_url: str, tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(  # type: ignore[call-arg]
        database_url=database_url,
        var_dir=tmp_path / "var",
        webhooks_allow_private_urls=True,
        webhook_timeout_seconds=1,
        _env_file=None,
    )
