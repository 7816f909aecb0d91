"""Partners in pooled budgets: the OPCC, the local authorities (one each, made from the reference
data) and others an administrator adds."""

from __future__ import annotations

from sqlalchemy import func, select

from grants import audit
from grants.extensions import db
from grants.interfaces.pooled_budgets.agreements import PooledError
from grants.models.accounts import User
from grants.models.pooled_budgets import Partner, PartnerKind
from grants.models.reference import LocalAuthority

OPCC_NAME = "Office of the Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly"


def ensure_partners() -> list[Partner]:
    """The OPCC and a partner for each local authority, created if missing (safe to run again)."""
    created = []
    if db.session.scalar(select(Partner).filter_by(kind=PartnerKind.OPCC)) is None:
        created.append(Partner(name=OPCC_NAME, kind=PartnerKind.OPCC))
    for authority in db.session.scalars(select(LocalAuthority).order_by(LocalAuthority.position)):
        known = db.session.scalar(select(Partner).where(
            (Partner.local_authority_id == authority.id) | (Partner.name == authority.council_name)))
        if known is None:
            created.append(Partner(name=authority.council_name, kind=PartnerKind.LOCAL_AUTHORITY,
                                   local_authority=authority))
    db.session.add_all(created)
    db.session.flush()  # ids for the audit events
    for partner in created:
        audit.record("partner.created", partner, f"Partner {partner.name} added",
                     changes=audit.diff({}, audit.snapshot(partner)))
    return created


def list_partners(active_only: bool = False) -> list[Partner]:
    query = select(Partner).order_by(Partner.kind, Partner.name)
    if active_only:
        query = query.where(Partner.active.is_(True))
    return list(db.session.scalars(query))


def add_partner(name: str, kind: PartnerKind | str, user: User) -> Partner:
    name = " ".join((name or "").split())
    if not name:
        raise PooledError("Enter the partner’s name", "name")
    if len(name) > 200:
        raise PooledError("Name must be 200 characters or fewer", "name")
    try:
        kind = PartnerKind(kind)
    except ValueError:
        raise PooledError("Select the kind of partner", "kind") from None
    if db.session.scalar(select(Partner).where(func.lower(Partner.name) == name.lower())) is not None:
        raise PooledError(f"There is already a partner called {name}", "name")
    partner = Partner(name=name, kind=kind)
    db.session.add(partner)
    audit.record("partner.created", partner, f"Partner {name} added", changes=audit.diff({}, audit.snapshot(partner)),
                 actor=user)
    return partner
