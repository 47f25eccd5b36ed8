"""The security tests subscribe webhooks to loopback addresses, as the events tests do; the sweeps read what
a webhook receiver and a mailbox got."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contactnotes.settings import Settings
from tests.events.receiver import Receiver, running_receiver
from tests.events.test_email import mailbox  # noqa: F401 (the email tests' SMTP server, a fixture here too)


@pytest.fixture
def settings(database_url: str, tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(  # type: ignore[call-arg]
        database_url=database_url,
        var_dir=tmp_path / "var",
        webhooks_allow_private_urls=True,
        webhook_timeout_seconds=1,
        _env_file=None,
    )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running
