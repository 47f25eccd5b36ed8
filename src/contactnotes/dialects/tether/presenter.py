"""Core views to Tether answers, with a fresh signed link on every attachment.

Every route that answers with notes renders them here, so no route can forget to sign a link (or sign one
for a note it did not read through the access check: views come only from the notes service).
"""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import Depends, Request

from contactnotes.attachments.files import Files
from contactnotes.http.deps import files_of
from contactnotes.notes import service as notes
from contactnotes.notes.schemas import NotePage, NoteView

from .mapping import note_out, note_page_out
from .wire import NoteListEnvelope, NoteOut


@dataclasses.dataclass(frozen=True, slots=True)
class Presenter:
    files: Files

    def signed(self, view: NoteView) -> NoteView:
        return notes.with_signed_links(self.files, view)

    def note(self, view: NoteView) -> NoteOut:
        return note_out(self.signed(view))

    def page(self, page: NotePage, *, limit: int, offset: int) -> NoteListEnvelope:
        signed = dataclasses.replace(page, items=[self.signed(view) for view in page.items])
        return note_page_out(signed, limit=limit, offset=offset)


async def get_presenter(request: Request) -> Presenter:
    return Presenter(files_of(request))


PresenterDep = Annotated[Presenter, Depends(get_presenter)]
