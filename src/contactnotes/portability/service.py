"""Export (GDPR art. 15 and 20) and restore: one zip archive holding manifest.json and the files under files/.

Exports read in the caller's transaction; the files are streamed from storage into the archive. A restore
goes into a database that holds no notes yet, all in one transaction: an archive that fails half-way leaves
nothing behind (the files already copied into storage are removed again).
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contactnotes.auth.principal import Principal
from contactnotes.contacts import service as contacts
from contactnotes.errors import Conflict, Forbidden, Invalid
from contactnotes.kit.clock import utc_now
from contactnotes.models import Organization
from contactnotes.orgs import service as orgs
from contactnotes.portability import repository
from contactnotes.portability.manifest import FORMAT, FORMAT_VERSION, SECTIONS, Restoring, Scope
from contactnotes.storage import ObjectStore
from contactnotes.storage.base import UnsafeKey, check_key

MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


async def _manifest(session: AsyncSession, org: Organization, contact_id: int | None) -> dict[str, Any]:
    scope = Scope(org.id, contact_id)
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": utc_now().isoformat(),
        "scope": "organization" if contact_id is None else "contact",
        "organization": {"oid": org.oid, "name": org.name, "time_zone": org.time_zone},
    }
    for section in SECTIONS:
        document[section.name] = await section.collect(session, scope)
    return document


async def _write(document: dict[str, Any], store: ObjectStore, target: Path) -> None:
    """The archive, files streamed in one chunk at a time; each file's SHA-256 goes into the manifest."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in document["files"]:
            digest = hashlib.sha256()
            with archive.open(entry["path"], "w", force_zip64=True) as out:
                async for chunk in store.stream(entry["key"]):
                    digest.update(chunk)
                    out.write(chunk)
            entry["sha256"] = digest.hexdigest()
        archive.writestr(MANIFEST, json.dumps(document, ensure_ascii=False, indent=1))


async def export_contact(
    session: AsyncSession,
    principal: Principal | None,
    org: Organization,
    ref: int | str,
    store: ObjectStore,
    target: Path,
) -> dict[str, Any]:
    """Everything that concerns one contact. `principal` None: the operator's command line."""
    contact = await contacts.get_contact(session, org.id, ref)  # first: another organization's contact is 404
    if principal is not None and not principal.is_admin:
        raise Forbidden("Only organization admins export a contact's data")
    document = await _manifest(session, org, contact.id)
    await _write(document, store, target)
    return document


async def export_org(session: AsyncSession, org: Organization, store: ObjectStore, target: Path) -> dict[str, Any]:
    document = await _manifest(session, org, None)
    await _write(document, store, target)
    return document


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        document: dict[str, Any] = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError) as exc:
        raise Invalid.field("archive", f"no readable {MANIFEST} in the archive") from exc
    if document.get("format") != FORMAT:
        raise Invalid.field("archive", f"not a {FORMAT} archive")
    version = document.get("version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise Invalid.field("archive", f"format version {version!r}; this release reads up to {FORMAT_VERSION}")
    if document.get("scope") != "organization":
        raise Invalid.field("archive", "a contact's export is for reading; only an organization's can be restored")
    return document


async def restore_org(session: AsyncSession, source: Path, store: ObjectStore) -> Organization:
    with zipfile.ZipFile(source) as archive:
        document = read_manifest(archive)
        if not await repository.org_is_empty(session):
            raise Conflict("The database already holds notes; restore into an empty database")
        about = document["organization"]
        org = await orgs.create_org(session, about["name"], oid=about["oid"], note_types=False)
        org.time_zone = about["time_zone"]
        into = Restoring(org.id)
        for section in SECTIONS:
            await section.restore(session, into, document.get(section.name, []))
        copied: list[str] = []
        try:
            for entry in document["files"]:
                await _copy_file(archive, entry, store)
                copied.append(entry["key"])
        except BaseException:
            for key in copied:
                await store.delete(key)
            raise
    return org


async def _copy_file(archive: zipfile.ZipFile, entry: dict[str, Any], store: ObjectStore) -> None:
    try:
        key = check_key(entry["key"])
    except UnsafeKey:
        raise Invalid.field("archive", f"unsafe file key {entry['key']!r}") from None
    digest = hashlib.sha256()

    async def chunks() -> Any:
        with archive.open(entry["path"]) as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
                yield chunk

    await store.put(key, chunks(), entry.get("content_type") or "application/octet-stream")
    if entry.get("sha256") and digest.hexdigest() != entry["sha256"]:
        await store.delete(key)
        raise Invalid.field("archive", f"{entry['path']} does not match its SHA-256")
