"""The web app: server-rendered pages over the same services as the two APIs (docs/web.md).

`mount(app)` is the one call app.py makes: every page route, and the static files.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from starlette.middleware.gzip import GZipMiddleware
from starlette.staticfiles import StaticFiles

from contactnotes.http.routes import add_routes

from . import (
    account,
    admin_members,
    admin_note_types,
    admin_webhooks,
    contact_edit,
    history,
    inbox,
    live,
    notes,
    pages,
    reminders,
    search,
    signin,
    uploads,
)
from .templates import STATIC_DIR
from .uploads import UPLOAD_PATH

__all__ = ["ROUTERS", "UPLOAD_PATH", "mount"]

ROUTERS: tuple[APIRouter, ...] = (
    signin.router, pages.router, notes.router, history.router, live.router, uploads.router, search.router, inbox.router,
    reminders.router,
    # My account and the administration pages (docs/web.md).
    account.router, admin_members.router, admin_note_types.router, admin_webhooks.router, contact_edit.router,
)  # fmt: skip


def mount(app: FastAPI) -> None:
    add_routes(app, *ROUTERS)
    # Scripts and styles: long-cached (their URLs carry a version) and compressed.
    app.mount("/static", GZipMiddleware(StaticFiles(directory=STATIC_DIR), minimum_size=512), name="static")
