"""Slow exports made in the background (issue 23): a person asks for a file, a job makes it, and the
page they are sent to says when it is ready to download. Any web process can serve it (the file is
kept in the database, ``export_files``), and only to the person who asked.

A file is made by ``make``, the job, which takes the row with a conditional UPDATE (waiting → making):
run twice, it makes the file once. A file that fails says why, and can be asked for again. Files are
kept for ``KEEP_FOR`` and then removed by the daily jobs (``prune``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import abort, current_app
from sqlalchemy import delete, select, update

from grants import audit, jobs
from grants.extensions import db
from grants.interfaces.writes import rows_changed
from grants.models.accounts import Role, User
from grants.models.mail import ExportFile
from grants.models.types import utcnow

WAITING, MAKING, READY, FAILED = "waiting", "making", "ready", "failed"
KEEP_FOR = timedelta(days=7)


@dataclass(frozen=True)
class Export:
    """A kind of file that is made in the background."""

    key: str
    label: str  # "360Giving data as a spreadsheet (xlsx)"
    roles: frozenset[Role]
    make: Callable[[Mapping[str, Any]], tuple[str, str, bytes]]  # parameters -> (filename, type, content)
    back: str  # the endpoint of the page it is asked for from


def _threesixtygiving_xlsx(parameters: Mapping[str, Any]) -> tuple[str, str, bytes]:
    from grants import open_data
    from grants.exports import threesixtygiving
    from grants.interfaces.awards import portfolio_awards

    with threesixtygiving.workbook(open_data.grants(portfolio_awards.publishable_batches(),
                                                    current_app.config)) as document:
        return threesixtygiving.filename("xlsx"), threesixtygiving.XLSX_MIMETYPE, document.read()


def _threesixtygiving_json(parameters: Mapping[str, Any]) -> tuple[str, str, bytes]:
    from grants import open_data
    from grants.exports import threesixtygiving
    from grants.interfaces.awards import portfolio_awards

    pieces: list[str] = []
    open_data.write_package(pieces.append, portfolio_awards.publishable_batches(), current_app.config)
    return threesixtygiving.filename("json"), "application/json", "".join(pieces).encode()


_AWARD_VIEWERS = frozenset({Role.GRANTS_OFFICER, Role.FINANCE_OFFICER, Role.COMMISSIONER, Role.ADMIN})
KINDS: dict[str, Export] = {
    export.key: export for export in (
        Export("360giving-xlsx", "360Giving data as a spreadsheet (xlsx)", _AWARD_VIEWERS, _threesixtygiving_xlsx,
               "awards.open_data"),
        Export("360giving-json", "360Giving data as JSON", _AWARD_VIEWERS, _threesixtygiving_json,
               "awards.open_data"),
    )
}

# Who may ask for any file here: the pages' role check (each file checks its own roles too).
DOWNLOADERS = frozenset().union(*(export.roles for export in KINDS.values()))


def kind_for(user: User, key: str) -> Export:
    """The export ``key`` if ``user`` may ask for it; 404 otherwise."""
    export = KINDS.get(key)
    if export is None or not (export.roles & user.roles):
        abort(404)
    return export


def ask(export: Export, user: User, parameters: Mapping[str, Any] | None = None) -> ExportFile:
    """Record that ``user`` asked for the file, and make it by a job after this transaction commits."""
    made = ExportFile(kind=export.key, parameters=dict(parameters or {}), requested_by_id=user.id, status=WAITING)
    db.session.add(made)
    db.session.flush()
    audit.record("download.requested", made, f"{export.label} asked for", actor=user)
    jobs.enqueue_after_commit("grants.interfaces.downloads.make", made.id)
    return made


def make(export_id: int, now: datetime | None = None) -> str:
    """The job: make the file ``export_id`` if it is waiting (once, however often it runs). Commits.
    Returns the file's status afterwards."""
    now = now or utcnow()
    taken = rows_changed(update(ExportFile).where(ExportFile.id == export_id, ExportFile.status == WAITING)
                         .values(status=MAKING).execution_options(synchronize_session=False))
    db.session.commit()
    made = db.session.get(ExportFile, export_id)
    if made is None or not taken:
        return made.status if made else "missing"
    kind, parameters = made.kind, dict(made.parameters)
    values: dict[str, Any]
    try:
        filename, content_type, content = KINDS[kind].make(parameters)
    except Exception as error:  # noqa: BLE001  shown to the person who asked, and logged
        current_app.logger.exception("Export %s (%s) failed", export_id, kind)
        values = {"status": FAILED, "error": f"{type(error).__name__}: {error}"[:500]}
    else:
        values = {"status": READY, "filename": filename, "content_type": content_type, "content": content}
    # The reads that made the file end before the write: SQLite cannot turn a read into a write once
    # another connection has written since it began ("database is locked"), and the pages polling for
    # the file write their sessions meanwhile.
    db.session.rollback()
    db.session.execute(update(ExportFile).where(ExportFile.id == export_id)
                       .values(**values, finished_at=utcnow()).execution_options(synchronize_session=False))
    db.session.commit()
    return str(values["status"])


def file_for(user: User, export_id: int) -> ExportFile:
    """The file ``export_id`` if ``user`` asked for it; 404 otherwise (another person's file included)."""
    made = db.session.get(ExportFile, export_id)
    if made is None or made.requested_by_id != user.id or made.kind not in KINDS:
        abort(404)
    return made


def content_of(made: ExportFile) -> bytes:
    return db.session.scalar(select(ExportFile.content).where(ExportFile.id == made.id)) or b""


def files_of(user: User) -> list[ExportFile]:
    """The files ``user`` asked for that are still kept, newest first."""
    return list(db.session.scalars(select(ExportFile).where(ExportFile.requested_by_id == user.id)
                                   .order_by(ExportFile.requested_at.desc(), ExportFile.id.desc())))


def prune(now: datetime | None = None) -> int:
    """Remove files asked for more than ``KEEP_FOR`` ago; how many."""
    cutoff = (now or utcnow()) - KEEP_FOR
    return rows_changed(delete(ExportFile).where(ExportFile.requested_at < cutoff)
                        .execution_options(synchronize_session=False))
