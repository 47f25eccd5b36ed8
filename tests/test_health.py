"""Liveness and readiness: /readyz names what failed."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import text, update

from contactnotes.app import create_app
from contactnotes.db import migrate
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.jobs import repository as jobs
from contactnotes.kit.clock import utc_now
from contactnotes.models import WorkerHeartbeat
from contactnotes.settings import Settings


async def ready(settings: Settings, database: Database) -> httpx.Response:
    app = create_app(settings, database)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        return await client.get("/readyz")


async def test_livez_healthz_and_readyz_answer_when_everything_does(client: httpx.AsyncClient) -> None:
    assert (await client.get("/livez")).json() == {"status": "ok"}
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    response = await client.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "storage": "ok", "worker": "not expected"},
    }


async def test_readyz_is_503_naming_the_database_when_it_is_unreachable(tmp_path: Path) -> None:
    # Port 9 (discard) on loopback: nothing listens there, so every connection attempt is refused.
    settings = Settings(  # type: ignore[call-arg]
        database_url="postgresql+asyncpg://postgres@127.0.0.1:9/none", var_dir=tmp_path, _env_file=None
    )
    database = Database(settings)
    app = create_app(settings, database)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            assert (await client.get("/livez")).status_code == 200
            assert (await client.get("/healthz")).status_code == 200
            response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        body = response.json()
        assert body["failed"] == ["database", "migrations"]
        assert body["checks"]["database"].startswith("unreachable")
        assert body["checks"]["migrations"] == "database unreachable"
        assert body["checks"]["storage"] == "ok"
    finally:
        await database.dispose()


async def test_readyz_is_503_when_the_database_is_behind_the_code_and_200_when_ahead(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/old.db"
    await asyncio.to_thread(migrate.upgrade, url, "0009")
    settings = Settings(database_url=url, var_dir=tmp_path / "var", _env_file=None)  # type: ignore[call-arg]
    database = Database(settings)
    try:
        response = await ready(settings, database)
        assert response.status_code == 503
        assert response.json()["failed"] == ["migrations"]
        assert response.json()["checks"]["migrations"] == f"database at 0009, code expects {migrate.head_revision()}"
        await asyncio.to_thread(migrate.upgrade, url)
        assert (await ready(settings, database)).status_code == 200
        async with database.engine.begin() as connection:  # a newer release migrated it (rolling upgrade)
            await connection.execute(text("UPDATE alembic_version SET version_num = 'from-a-newer-release'"))
        assert (await ready(settings, database)).status_code == 200
    finally:
        await database.dispose()


async def test_readyz_is_503_when_local_storage_is_not_a_directory(settings: Settings, database: Database) -> None:
    blocker = settings.var_dir / "not-a-directory"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the files should be")
    response = await ready(settings.model_copy(update={"storage_dir": blocker}), database)
    assert response.status_code == 503
    assert response.json()["failed"] == ["storage"]
    assert response.json()["checks"]["storage"] == f"{blocker.resolve()} is not a writable directory"


async def test_readyz_wants_a_fresh_worker_heartbeat_when_a_worker_is_expected(
    settings: Settings, database: Database
) -> None:
    expecting = settings.model_copy(update={"health_expect_worker": True, "health_worker_max_age_seconds": 30})
    response = await ready(expecting, database)
    assert response.status_code == 503
    assert response.json()["failed"] == ["worker"]
    assert response.json()["checks"]["worker"] == "no worker has reported"

    async with unit_of_work(database) as session:
        await jobs.beat(session, "host:1:a", utc_now(), utc_now())
    assert (await ready(expecting, database)).status_code == 200

    async with unit_of_work(database) as session:  # the worker went silent two minutes ago
        await session.execute(update(WorkerHeartbeat).values(beat_at=utc_now() - timedelta(minutes=2)))
    response = await ready(expecting, database)
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "last worker heartbeat 120s ago"


async def test_openapi_documents_every_error_of_the_create_endpoint(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    responses = spec["paths"]["/api/contact-notes"]["post"]["responses"]
    assert {"201", "400", "401", "404", "413", "500", "503"} <= set(responses)
    assert "bearer" in str(spec["components"]["securitySchemes"]).lower()
