"""Attachment use cases: receive uploads, grant direct uploads, check keys on attach, sign and serve links."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterable, AsyncIterator, Mapping, Sequence
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.attachments import links, repository
from contactnotes.attachments.files import Files
from contactnotes.attachments.keys import new_key
from contactnotes.attachments.schemas import Download, IncomingFile, UploadGrant, UploadView
from contactnotes.attachments.sniffing import SNIFF_BYTES, served_disposition, sniff
from contactnotes.auth.principal import Principal
from contactnotes.errors import FieldProblem, Invalid, NotFound, TooLarge
from contactnotes.kit.clock import utc_now
from contactnotes.models import Upload, UploadStatus
from contactnotes.notes.schemas import AttachmentIn, AttachmentView, NotePage, NoteView

log = logging.getLogger("contactnotes")

UPLOAD_FIELD = "files"
UNKNOWN_KEY = "is not a stored upload of this organization"
PENDING_TYPE = "application/octet-stream"


# ---- receiving bytes ----------------------------------------------------------------------------------


async def _capped(chunks: AsyncIterable[bytes], limit: int, field: str) -> AsyncIterator[bytes]:
    seen = 0
    async for chunk in chunks:
        seen += len(chunk)
        if seen > limit:
            raise TooLarge.field(field, f"{field} is larger than {limit} bytes", "TOO_LARGE")
        yield chunk


async def _split_head(chunks: AsyncIterator[bytes], length: int) -> tuple[bytes, AsyncIterator[bytes]]:
    """The first `length` bytes (fewer if the file is shorter) and an iterator over all the bytes."""
    head = bytearray()
    async for chunk in chunks:
        head += chunk
        if len(head) >= length:
            break
    first = bytes(head)

    async def everything() -> AsyncIterator[bytes]:
        if first:
            yield first
        async for chunk in chunks:
            yield chunk

    return first[:length], everything()


def display_name(filename: str) -> str:
    """The file name a user sees: without any directories a browser sent along, at most 255 characters."""
    return filename.replace("\\", "/").rsplit("/", 1)[-1].strip()[:255]


def _check_type(files: Files, content_type: str, field: str, name: str) -> None:
    if content_type not in files.settings.upload_allowed_types:
        raise Invalid.field(field, f"{name}: files of type {content_type} are not accepted", "TYPE_NOT_ALLOWED")


def _expires(files: Files) -> int:
    return int(utc_now().timestamp()) + files.settings.signed_url_seconds


def _view(files: Files, upload: Upload) -> UploadView:
    url = links.download_link(files.base_url, files.signer, upload.key, upload.name, expires=_expires(files))
    return UploadView(upload.key, upload.name, upload.size, upload.content_type, files.store.bucket, url)


async def _forget(files: Files, keys: Sequence[str]) -> None:
    for key in keys:
        try:
            await files.store.delete(key)
        except Exception:  # the request fails anyway; `contactnotes cleanup` has no row to find it by
            log.exception("could not delete %s after a failed upload", key)


async def store_uploads(
    session: AsyncSession, principal: Principal, files: Files, parts: AsyncIterator[IncomingFile]
) -> list[UploadView]:
    """Stream every `files` part to storage. All or nothing: if any file is refused, none is kept."""
    settings = files.settings
    stored: list[str] = []
    uploads: list[Upload] = []
    try:
        async for part in parts:
            if part.field != UPLOAD_FIELD:
                continue  # other form fields are read past, never kept
            index = len(uploads)
            field = f"{UPLOAD_FIELD}[{index}]"
            if index >= settings.upload_max_files:
                raise Invalid.field(
                    UPLOAD_FIELD, f"At most {settings.upload_max_files} files per upload", "TOO_MANY_FILES"
                )
            name = display_name(part.filename or "")
            if not name:
                raise Invalid.field(field, f"{field} is not a file (no filename)", "NOT_A_FILE")
            head, content = await _split_head(_capped(part.chunks, settings.upload_max_bytes, field), SNIFF_BYTES)
            content_type = sniff(head)
            _check_type(files, content_type, field, name)
            key = new_key(principal.org_oid, name, utc_now().date())
            size = await files.store.put(key, content, content_type)
            stored.append(key)
            uploads.append(
                Upload(
                    org_id=principal.org_id,
                    created_by_id=principal.user_id,
                    key=key,
                    name=name,
                    size=size,
                    content_type=content_type,
                    status=UploadStatus.STORED,
                    created_at=utc_now(),
                )
            )
        if not uploads:
            raise Invalid.field(UPLOAD_FIELD, "Send one or more files in the multipart field `files`", "REQUIRED")
        for upload in uploads:
            await repository.add(session, upload)
    except BaseException:
        await _forget(files, stored)
        raise
    return [_view(files, upload) for upload in uploads]


# ---- direct uploads -----------------------------------------------------------------------------------


async def grant_upload(session: AsyncSession, principal: Principal, files: Files, name: str, size: int) -> UploadGrant:
    """Reserve a key and say how to send the file straight to storage; `complete_upload` then checks it."""
    cap = files.settings.upload_max_bytes
    if size > cap:
        raise TooLarge.field("size", f"size is larger than {cap} bytes", "TOO_LARGE")
    now = utc_now()
    name = display_name(name) or "file"
    key = new_key(principal.org_oid, name, now.date())
    seconds = files.settings.presign_seconds
    expires_at = now + timedelta(seconds=seconds)
    await repository.add(
        session,
        Upload(
            org_id=principal.org_id,
            created_by_id=principal.user_id,
            key=key,
            name=name,
            size=size,
            content_type=PENDING_TYPE,
            status=UploadStatus.PENDING,
            created_at=now,
        ),
    )
    direct = await files.store.direct_upload(key, expires_in=seconds, max_size=cap)
    if direct is not None:
        return UploadGrant(key, "POST", direct.url, direct.fields, expires_at, cap)
    grant = links.Grant("PUT", key, int(expires_at.timestamp()), f"max={cap}")
    return UploadGrant(key, "PUT", links.make_link(files.base_url, files.signer, grant), {}, expires_at, cap)


async def receive_direct(
    session: AsyncSession, files: Files, key: str, params: Mapping[str, str], chunks: AsyncIterator[bytes]
) -> int:
    """The local store's counterpart of a presigned POST: a signed PUT of the raw bytes."""
    grant = links.verify(files.signer, "PUT", key, params, utc_now())
    if files.store.name != "local":
        raise NotFound("Direct uploads go to the object store")
    upload = await repository.by_key(session, grant.key)
    if upload is None or upload.status != UploadStatus.PENDING:
        raise NotFound("No upload is waiting for this key")
    limit = int(grant.detail.removeprefix("max="))
    return await files.store.put(grant.key, _capped(chunks, limit, "body"), PENDING_TYPE)


async def complete_upload(session: AsyncSession, principal: Principal, files: Files, key: str) -> UploadView:
    """Check what really arrived under a granted key (size, sniffed type); only then may it be attached."""
    upload = (await repository.of_org_for_update(session, principal, [key])).get(key)
    if upload is None:
        raise Invalid.field("key", f"{key!r} {UNKNOWN_KEY}", "UNKNOWN_KEY")
    if upload.status == UploadStatus.STORED:
        return _view(files, upload)
    info = await files.store.head(key)
    if info is None:
        raise Invalid.field("key", "Nothing has been uploaded under this key yet", "NOT_UPLOADED")
    cap = files.settings.upload_max_bytes
    try:
        if info.size > cap:
            raise TooLarge.field("key", f"The uploaded file is larger than {cap} bytes", "TOO_LARGE")
        content_type = sniff(await files.store.read_start(key, SNIFF_BYTES))
        _check_type(files, content_type, "key", upload.name)
    except (Invalid, TooLarge):
        # Refused bytes are not kept; the client may ask for a new grant.
        await files.store.delete(key)
        raise
    upload.size = info.size
    upload.content_type = content_type
    upload.status = UploadStatus.STORED
    await session.flush()
    return _view(files, upload)


# ---- attaching ----------------------------------------------------------------------------------------


async def attachments_for_note(
    session: AsyncSession, principal: Principal, items: Sequence[AttachmentIn]
) -> list[AttachmentIn]:
    """The attachments a note may carry: each key a stored upload of the caller's organization.

    Size and type come from the stored upload (what the bytes are), the name from the caller (a label).
    A key of another organization gets the same answer as a key that does not exist.
    """
    uploads = await repository.of_org_for_update(session, principal, [item.key for item in items])
    problems = []
    for index, item in enumerate(items):
        upload = uploads.get(item.key)
        if upload is None or upload.status != UploadStatus.STORED:
            field = f"attachments[{index}].key"
            problems.append(FieldProblem(field, f"{field} {UNKNOWN_KEY}", "UNKNOWN_KEY"))
    if problems:
        raise Invalid(problems[0].message, problems)
    await repository.mark_attached(session, [u.id for u in uploads.values()], utc_now())
    return [AttachmentIn(item.key, item.name, uploads[item.key].size, uploads[item.key].content_type) for item in items]


# ---- links --------------------------------------------------------------------------------------------


def sign_view(files: Files, view: NoteView) -> NoteView:
    """The note with a fresh link on each attachment. Call only with a view read through the access check."""
    expires = _expires(files)
    signed = [
        dataclasses.replace(
            item, signed_url=links.download_link(files.base_url, files.signer, item.key, item.name, expires=expires)
        )
        for item in view.attachments
    ]
    return dataclasses.replace(view, attachments=signed)


def sign_page(files: Files, page: NotePage) -> NotePage:
    return dataclasses.replace(page, items=[sign_view(files, view) for view in page.items])


async def open_download(session: AsyncSession, files: Files, key: str, params: Mapping[str, str]) -> Download:
    """What a signed link leads to, if it is intact, unexpired, and its file still belongs to a live note."""
    grant = links.verify(files.signer, "GET", key, params, utc_now())
    upload = await repository.servable(session, grant.key)
    if upload is None:
        raise NotFound("File not found")
    requested, _, name = grant.detail.partition(":")
    disposition = links.content_disposition(served_disposition(requested, upload.content_type), name or upload.name)
    url = await files.store.download_url(
        grant.key, expires_in=links.REDIRECT_SECONDS, content_type=upload.content_type, disposition=disposition
    )
    if url is not None:
        return Download(upload.content_type, disposition, upload.size, redirect_url=url)
    info = await files.store.head(grant.key)
    if info is None:
        raise NotFound("File not found")
    return Download(upload.content_type, disposition, info.size, chunks=files.store.stream(grant.key))


def preview_link(files: Files, item: AttachmentView) -> str | None:
    """A link that shows an image in the page (a thumbnail), for images safe to show inline; None for the
    rest. Call only for an attachment of a note read through the access check."""
    if served_disposition("inline", item.content_type) != "inline" or not item.content_type.startswith("image/"):
        return None
    return links.download_link(files.base_url, files.signer, item.key, item.name, expires=_expires(files), inline=True)
