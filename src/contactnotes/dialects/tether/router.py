"""The TetherAI-compatible API: every router of the dialect, mounted by app.py as one."""

from __future__ import annotations

from fastapi import APIRouter

from . import notes, notifications, people, search

router = APIRouter()
router.include_router(search.router)  # before notes: /search is not a note id
router.include_router(notes.router)
router.include_router(notifications.router)
router.include_router(people.users_router)
router.include_router(people.contacts_router)
