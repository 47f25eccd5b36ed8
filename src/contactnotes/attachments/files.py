"""The per-process file machinery: the configured store, the link signer and the limits."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from contactnotes.kit.inflight import InFlight
from contactnotes.kit.signing import Signer
from contactnotes.settings import Settings
from contactnotes.storage import ObjectStore, build_store

LOCAL_KEY_ID = "local"


def _local_secret(var_dir: Path) -> bytes:
    """A secret kept in var_dir, made on first use, so links survive restarts of an embedded install."""
    path = var_dir / "secrets" / "link-signing.key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: when several processes start at once, exactly one writes the secret; the others read it.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return bytes.fromhex(path.read_text().strip())
    secret = secrets.token_bytes(32)
    with os.fdopen(descriptor, "w") as out:
        out.write(secret.hex())
    return secret


def build_signer(settings: Settings) -> Signer:
    if settings.link_signing_keys:
        keys = {kid: value.get_secret_value().encode() for kid, value in settings.link_signing_keys.items()}
        current = settings.link_signing_key_id or next(iter(keys))
        return Signer(keys, current)
    return Signer({LOCAL_KEY_ID: _local_secret(settings.var_dir)}, LOCAL_KEY_ID)


@dataclass
class Files:
    settings: Settings
    store: ObjectStore
    signer: Signer
    # Uploads in progress in this process, per user and per direct-upload grant (settings.upload_max_in_flight).
    in_flight: InFlight = field(init=False)

    def __post_init__(self) -> None:
        self.in_flight = InFlight(self.settings.upload_max_in_flight)

    @classmethod
    def from_settings(cls, settings: Settings) -> Files:
        return cls(settings, build_store(settings), build_signer(settings))

    @property
    def base_url(self) -> str:
        return self.settings.public_base_url.rstrip("/")

    async def close(self) -> None:
        await self.store.close()
