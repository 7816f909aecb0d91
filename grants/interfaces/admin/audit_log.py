"""Reading the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from grants.extensions import db
from grants.formatting import LONDON
from grants.interfaces.paging import Page, contains, paginate
from grants.models.audit import AuditEvent


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""
    entity_type: str = ""
    entity_id: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _london_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


def search_events(criteria: AuditFilter, page: int = 1, per_page: int = 50) -> Page:
    """Newest first. Dates are whole days in UK time, both ends included."""
    query = select(AuditEvent)
    if criteria.actor:
        query = query.where(AuditEvent.actor_label.ilike(contains(criteria.actor), escape="\\"))
    if criteria.action:
        query = query.where(AuditEvent.action == criteria.action)
    if criteria.entity_type:
        query = query.where(AuditEvent.entity_type == criteria.entity_type)
    if criteria.entity_id:
        query = query.where(AuditEvent.entity_id == criteria.entity_id)
    if criteria.date_from:
        query = query.where(AuditEvent.occurred_at >= _london_midnight(criteria.date_from))
    if criteria.date_to:
        query = query.where(AuditEvent.occurred_at < _london_midnight(criteria.date_to + timedelta(days=1)))
    return paginate(query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()), page, per_page)


def known_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def known_entity_types() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.entity_type).distinct().order_by(AuditEvent.entity_type)))
