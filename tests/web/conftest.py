"""The browser tests' live site (one per test module and database) and their Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.conftest import fresh_pg_database, require_postgres

from .support import CHROMIUM, CHROMIUM_ARGS, Site, in_thread, running_site


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium is not installed at {CHROMIUM} (make test installs it)")
    module = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    folder = tmp_path_factory.mktemp(module)
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{folder / 'web.db'}"
    else:
        require_postgres()
        suffix: str = request.getfixturevalue("worker_id_suffix")
        url = in_thread(fresh_pg_database, f"contactnotes_{module}_{suffix}")
    with running_site(url, folder / "var") as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
