"""The forms a round asks, stored as data: each row is one version of one kind of form (application,
eligibility check, monitoring return, expression of interest) for one round.

A version is never changed: saving a form makes the next version, and the current form is the
newest one (or the shipped standard form when a round has none). The definition is the engine's
JSON document (grants.form_definitions, described in docs/form-definitions.md), exactly as exported.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.extensions import Model
from grants.form_definitions import Kind
from grants.models.types import UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from grants.models.accounts import User


class RoundForm(Model):
    __tablename__ = "round_forms"
    # Also the index that finds a round's newest version of a kind.
    __table_args__ = (UniqueConstraint("round_id", "kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("funding_rounds.id", ondelete="CASCADE"))
    kind: Mapped[Kind] = mapped_column(enum_type(Kind, "round_form_kind", 30))
    # 1, 2, 3... for each round and kind.
    version: Mapped[int] = mapped_column(Integer)
    # The dumped definition (grants.form_definitions.dump).
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Why an administrator made this version after the round had opened (the override's reason).
    reason: Mapped[str | None] = mapped_column(Text)

    created_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<RoundForm round {self.round_id} {self.kind.value} version {self.version}>"
