"""After every test, the officers' list's kept counts (grants.interfaces.screening.list_counts) equal the
counts from the rows the test left, and every application's organisation sort key is its organisation's
name in lower case: whatever path a test changed an application, its areas or its organisation by, the
change moved what it should have. Run by the suite's ``db`` fixture (tests/conftest.py) as the test ends,
before its transaction is rolled back."""

from __future__ import annotations

from sqlalchemy import exc, func, select

from grants.extensions import db
from grants.interfaces.screening import list_counts
from grants.models.applications import Application, ApplicationListCount, ApplicationListRound
from grants.models.organisations import Organisation


def _kept() -> set[tuple]:
    return {(row.round_id, row.status, row.local_authority_id, row.applications)
            for row in db.session.scalars(select(ApplicationListCount))}


def problems() -> list[str]:
    """What the kept counts or sort keys got wrong ([] when they are right, or nothing to check)."""
    try:
        session = db.session()
        if not session.is_active:
            return []
        list_counts.settle()  # what a commit would do with the test's last changes
        wrong_keys = db.session.execute(
            select(Application.id, Application.organisation_sort, Organisation.name)
            .join(Organisation, Organisation.id == Application.organisation_id)
            .where(Application.organisation_sort.is_(None)
                   | (Application.organisation_sort != func.lower(Organisation.name)))).all()
        kept_rounds = sorted(db.session.scalars(select(ApplicationListRound.round_id)))
        if not kept_rounds:
            return [f"sort key of application {row[0]}: {row[1]!r} for {row[2]!r}" for row in wrong_keys]
        db.session.expire_all()
        kept = _kept()
        list_counts._work_out_rounds(kept_rounds)
        db.session.expire_all()
        scratch = _kept()
    except exc.SQLAlchemyError:
        return []  # the test left its transaction unusable (a refused write it checks): nothing to read
    found = [f"sort key of application {row[0]}: {row[1]!r} for {row[2]!r}" for row in wrong_keys]
    if kept != scratch:
        found.append(f"kept but not so: {sorted(kept - scratch)}; so but not kept: {sorted(scratch - kept)}")
    return found
