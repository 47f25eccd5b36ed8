from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from contactnotes.db.base import Base


class WorkerHeartbeat(Base):
    """One row per running worker process, touched every few seconds: /readyz reads how fresh the last is."""

    __tablename__ = "worker_heartbeats"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    started_at: Mapped[datetime]
    beat_at: Mapped[datetime]
