"""Organisations that apply for grants, and invitations to join them."""

from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.extensions import Model
from grants.models.types import UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from grants.models.accounts import User


class LegalType(StrEnum):
    REGISTERED_CHARITY = "registered_charity"
    CIO = "cio"
    CIC = "cic"
    COMPANY_LIMITED_BY_GUARANTEE = "company_limited_by_guarantee"
    UNINCORPORATED_GROUP = "unincorporated_group"
    FAITH_GROUP = "faith_group"
    SOCIAL_ENTERPRISE = "social_enterprise"
    STATUTORY_BODY = "statutory_body"

    @property
    def label(self) -> str:
        return LEGAL_TYPE_LABELS[self]

    @property
    def needs_charity_number(self) -> bool:
        return self in {LegalType.REGISTERED_CHARITY, LegalType.CIO}

    @property
    def needs_company_number(self) -> bool:
        return self in {LegalType.CIC, LegalType.COMPANY_LIMITED_BY_GUARANTEE}

    @property
    def may_have_charity_number(self) -> bool:
        return self not in {LegalType.CIC, LegalType.STATUTORY_BODY}

    @property
    def may_have_company_number(self) -> bool:
        return self not in {LegalType.CIO, LegalType.UNINCORPORATED_GROUP, LegalType.STATUTORY_BODY}


LEGAL_TYPE_LABELS = {
    LegalType.REGISTERED_CHARITY: "Registered charity",
    LegalType.CIO: "Charitable incorporated organisation (CIO)",
    LegalType.CIC: "Community interest company (CIC)",
    LegalType.COMPANY_LIMITED_BY_GUARANTEE: "Company limited by guarantee",
    LegalType.UNINCORPORATED_GROUP: "Unincorporated community group",
    LegalType.FAITH_GROUP: "Faith group",
    LegalType.SOCIAL_ENTERPRISE: "Social enterprise",
    LegalType.STATUTORY_BODY: "Statutory body",
}


class Organisation(Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    legal_type: Mapped[LegalType] = mapped_column(
        enum_type(LegalType, "legal_type", 40)
    )
    # Normalised: "1234567" or "1234567-1", "SC012345", "NIC100001"
    charity_number: Mapped[str | None] = mapped_column(String(20))
    # Normalised to eight characters with leading zeros kept: "01234567", "SC123456"
    company_number: Mapped[str | None] = mapped_column(String(8))
    address_line_1: Mapped[str] = mapped_column(String(200))
    address_line_2: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str] = mapped_column(String(100))
    county: Mapped[str | None] = mapped_column(String(100))
    postcode: Mapped[str] = mapped_column(String(8))
    annual_income: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="organisation")
    invites: Mapped[list[OrganisationInvite]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name}>"


def hash_token(token: str) -> str:
    """Invitation tokens are kept only as SHA-256 digests: a leaked table opens nothing."""
    return hashlib.sha256(token.encode()).hexdigest()


class OrganisationInvite(Model):
    __tablename__ = "organisation_invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship(back_populates="invites")
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > utcnow()
