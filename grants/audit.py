"""Write to the audit log. Every change of state calls ``record`` in the same transaction."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import inspect

from grants.extensions import db
from grants.models.audit import AuditEvent

# Never written to the log, whatever the model.
SECRET_FIELDS = frozenset({"password_hash", "session_token", "token_hash", "totp_secret", "key_hash", "code_hash"})
# Left out of snapshots: the event itself records the record's id and when it happened.
BOOKKEEPING_FIELDS = frozenset({"id", "created_at", "updated_at", "password_changed_at"})


def _plain(value: Any) -> Any:
    """A JSON-safe form of a column value."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple | list):
        items = [_plain(v) for v in value]
        try:
            return sorted(items)
        except TypeError:  # rows of a JSON column (a round's checklist): kept in their order, which means something
            return items
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields whose value differs, as ``{field: {"before": b, "after": a}}``."""
    changes = {}
    for field in sorted(before.keys() | after.keys()):
        if field in SECRET_FIELDS:
            continue
        old, new = _plain(before.get(field)), _plain(after.get(field))
        if old != new:
            changes[field] = {"before": old, "after": new}
    return changes


def pending_changes(obj: Any) -> dict[str, dict[str, Any]]:
    """Column changes made to ``obj`` since it was loaded; call before the session flushes."""
    state = inspect(obj)
    before, after = {}, {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.has_changes():
            before[attr.key] = history.deleted[0] if history.deleted else None
            after[attr.key] = history.added[0] if history.added else None
    return diff(before, after)


def snapshot(obj: Any) -> dict[str, Any]:
    """The columns of ``obj`` that say what it is, for a record of creation or deletion."""
    return {
        attr.key: _plain(getattr(obj, attr.key))
        for attr in inspect(obj).mapper.column_attrs
        if attr.key not in SECRET_FIELDS | BOOKKEEPING_FIELDS
    }


def _entity(entity: Any) -> tuple[str, str | None]:
    if isinstance(entity, tuple):
        kind, ident = entity
        return kind, None if ident is None else str(ident)
    ident = inspect(entity).identity
    if ident is None:  # not flushed yet: give it its id
        db.session.flush()
        ident = inspect(entity).identity
    return type(entity).__name__, ",".join(str(part) for part in ident)


def record(
    action: str,
    entity: Any,
    summary: str,
    changes: dict[str, dict[str, Any]] | None = None,
    actor: Any = None,
) -> AuditEvent:
    """Add an audit event to the session: the caller's commit saves it with the change itself.

    ``entity`` is a model instance or a ``(type, id)`` pair; ``actor`` defaults to the signed-in
    user (``None`` with no request, for example a CLI command, is logged as the system).
    """
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    entity_type, entity_id = _entity(entity)
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        actor_label=f"{actor.full_name} <{actor.email}>" if actor is not None else "System",
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        summary=summary[:500],
        changes=changes or {},
        ip_address=request.remote_addr if has_request_context() else None,
        request_id=g.get("request_id") if has_request_context() else None,
    )
    db.session.add(event)
    return event
