from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from contactnotes.db.base import Base


class FileTextStatus(enum.StrEnum):
    OK = "ok"  # text extracted (possibly empty: a scanned PDF has none)
    UNREADABLE = "unreadable"  # damaged, encrypted or not what its type says: never tried again
    TOO_LARGE = "too_large"  # over the extraction size bound
    UNSUPPORTED = "unsupported"  # a type we do not extract (images, audio, ...)


class FileText(Base):
    """The searchable text of a stored file, by its storage key, extracted once by a worker.

    Keyed by the key rather than by a note's attachment row: a note's update replaces its attachment rows, and
    the same file may be attached to several notes. A row exists once extraction was tried, whatever came of
    it, so a file that cannot be read is never retried (except by `contactnotes search reindex --files`).
    """

    __tablename__ = "file_texts"

    key: Mapped[str] = mapped_column(String(1024), primary_key=True)
    org_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("organizations.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text, default="")
    extracted_at: Mapped[datetime]
