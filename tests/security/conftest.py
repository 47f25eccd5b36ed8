"""The security tests subscribe webhooks to loopback addresses, as the events tests do; the sweeps read what
a webhook receiver and a mailbox got."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller

from contactnotes.settings import Settings
from tests.events.processes import free_port
from tests.events.receiver import Receiver, running_receiver
from tests.events.test_email import Mailbox


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


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield box, controller.port
    finally:
        controller.stop()
