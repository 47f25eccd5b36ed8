"""Object storage behind one interface: local files (the embedded default) or any S3-compatible store."""

from contactnotes.storage.base import DirectUpload, ObjectInfo, ObjectStore, UnsafeKey, check_key
from contactnotes.storage.factory import build_store

__all__ = ["DirectUpload", "ObjectInfo", "ObjectStore", "UnsafeKey", "build_store", "check_key"]
