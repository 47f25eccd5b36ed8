"""The application factory: the only module that knows every dialect."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException

from contactnotes import __version__
from contactnotes.attachments.files import Files
from contactnotes.db.engine import Database
from contactnotes.dialects.tether.errors import render_error as tether_error
from contactnotes.dialects.tether.files import FILES_PREFIX
from contactnotes.dialects.tether.files import router as tether_files_router
from contactnotes.dialects.tether.router import router as tether_router
from contactnotes.dialects.tether.uploads import UPLOAD_PATH
from contactnotes.dialects.tether.uploads import router as tether_uploads_router
from contactnotes.dialects.virtuous.errors import render_error as virtuous_error
from contactnotes.http.errors import ErrorRenderer, to_failure
from contactnotes.http.middleware import BodySizeLimit
from contactnotes.settings import Settings, get_settings

# Virtuous's paths are PascalCase (/api/ContactNote, /api/Reminder, /api/Webhook, /Token); TetherAI's are
# kebab-case. A request no route claimed (unknown path, wrong method) is answered in the shape of the
# dialect its path looks like.
VIRTUOUS_PREFIXES = ("/api/contactnote", "/api/reminder", "/api/webhook/", "/token")


def _renderer_for(path: str) -> ErrorRenderer:
    lowered = path.lower()
    if lowered.startswith(VIRTUOUS_PREFIXES) or lowered in {"/api/webhook", "/token"}:
        return virtuous_error
    return tether_error


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = database is None
        app.state.database = database or Database(settings)
        try:
            yield
        finally:
            await app.state.files.close()
            if owned:
                await app.state.database.dispose()

    app = FastAPI(
        title="contactnotes",
        version=__version__,
        description="Contact notes with TetherAI- and Virtuous-compatible APIs.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.files = Files.from_settings(settings)
    if database is not None:
        app.state.database = database

    def body_limit(path: str) -> int | None:
        # Uploads stream to storage and enforce the upload limits themselves while reading.
        return None if path == UPLOAD_PATH or path.startswith(FILES_PREFIX) else settings.max_body_bytes

    app.add_middleware(BodySizeLimit, limit_for=body_limit)

    @app.exception_handler(StarletteHTTPException)
    async def unrouted(request: Request, exc: StarletteHTTPException) -> Response:
        return _renderer_for(request.url.path)(request, to_failure(exc))

    @app.exception_handler(RequestValidationError)
    async def unrouted_validation(request: Request, exc: RequestValidationError) -> Response:
        return _renderer_for(request.url.path)(request, to_failure(exc))

    @app.get("/healthz", tags=["Operations"])
    async def healthz() -> dict[str, str]:
        """The process is alive."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["Operations"], responses={503: {"description": "Database unreachable"}})
    async def readyz(request: Request) -> Response:
        """The database answers."""
        try:
            async with request.app.state.database.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:  # any failure to reach the database means not ready
            return JSONResponse({"status": "unavailable"}, status_code=503, headers={"Retry-After": "5"})
        return JSONResponse({"status": "ok"})

    app.include_router(tether_router)
    app.include_router(tether_uploads_router)
    app.include_router(tether_files_router)
    return app
