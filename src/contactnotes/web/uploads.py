"""Files for the composer (one per request, so the page can show each file's progress) and the mention
picker's teammates. Both answer JSON to the page's script."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from contactnotes.attachments import service as attachments
from contactnotes.attachments.schemas import IncomingFile
from contactnotes.errors import DomainError, TooLarge
from contactnotes.http.deps import FilesDep, SessionDep
from contactnotes.http.multipart import MultipartReader
from contactnotes.users import service as users

from .route import Me, StreamingMe, WebRoute
from .templates import file_size

UPLOAD_PATH = "/uploads"
FORM_OVERHEAD = 64 * 1024  # the multipart framing around the one file
PEOPLE_SHOWN = 8

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.post(UPLOAD_PATH)
async def upload(request: Request, session: SessionDep, files: FilesDep, me: StreamingMe) -> Response:
    """One file (field `files`), streamed to storage under the upload limits; its key goes in the note."""
    limit = files.settings.upload_max_bytes + FORM_OVERHEAD
    reader = MultipartReader(request.headers.get("content-type", ""), request.stream(), max_total=limit)

    async def incoming() -> AsyncIterator[IncomingFile]:
        async for part in reader.parts():
            yield IncomingFile(part.name, part.filename, part.chunks)

    try:
        [stored] = await attachments.store_uploads(session, me.principal, files, incoming(), max_files=1)
    except TooLarge:
        limit_text = file_size(files.settings.upload_max_bytes)
        return JSONResponse({"error": f"This file is larger than the limit of {limit_text}"}, 413)
    except DomainError as exc:
        # The composer shows this next to the file: "report.exe: files of type ... are not accepted".
        return JSONResponse({"error": exc.problems[0].message if exc.problems else exc.message}, 400)
    return JSONResponse({"key": stored.key, "name": stored.name, "size": stored.size, "type": stored.content_type})


@router.get("/people")
async def people(request: Request, session: SessionDep, me: Me) -> Response:
    """Teammates whose name, handle or email contains `q`, for the @mention picker."""
    search = (request.query_params.get("q") or "")[:100]
    found = await users.list_members(session, me.principal, limit=PEOPLE_SHOWN, offset=0, search=search)
    return JSONResponse(
        [{"oid": m.oid, "name": m.full_name, "handle": m.handle} for m in found.items if m.oid != me.principal.user_oid]
    )
