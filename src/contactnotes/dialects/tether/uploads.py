"""TetherAI-compatible uploads: POST /api/upload (streamed multipart) and direct uploads (presign, complete)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter, Request

from contactnotes.attachments import service as attachments
from contactnotes.attachments.files import Files
from contactnotes.attachments.schemas import IncomingFile, UploadView
from contactnotes.http.auth import PrincipalDep, StreamingPrincipalDep
from contactnotes.http.deps import FilesDep, SessionDep
from contactnotes.http.multipart import MultipartReader
from contactnotes.kit.clock import iso_millis

from .route import TetherRoute, errors
from .upload_wire import CompleteIn, PresignIn, PresignOut, UploadedFileOut, UploadOut

# Bodies of these paths are streamed to storage under the upload limits, not the 1 MB JSON limit.
UPLOAD_PATH = "/api/upload"

ERRORS = errors(
    408,
    described={
        400: "Bad input, too many files, or a type outside the allowlist",
        408: "The body arrived too slowly (nothing of the request is kept)",
        413: "A file over the size limit (nothing of the request is kept)",
        503: "Database or storage unavailable; retry later",
    },
)

MULTIPART_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files"],
                    "properties": {
                        "files": {"type": "array", "minItems": 1, "items": {"type": "string", "format": "binary"}}
                    },
                }
            }
        },
    }
}

router = APIRouter(prefix="/api", route_class=TetherRoute, tags=["Upload"])


def _file_out(view: UploadView) -> UploadedFileOut:
    return UploadedFileOut(
        key=view.key, type=view.content_type, name=view.name, size=view.size, signed_url=view.signed_url,
        bucket=view.bucket,
    )  # fmt: skip


# Room for the multipart framing and small form fields beside the files themselves.
FORM_OVERHEAD = 1024 * 1024


async def _incoming(request: Request, files: Files) -> AsyncIterator[IncomingFile]:
    settings = files.settings
    max_total = settings.upload_max_files * settings.upload_max_bytes + FORM_OVERHEAD
    reader = MultipartReader(request.headers.get("content-type", ""), request.stream(), max_total=max_total)
    async for part in reader.parts():
        yield IncomingFile(part.name, part.filename, part.chunks)


UPLOAD_ERRORS = {
    **ERRORS,
    **errors(429, always=(), described={429: "Too many uploads of this user at once, or over the rate limit"}),
}


@router.post("/upload", response_model=UploadOut, responses=UPLOAD_ERRORS, openapi_extra=MULTIPART_BODY)
async def upload_files(
    request: Request, session: SessionDep, principal: StreamingPrincipalDep, files: FilesDep
) -> UploadOut:
    """Upload one or more files (multipart field `files`); each gets a storage key and a fresh signed URL."""
    views = await attachments.store_uploads(session, principal, files, _incoming(request, files))
    return UploadOut(files=[_file_out(view) for view in views])


@router.post("/uploads/presign", response_model=PresignOut, responses=ERRORS)
async def presign_upload(body: PresignIn, session: SessionDep, principal: PrincipalDep, files: FilesDep) -> PresignOut:
    """Reserve a key and get a URL to send one file straight to storage; then call /api/uploads/complete."""
    grant = await attachments.grant_upload(session, principal, files, body.name, body.size)
    return PresignOut(
        key=grant.key,
        method="POST" if grant.method == "POST" else "PUT",
        url=grant.url,
        fields=grant.fields,
        expires_at=iso_millis(grant.expires_at) if grant.expires_at else "",
        max_size=grant.max_size,
    )


@router.post("/uploads/complete", response_model=UploadedFileOut, responses=ERRORS)
async def complete_upload(
    body: CompleteIn, session: SessionDep, principal: PrincipalDep, files: FilesDep
) -> UploadedFileOut:
    """Check a directly uploaded file's real size and type; after this its key can be attached to notes."""
    return _file_out(await attachments.complete_upload(session, principal, files, body.key))
