"""The TetherAI-compatible API: every router of the dialect, mounted by app.py as one."""

from __future__ import annotations

from fastapi import APIRouter

from . import auth, notes, notifications, people

router = APIRouter()
router.include_router(auth.login_router)
router.include_router(auth.verify_router)
router.include_router(notes.router)
router.include_router(notifications.router)
router.include_router(people.users_router)
router.include_router(people.contacts_router)
