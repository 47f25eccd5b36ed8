"""The TetherAI-compatible API: every route of the dialect, mounted by app.py as one router."""

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

router = APIRouter()
router.include_router(auth.login_router)
router.include_router(auth.verify_router)
router.include_router(search.router)  # before notes: /search is not a note id
router.include_router(notes.router)
router.include_router(history.router)
router.include_router(notifications.router)
router.include_router(people.users_router)
router.include_router(people.contacts_router)
router.include_router(uploads.router)
router.include_router(files.router)
router.include_router(reminders.router)
router.include_router(note_types.router)
router.include_router(webhooks.router)
router.include_router(stream.router)
router.include_router(data_protection.router)
