"""Shared steps of the search tests: notes written through the one door, searches through the service."""

from __future__ import annotations

from typing import Any

from contactnotes.auth.principal import Principal
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.notes import service as notes
from contactnotes.notes.schemas import NoteCreate
from contactnotes.search import service
from contactnotes.search.schemas import SearchPage


async def write(database: Database, who: Principal, contact: int | str, body: str, **fields: Any) -> str:
    async with unit_of_work(database) as session:
        view = await notes.create_note(session, who, NoteCreate(contact=contact, body=body, **fields))
    return view.oid


async def find(database: Database, who: Principal, query: str, **kwargs: Any) -> SearchPage:
    async with unit_of_work(database) as session:
        return await service.search(session, who, query, **kwargs)


async def bodies(database: Database, who: Principal, query: str, **kwargs: Any) -> list[str]:
    return [hit.note.body for hit in (await find(database, who, query, **kwargs)).items]
