"""Request-scoped dependencies shared by every dialect: the database and the unit of work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.attachments.files import Files
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.errors import Conflict
from contactnotes.settings import Settings


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_files(request: Request) -> Files:
    files: Files = request.app.state.files
    return files


async def request_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's transaction: committed after the handler returns and before the answer is sent."""
    try:
        async with unit_of_work(get_database(request)) as session:
            yield session
    except IntegrityError as exc:
        # Two requests raced for the same unique value; the loser learns it as a conflict.
        raise Conflict("The request conflicts with a concurrent change; retry it") from exc


# scope="function": the transaction ends when the endpoint returns, so a client never receives a success
# for a write that is not yet committed.
SessionDep = Annotated[AsyncSession, Depends(request_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]
FilesDep = Annotated[Files, Depends(get_files)]
