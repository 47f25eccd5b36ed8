"""The application factory: the only module that knows every dialect."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from starlette.exceptions import HTTPException as StarletteHTTPException

from contactnotes import __version__
from contactnotes.attachments.files import Files
from contactnotes.db.engine import Database
from contactnotes.dialects.tether.files import FILES_PREFIX
from contactnotes.dialects.tether.route import render_error as tether_error
from contactnotes.dialects.tether.router import ROUTERS as TETHER_ROUTERS
from contactnotes.dialects.tether.uploads import UPLOAD_PATH
from contactnotes.dialects.tether.webhooks import webhook_payload as tether_webhook_payload
from contactnotes.dialects.virtuous.paths import CaseInsensitivePaths, under
from contactnotes.dialects.virtuous.route import VirtuousRoute
from contactnotes.dialects.virtuous.route import render_error as virtuous_error
from contactnotes.dialects.virtuous.router import ROUTERS as VIRTUOUS_ROUTERS
from contactnotes.dialects.virtuous.webhook_payload import signature_headers as virtuous_signature_headers
from contactnotes.dialects.virtuous.webhook_payload import webhook_payload as virtuous_webhook_payload
from contactnotes.http.docs import mount_docs
from contactnotes.http.errors import ErrorRenderer, to_failure
from contactnotes.http.middleware import BodyDeadline, BodySizeLimit, SecurityHeaders
from contactnotes.http.observe import Observe, RouteTemplate
from contactnotes.http.openapi import truthful_openapi
from contactnotes.http.operations import router as operations_router
from contactnotes.http.routes import add_routes
from contactnotes.jobs.registry import JobContext
from contactnotes.jobs.worker import Worker
from contactnotes.observability import tracing
from contactnotes.observability.pool import observe_pool
from contactnotes.ratelimit import build_limiter
from contactnotes.realtime.hub import StreamHub
from contactnotes.settings import Settings, get_settings
from contactnotes.web.route import render_error as web_error
from contactnotes.web.router import UPLOAD_PATH as WEB_UPLOAD_PATH
from contactnotes.web.router import mount as mount_web
from contactnotes.webhooks.delivery import RENDERERS
from contactnotes.webhooks.schemas import Format, PayloadRenderers
from contactnotes.wiring import default_registry

# Virtuous's paths are PascalCase (/api/ContactNote, /api/Reminder, /api/Webhook, /Token); TetherAI's are
# kebab-case. A request no route claimed (unknown path, wrong method) is answered in the shape of the
# dialect its path looks like.
VIRTUOUS_PREFIXES = ("/api/contactnote", "/api/reminder", "/api/webhook", "/api/organization", "/token")


def _renderer_for(path: str, accept: str = "") -> ErrorRenderer:
    if under(path, VIRTUOUS_PREFIXES):
        return virtuous_error
    # A browser asking for a page the web app does not have gets a page, not an API's JSON.
    if not path.startswith("/api/") and "text/html" in accept:
        return web_error
    return tether_error


def _path_pattern(template: str, *, slashes_at_end: bool) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    last = len(parts) - 2 if parts[-1] == "" else -1  # a parameter that ends the template
    return re.compile(
        "".join(
            (".+" if slashes_at_end and index == last else "[^/]+") if part.startswith("{") else re.escape(part)
            for index, part in enumerate(parts)
        )
    )


def allowed_methods(app: FastAPI, path: str) -> str | None:
    """The `Allow` header of a 405: every method the OpenAPI document lists for the path (HEAD with GET).

    Starlette names only the first route that matched, so `/api/contacts` allowed GET and not POST. Where
    templates overlap (`/api/ContactNote/Types` and `/api/ContactNote/{noteId}`) the most literal one is the path;
    a key with slashes (`/api/files/{key}`) is tried last.
    """
    paths = app.openapi()["paths"]
    for slashes_at_end in (False, True):
        candidates = [
            (template.count("{"), operations)
            for template, operations in paths.items()
            if _path_pattern(template, slashes_at_end=slashes_at_end).fullmatch(path)
        ]
        if candidates:
            methods = {method.upper() for method in min(candidates, key=lambda candidate: candidate[0])[1]}
            return ", ".join(sorted(methods | ({"HEAD"} if "GET" in methods else set())))
    return None


def payload_renderers(settings: Settings) -> PayloadRenderers:
    """Each dialect's webhook body, by subscription format: the workers render with these."""
    renderers = PayloadRenderers()
    renderers.register(Format.TETHER, tether_webhook_payload)
    renderers.register(Format.VIRTUOUS, virtuous_webhook_payload(settings.public_base_url), virtuous_signature_headers)
    return renderers


def job_context(settings: Settings, database: Database) -> JobContext:
    return JobContext(database=database, settings=settings, services={RENDERERS: payload_renderers(settings)})


async def run_worker(settings: Settings, database: Database, stop: asyncio.Event) -> None:
    await Worker(job_context(settings, database), default_registry(settings)).run(stop)


def observe_database(database: Database) -> None:
    """Pool metrics always; SQL spans when tracing is on."""
    observe_pool(database.engine)
    provider = tracing.provider_from_environment()
    if provider is not None:
        tracing.instrument_engine(database.engine, provider)


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = database is None
        if owned:
            app.state.database = Database(settings)
            app.state.stream_hub = StreamHub(app.state.database, settings)
            observe_database(app.state.database)
            await app.state.database.open_pool()
            # A long-lived server: what start-up built (modules, routes, schemas) is kept out of the
            # collector's way, so a full collection under load scans only what requests allocate. Measured
            # on a list page at 110 requests/s: the slowest answer fell from about 115 ms to about 40 ms.
            gc.collect()
            gc.freeze()
        worker = None
        stop = asyncio.Event()
        # The embedded database has no separate worker to rely on: `make run` needs nothing else.
        if app.state.database.is_sqlite and settings.embedded_worker:
            worker = asyncio.create_task(run_worker(settings, app.state.database, stop))
            app.state.embedded_worker = True  # /readyz then wants its heartbeat
        try:
            yield
        finally:
            stop.set()
            if worker is not None:
                with contextlib.suppress(Exception):
                    await worker
            await app.state.stream_hub.close()
            await app.state.files.close()
            if owned:
                await app.state.database.dispose()
            await app.state.rate_limiter.close()

    app = FastAPI(
        title="contactnotes",
        version=__version__,
        description="Contact notes with TetherAI- and Virtuous-compatible APIs.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.rate_limiter = build_limiter(settings)
    app.state.files = Files.from_settings(settings)
    if database is not None:
        app.state.database = database
        app.state.stream_hub = StreamHub(database, settings)
        observe_database(database)

    def body_limit(path: str) -> int | None:
        # Uploads stream to storage and enforce the upload limits themselves while reading.
        streamed = path in (UPLOAD_PATH, WEB_UPLOAD_PATH) or path.startswith(FILES_PREFIX)
        return None if streamed else settings.max_body_bytes

    app.add_middleware(RouteTemplate)  # innermost: notes the matched route's template for Observe
    app.add_middleware(BodySizeLimit, limit_for=body_limit)
    app.add_middleware(BodyDeadline, grace=settings.request_body_grace_seconds, min_rate=settings.request_body_min_rate)
    # Virtuous's server matches paths ignoring case (/api/contactnote/7); ours are rewritten to our spelling.
    app.add_middleware(CaseInsensitivePaths, paths=lambda: VirtuousRoute.paths, prefixes=VIRTUOUS_PREFIXES)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID"],
            expose_headers=[
                "Idempotent-Replayed",
                "Retry-After",
                "X-RateLimit-Limit",
                "X-RateLimit-Remaining",
                "X-RateLimit-Reset",
            ],
        )
    app.add_middleware(SecurityHeaders)  # every answer, errors included, carries the headers
    app.add_middleware(Observe)  # outermost: request id, log line and metrics of every request
    provider = tracing.provider_from_environment()
    if provider is not None:
        tracing.instrument_app(app, provider)
    mount_docs(app)

    @app.exception_handler(StarletteHTTPException)
    async def unrouted(request: Request, exc: StarletteHTTPException) -> Response:
        failure = to_failure(exc)
        allow = allowed_methods(app, request.url.path) if exc.status_code == 405 else None
        if allow is not None:
            failure = replace(failure, headers={**(failure.headers or {}), "Allow": allow})
        return _renderer_for(request.url.path, request.headers.get("accept", ""))(request, failure)

    @app.exception_handler(RequestValidationError)
    async def unrouted_validation(request: Request, exc: RequestValidationError) -> Response:
        return _renderer_for(request.url.path, request.headers.get("accept", ""))(request, to_failure(exc))

    @app.get("/healthz", tags=["Operations"])
    async def healthz() -> dict[str, str]:
        """The process is alive."""
        return {"status": "ok"}

    add_routes(app, operations_router)  # /livez, /readyz, /metrics
    add_routes(app, *TETHER_ROUTERS, *VIRTUOUS_ROUTERS)  # the two dialects
    app.openapi = lambda: truthful_openapi(app)  # type: ignore[method-assign]
    mount_web(app)  # the web app: pages at /, over the same services
    return app
