"""The store the settings ask for."""

from __future__ import annotations

from contactnotes.settings import Settings
from contactnotes.storage.base import ObjectStore
from contactnotes.storage.local import LocalStore


def build_store(settings: Settings) -> ObjectStore:
    if settings.storage_backend == "s3":
        # Imported only when used: aiobotocore and botocore's data take about 40 MB of each process's memory.
        from contactnotes.storage.s3 import S3Store

        secret = settings.s3_secret_access_key
        return S3Store(
            bucket=settings.s3_bucket,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=secret.get_secret_value() if secret else None,
            addressing_style=settings.s3_addressing_style,
            part_size=settings.s3_part_size_bytes,
        )
    return LocalStore(settings.files_dir)
