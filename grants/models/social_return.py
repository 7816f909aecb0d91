"""Versioned parameter sets for the social-return (SROI) model of treatment.

A set holds every parameter of ``grants.modelling`` 's model with its source, as JSON. A published
set is never changed: an administrator copies it, edits the copy (a draft) and publishes the copy
as the next version. Results say which set and version they used.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.extensions import Model
from grants.models.types import UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from grants.models.accounts import User


class ParameterSetStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"  # no longer offered for new results; kept so old results can be reproduced

    @property
    def label(self) -> str:
        return self.value.capitalize()


class SroiParameterSet(Model):
    __tablename__ = "sroi_parameter_sets"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[ParameterSetStatus] = mapped_column(
        enum_type(ParameterSetStatus, "sroi_parameter_set_status", 20), default=ParameterSetStatus.DRAFT
    )
    # The model's parameters with their sources, as grants.modelling's serialised form.
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    notes: Mapped[str] = mapped_column(Text, default="")
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("sroi_parameter_sets.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    based_on: Mapped[SroiParameterSet | None] = relationship(remote_side=[id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])

    @property
    def label(self) -> str:
        return f"{self.name} (version {self.version})"
