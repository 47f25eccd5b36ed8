"""Request-scoped dependencies shared by every dialect: settings, the database and the request's session.

They are `async def` although they never await: FastAPI runs a plain `def` dependency in a worker thread,
and that hop cost more than the rest of a request's dependency solving."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.attachments.files import Files
from contactnotes.db.engine import Database
from contactnotes.http.transaction import current_transaction
from contactnotes.settings import Settings


async def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def settings_of(request: Request) -> Settings:
    """For the dependencies that run on nearly every request (authentication, rate limits, answer building):
    each dependency FastAPI solves costs, so these read the app's state themselves."""
    settings: Settings = request.app.state.settings
    return settings


def files_of(request: Request) -> Files:
    files: Files = request.app.state.files
    return files


async def get_settings(request: Request) -> Settings:
    return settings_of(request)


async def get_files(request: Request) -> Files:
    return files_of(request)


async def request_session(request: Request) -> AsyncSession:
    """The session of the request's transaction, which the route commits (see http/transaction.py)."""
    return current_transaction(request).session()


SessionDep = Annotated[AsyncSession, Depends(request_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
FilesDep = Annotated[Files, Depends(get_files)]
