"""The TetherAI-compatible API: every router of the dialect, in the order app.py adds their routes."""

from __future__ import annotations

from fastapi import APIRouter

from . import (
    auth,
    data_protection,
    files,
    history,
    note_types,
    notes,
    notifications,
    people,
    reminders,
    search,
    stream,
    uploads,
    webhooks,
)

ROUTERS: tuple[APIRouter, ...] = (
    auth.login_router,
    auth.verify_router,
    search.router,  # before notes: /search is not a note id
    notes.router,
    history.router,
    notifications.router,
    people.users_router,
    people.contacts_router,
    uploads.router,
    files.router,
    reminders.router,
    note_types.router,
    webhooks.router,
    stream.router,
    data_protection.router,
)
