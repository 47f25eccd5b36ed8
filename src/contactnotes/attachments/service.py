"""Attachment use cases: receive uploads, grant direct uploads, check keys on attach, sign and serve links."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterable, AsyncIterator, Iterator, Mapping, Sequence
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.attachments import links, repository
from contactnotes.attachments.files import Files
from contactnotes.attachments.keys import new_key, private_staging_key, staging_key
from contactnotes.attachments.schemas import (
    AttachmentIn,
    AttachmentView,
    Download,
    IncomingFile,
    StoredAttachment,
    UploadGrant,
    UploadView,
)
from contactnotes.attachments.sniffing import SNIFF_BYTES, served_disposition, sniff
from contactnotes.auth.principal import Principal
from contactnotes.errors import Busy, Conflict, FieldProblem, Invalid, NotFound, TooLarge
from contactnotes.kit.clock import utc_now
from contactnotes.models import Upload, UploadStatus
from contactnotes.observability import metrics

log = logging.getLogger("contactnotes")

UPLOAD_FIELD = "files"
UNKNOWN_KEY = "is not a stored upload of this organization"
NOT_YOURS = "belongs to another note or to another user's upload; upload the file again to attach it here"
GRANT_USED = "This upload link has been used already; ask for a new one (POST /api/uploads/presign)"
# Clients copying the vendor's example send its placeholder key: say how a key comes to exist.
UPLOAD_FIRST = "upload the file first (POST /api/upload, multipart field `files`) and send the `key` it answers"
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


@contextlib.contextmanager
def _slot(files: Files, holder: tuple[str, object], what: str) -> Iterator[None]:
    """One of the holder's in-flight upload slots in this process, or 429 when they are all taken."""
    in_flight = files.in_flight
    if in_flight.count(holder) >= in_flight.limit:
        raise Busy(f"At most {in_flight.limit} uploads at once {what}; retry when one has finished")
    with in_flight.slot(holder):  # no await since the check: no other task can take the slot in between
        yield


async def store_uploads(
    session: AsyncSession,
    principal: Principal,
    files: Files,
    parts: AsyncIterator[IncomingFile],
    *,
    max_files: int | None = None,
) -> list[UploadView]:
    """Stream every `files` part to storage. All or nothing: if any file is refused, none is kept.

    The session is not touched until every byte has arrived: a slow client holds no database connection
    (the dialect hands authentication's back before the body is read). Then one short write records them."""
    with _slot(files, ("user", principal.user_id), "per user"):
        return await _store_uploads(session, principal, files, parts, max_files or files.settings.upload_max_files)


async def _store_uploads(
    session: AsyncSession, principal: Principal, files: Files, parts: AsyncIterator[IncomingFile], max_files: int
) -> list[UploadView]:
    settings = files.settings
    stored: list[str] = []
    uploads: list[Upload] = []
    try:
        async for part in parts:
            if part.field != UPLOAD_FIELD:
                continue  # other form fields are read past, never kept
            index = len(uploads)
            field = f"{UPLOAD_FIELD}[{index}]"
            if index >= max_files:
                raise Invalid.field(UPLOAD_FIELD, f"At most {max_files} files per upload", "TOO_MANY_FILES")
            name = display_name(part.filename or "")
            if not name:
                raise Invalid.field(field, f"{field} is not a file (no filename)", "NOT_A_FILE")
            head, content = await _split_head(_capped(part.chunks, settings.upload_max_bytes, field), SNIFF_BYTES)
            content_type = sniff(head)
            _check_type(files, content_type, field, name)
            key = new_key(principal.org_oid, name, utc_now().date())
            size = await files.store.put(key, content, content_type)
            metrics.UPLOAD_BYTES.inc(size)
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
    # The client writes to a staging key; `complete_upload` moves what it checked to the served key.
    direct = await files.store.direct_upload(staging_key(key), expires_in=seconds, max_size=cap)
    if direct is not None:
        return UploadGrant(key, "POST", direct.url, direct.fields, expires_at, cap)
    grant = links.Grant("PUT", key, int(expires_at.timestamp()), f"max={cap}")
    return UploadGrant(key, "PUT", links.make_link(files.base_url, files.signer, grant), {}, expires_at, cap)


async def receive_direct(
    session: AsyncSession, files: Files, key: str, params: Mapping[str, str], chunks: AsyncIterator[bytes]
) -> int:
    """The local store's counterpart of a presigned POST: a signed PUT of the raw bytes. Single use.

    The bytes go to a staging object of this request first, with no database connection held while they
    arrive; then one short transaction uses up the grant (the first PUT to finish wins, any later one is
    409) and the staged bytes become the key's. Nothing can write the key after that, so what
    `complete_upload` checks is what is served."""
    grant = links.verify(files.signer, "PUT", key, params, utc_now())
    if files.store.name != "local":
        raise NotFound("Direct uploads go to the object store")
    limit = int(grant.detail.removeprefix("max="))
    staged = private_staging_key()
    with _slot(files, ("grant", grant.key), "through one upload link"):
        size = await files.store.put(staged, _capped(chunks, limit, "body"), PENDING_TYPE)
    metrics.UPLOAD_BYTES.inc(size)
    try:
        if not await repository.consume_grant(session, grant.key):
            if await repository.by_key(session, grant.key) is None:
                raise NotFound("No upload is waiting for this key")
            raise Conflict(GRANT_USED, [FieldProblem("key", GRANT_USED, "GRANT_USED")])
        await files.store.promote(staged, grant.key)
    except BaseException:
        await _forget(files, [staged])
        raise
    return size


async def _check_stored(files: Files, upload: Upload, key: str) -> tuple[int, str]:
    """Size and sniffed type of what is stored under the key (which no client can write); refused bytes are
    deleted, and the client may ask for a new grant."""
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
        await files.store.delete(key)
        raise
    return info.size, content_type


async def complete_upload(session: AsyncSession, principal: Principal, files: Files, key: str) -> UploadView:
    """Check what really arrived under a granted key (size, sniffed type); only then may it be attached.

    The check reads the served key, which only the server writes: on S3 the client's presigned POST lands on
    a staging key, copied here once (a later POST through the same grant changes only the staging copy); on
    the local store the one PUT that used up the grant moved its bytes here."""
    upload = (await repository.of_org_for_update(session, principal, [key])).get(key)
    if upload is None:
        raise Invalid.field("key", f"{key!r} {UNKNOWN_KEY}", "UNKNOWN_KEY")
    if upload.status == UploadStatus.STORED:
        return _view(files, upload)
    if files.store.name == "local":
        if upload.status != UploadStatus.RECEIVED:
            raise Invalid.field("key", "Nothing has been uploaded under this key yet", "NOT_UPLOADED")
    else:
        staged = staging_key(key)
        if await files.store.head(staged) is None:
            raise Invalid.field("key", "Nothing has been uploaded under this key yet", "NOT_UPLOADED")
        await files.store.promote(staged, key)
    upload.size, upload.content_type = await _check_stored(files, upload, key)
    upload.status = UploadStatus.STORED
    await session.flush()
    return _view(files, upload)


# ---- attaching ----------------------------------------------------------------------------------------


async def attachments_for_note(
    session: AsyncSession, principal: Principal, items: Sequence[AttachmentIn], *, note_id: int | None = None
) -> list[StoredAttachment]:
    """The attachments a note may carry (`note_id`: the note being edited; None for a new note).

    Each key must be a stored upload of the caller's organization that is either the caller's own and not
    attached yet, or already this note's. A file attached once belongs to that note for good: another note
    (live, private or deleted) cannot take it, so a deleted note's files stay dead. A key of another
    organization gets the same answer as a key that does not exist. Size and type come from the stored
    upload (what the bytes are), the name from the caller (a label). Call `bind_to_note` once the note exists.
    """
    uploads = await repository.of_org_for_update(session, principal, [item.key for item in items])
    problems = []
    for index, item in enumerate(items):
        field = f"attachments[{index}].key"
        upload = uploads.get(item.key)
        if upload is None or upload.status != UploadStatus.STORED:
            problems.append(FieldProblem(field, f"{field} {UNKNOWN_KEY}: {UPLOAD_FIRST}", "UNKNOWN_KEY"))
        elif not _may_attach(principal, upload, note_id):
            problems.append(FieldProblem(field, f"{field} {NOT_YOURS}", "NOT_ATTACHABLE"))
    if problems:
        raise Invalid(problems[0].message, problems)
    return [
        StoredAttachment(item.key, item.name, uploads[item.key].size, uploads[item.key].content_type) for item in items
    ]


def _may_attach(principal: Principal, upload: Upload, note_id: int | None) -> bool:
    if upload.note_id is not None:
        return upload.note_id == note_id
    # Attached once before notes owned their files, and carried by none now: it stays with nobody.
    return upload.attached_at is None and upload.created_by_id == principal.user_id


async def bind_to_note(
    session: AsyncSession, principal: Principal, items: Sequence[StoredAttachment], note_id: int
) -> None:
    """The checked uploads now belong to the note (rows locked by `attachments_for_note`, same transaction)."""
    await repository.mark_attached(session, principal, [item.key for item in items], note_id, utc_now())


# ---- links --------------------------------------------------------------------------------------------


def sign_links(files: Files, items: Sequence[AttachmentView]) -> list[AttachmentView]:
    """The attachments with a fresh download link each. Call only for a note read through the access check."""
    expires = _expires(files)
    return [
        dataclasses.replace(
            item, signed_url=links.download_link(files.base_url, files.signer, item.key, item.name, expires=expires)
        )
        for item in items
    ]


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
