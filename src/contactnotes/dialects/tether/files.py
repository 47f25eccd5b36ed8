"""Signed links: downloads (and, for the local store, direct uploads). The signature is the credential."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import RedirectResponse, StreamingResponse

from contactnotes.attachments import service as attachments
from contactnotes.http.deps import FilesDep, SessionDep
from contactnotes.storage.base import MAX_KEY_LENGTH

from .route import TetherPublicRoute, errors
from .upload_wire import StoredOut

FILES_PREFIX = "/api/files/"

ERRORS = errors(
    403,
    404,
    always=(400, 500),
    described={
        400: "The path is not a storage key (`..`, absolute, odd characters)",
        403: "The link has expired or was altered",
        404: "The file is gone (its note was deleted, or it was never attached)",
    },
)

router = APIRouter(prefix="/api", route_class=TetherPublicRoute, tags=["Upload"])

# What storage.base.check_key accepts (anything else is 400): '/'-separated segments of safe characters.
KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$"
StorageKey = Annotated[
    str, Path(description="The storage key.", json_schema_extra={"pattern": KEY_PATTERN, "maxLength": MAX_KEY_LENGTH})
]

# The bytes are never to be run as a page, whatever they are.
SAFETY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, no-store",
}


@router.get(
    "/files/{key:path}",
    response_class=Response,
    response_model=None,
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "The file"},
        302: {"description": "S3 backend: a redirect to a presigned GET of one minute"},
        **ERRORS,
    },
)
async def download_file(key: StorageKey, request: Request, session: SessionDep, files: FilesDep) -> Response:
    """Download a file through a signed link (served here, or redirected to the object store)."""
    download = await attachments.open_download(session, files, key, request.query_params)
    headers = {**SAFETY_HEADERS, "Content-Disposition": download.disposition}
    if download.redirect_url is not None:
        return RedirectResponse(download.redirect_url, status_code=302, headers={"Cache-Control": "no-store"})
    assert download.chunks is not None
    headers["Content-Length"] = str(download.size)
    return StreamingResponse(download.chunks, media_type=download.content_type, headers=headers)


PUT_ERRORS = {
    **ERRORS,
    **errors(
        408,
        409,
        413,
        429,
        always=(),
        described={
            409: "The link has been used already: a grant takes one file",
            413: "More bytes than the grant allows",
            429: "Too many uploads through this link at once",
        },
    ),
}


@router.put("/files/{key:path}", response_model=StoredOut, responses=PUT_ERRORS)
async def put_file(key: StorageKey, request: Request, session: SessionDep, files: FilesDep) -> StoredOut:
    """Receive a directly uploaded file (local store) through the signed URL from /api/uploads/presign."""
    size = await attachments.receive_direct(session, files, key, request.query_params, request.stream())
    return StoredOut(bytes=size)
