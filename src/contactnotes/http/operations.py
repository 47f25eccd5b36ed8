"""Endpoints for operators: liveness, readiness, Prometheus metrics."""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from contactnotes import health
from contactnotes.jobs import repository as jobs
from contactnotes.kit.clock import utc_now
from contactnotes.observability import metrics

router = APIRouter(tags=["Operations"])
log = logging.getLogger(__name__)
NOT_READY: dict[int | str, dict[str, Any]] = {
    503: {"description": "A check failed; `failed` names it and `checks` says why"}
}


@router.get("/livez")
async def livez() -> dict[str, str]:
    """The process is up and its event loop answers. Restart it when this fails; nothing else is checked."""
    return {"status": "ok"}


@router.get("/readyz", responses=NOT_READY)
async def readyz(request: Request) -> Response:
    """Ready to serve: database reachable, migrations at head, storage reachable, worker heartbeat fresh when
    a worker is expected."""
    state = request.app.state
    settings = state.settings
    report = await health.readiness(
        state.database,
        state.files.store,
        limit_seconds=settings.health_timeout_seconds,
        worker_expected=settings.health_expect_worker or getattr(state, "embedded_worker", False),
        worker_max_age_seconds=settings.health_worker_max_age_seconds,
    )
    if report.ready:
        return JSONResponse({"status": "ok", "checks": report.checks})
    return JSONResponse(
        {"status": "unavailable", "failed": report.failed, "checks": report.checks},
        status_code=503,
        headers={"Retry-After": "5"},
    )


async def _refresh_outbox_gauges(request: Request) -> None:
    async with request.app.state.database.read_session() as session:
        count, oldest = await jobs.backlog(session)
    metrics.OUTBOX_BACKLOG.set(count)
    metrics.OUTBOX_OLDEST_AGE.set(max((utc_now() - oldest).total_seconds(), 0.0) if oldest else 0.0)


@router.get("/metrics", include_in_schema=False)
async def prometheus_metrics(request: Request) -> Response:
    settings = request.app.state.settings
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    if not (settings.metrics_enabled or token):
        return JSONResponse({"message": "Not Found"}, status_code=404)
    if token:
        offered = request.headers.get("authorization", "")
        if not hmac.compare_digest(offered.encode(), f"Bearer {token}".encode()):
            return JSONResponse(
                {"message": "metrics need the metrics token"}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
            )
    try:
        await asyncio.wait_for(_refresh_outbox_gauges(request), settings.health_timeout_seconds)
    except Exception:  # the database is down: scrape the rest; the outbox gauges keep their last value
        log.warning("outbox gauges not refreshed", exc_info=True)
    body, content_type = metrics.exposition()
    return Response(body, media_type=content_type)
