"""Declarative base with a naming convention, so constraint names are stable across both databases."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from contactnotes.db.types import BigIntPK, UTCDateTime
from contactnotes.kit.clock import utc_now
from contactnotes.kit.ids import new_oid

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class DualIdMixin:
    """An integer id (Virtuous addresses objects by integers) and a 24-hex ObjectId (TetherAI uses those)."""

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    oid: Mapped[str] = mapped_column(String(24), unique=True, default=new_oid)


class CreatedAtMixin:
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
