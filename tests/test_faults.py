"""Faults in the middle of an action leave nothing half done.

A database error (raised as the driver would, on a chosen statement) or a crash (an exception from
a function called after the first write) is injected into an application submission, a
pooled-budget import, an instalment approval and payment, a panel score-sheet submission and the
commissioner's funding decision. Each time: every table's row count and every versioned table's
versions are as before, the user sees the service's own error page, and the same request without
the fault then succeeds. A statement that fails is a fault of the service (500); a connection lost
under a statement is the database being unavailable (503, "try again later"), and leaves nothing
half done either. ``test_faults_injected`` reports how many faults were injected.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, func, inspect, select
from sqlalchemy.exc import OperationalError

from grants.extensions import db as _db
from grants.models.applications import ApplicationStatus
from grants.models.awards import InstalmentStatus
from grants.models.panel import ScoreSheet, SheetStatus
from grants.models.pooled_budgets import MonthlyFigure
from tests.blueprints.applications.answers import VALID
from tests.blueprints.applications.conftest import (  # noqa: F401
    add_required_documents,
    answer_subsidy_control,
    draft,
    open_round,
)
from tests.blueprints.panel.conftest import bids, panel, panel_round, seat, submit_scores  # noqa: F401
from tests.figures import count
from tests.helpers import page, post

ERROR_HEADING = "Sorry, there is a problem with the service"
UNAVAILABLE_HEADING = "Sorry, the service is unavailable"


class InjectedFault(RuntimeError):
    """A crash put there by a test."""


@pytest.fixture
def faulty(app):
    """Exceptions reach the app's 500 handler (as in production) instead of the test."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    yield app
    app.config["PROPAGATE_EXCEPTIONS"] = None


@pytest.fixture
def fail_statement(db):
    """``fail_statement("INSERT INTO audit_events", nth=1)``: the nth statement starting so (or
    with any of the prefixes given) raises an OperationalError, once, as a full disk would; with
    ``lost=True``, as a connection lost under the statement would (the driver says it is gone)."""
    listeners = []

    def arm(*prefixes: str, nth: int = 1, lost: bool = False):
        seen = {"count": 0}

        def before_execute(connection, cursor, statement, parameters, context, executemany):
            if " ".join(statement.split()).upper().startswith(tuple(p.upper() for p in prefixes)):
                seen["count"] += 1
                if seen["count"] == nth:
                    count("faults injected")
                    raise OperationalError(statement, parameters, InjectedFault("injected database fault"),
                                           connection_invalidated=lost)

        event.listen(db.engine, "before_cursor_execute", before_execute)
        listeners.append(before_execute)
        return seen

    yield arm
    for listener in listeners:
        event.remove(db.engine, "before_cursor_execute", listener)


@pytest.fixture
def crash(monkeypatch):
    """``crash(module, "name")``: calling ``module.name`` raises once, then works again."""

    def arm(owner, name: str):
        original = getattr(owner, name)
        state = {"armed": True}

        def broken(*args, **kwargs):
            if state["armed"]:
                state["armed"] = False
                count("faults injected")
                raise InjectedFault(f"injected crash in {name}")
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, broken)
        return state

    return arm


def database_state() -> dict[str, int]:
    """Every table's row count and the sum of every versioned table's versions."""
    _db.session.expire_all()
    found = {}
    existing = set(inspect(_db.session.connection()).get_table_names())
    for table in _db.metadata.sorted_tables:
        if table.name not in existing:  # a model whose migration is still being written
            continue
        found[table.name] = _db.session.scalar(select(func.count()).select_from(table))
        if "version" in table.c:
            found[table.name + ".version"] = _db.session.scalar(select(func.sum(table.c.version)))
    return found


def assert_error_page(response, status: int = 500) -> None:
    assert response.status_code == status
    assert page(response).h1.get_text(strip=True) == (ERROR_HEADING if status == 500 else UNAVAILABLE_HEADING)
    assert ("Retry-After" in response.headers) is (status == 503)
    assert page(response).select_one(".opcc-header") is not None  # the service's own layout
    assert "injected" not in response.get_data(as_text=True)  # no stack trace or error text shown


# (a) Submitting an application -------------------------------------------------------------------

@pytest.fixture
def ready(as_role, draft):  # noqa: F811
    client = as_role("applicant")
    for key, answers in VALID.items():
        assert post(client, f"/applications/{draft.id}/sections/{key}",
                    {**answers, "action-continue": "1"}).status_code == 302
    answer_subsidy_control(client, draft)
    add_required_documents(_db, draft)
    return client, draft


@pytest.mark.parametrize("fault", ["database error writing the audit event", "crash sending the email",
                                   "database error giving the reference", "connection lost writing the audit event"])
def test_a_fault_while_submitting_leaves_the_draft(faulty, fail_statement, crash, ready, fault):
    client, application = ready
    if fault.startswith("database error writing"):
        fail_statement("INSERT INTO audit_events")
    elif fault.startswith("connection lost"):
        fail_statement("INSERT INTO audit_events", lost=True)
    elif fault.startswith("crash"):
        from grants import email_templates

        crash(email_templates, "send_email")
    else:
        # The status UPDATE has run; the reference counter's is the second write.
        fail_statement("UPDATE reference_counters", "INSERT INTO reference_counters")
    before = database_state()
    response = post(client, f"/applications/{application.id}/submit")
    assert_error_page(response, 503 if fault.startswith("connection lost") else 500)
    assert database_state() == before
    _db.session.refresh(application)
    assert (application.status, application.reference, application.submitted_at) == (
        ApplicationStatus.DRAFT, None, None)

    retry = post(client, f"/applications/{application.id}/submit")
    assert retry.status_code == 302 and retry.headers["Location"].endswith("/confirmation")
    _db.session.refresh(application)
    assert application.status is ApplicationStatus.SUBMITTED and re.fullmatch(r"CGS-\d{4}-\d{4}",
                                                                             application.reference)


# (b) Importing a pooled budget's actuals -----------------------------------------------------------

@pytest.fixture
def agreement(db):
    from tests.blueprints.pooled_budgets.test_workbook import agreement_with_figures

    return agreement_with_figures()


def _edited_workbook(agreement) -> bytes:
    from grants.exports import pooled_workbook as pw
    from grants.models.types import utcnow

    exported = pw.workbook_bytes(pw.export_agreement([agreement], list(agreement.years), "F", utcnow()))
    workbook = load_workbook(exported)
    for row in (2, 3):
        for month in (1, 2, 3):
            workbook["2026-27"].cell(row=row, column=pw.month_column(month, "actual")).value = 1000 + month
    return pw.workbook_bytes(workbook).read()


def _figures(agreement) -> dict:
    rows = _db.session.scalars(select(MonthlyFigure).where(
        MonthlyFigure.line_id.in_([line.id for line in agreement.lines])))
    return {(f.line_id, f.year, f.month): (f.actual, f.forecast) for f in rows}


@pytest.mark.parametrize("statement", ["INSERT INTO audit_events", "UPDATE monthly_figures"])
def test_a_fault_during_an_import_changes_no_figure(faulty, fail_statement, as_role, agreement, statement):
    client = as_role("finance_officer")
    url = f"/pooled-budgets/{agreement.id}/import"
    data = _edited_workbook(agreement)
    # For the figures: the second UPDATE, so that the first has already been sent.
    fail_statement(statement, nth=2 if statement.startswith("UPDATE") else 1)
    before, figures = database_state(), _figures(agreement)
    response = post(client, url, {"file": (io.BytesIO(data), "pool.xlsx")}, content_type="multipart/form-data")
    assert_error_page(response)
    assert database_state() == before and _figures(agreement) == figures

    retry = post(client, url, {"file": (io.BytesIO(data), "pool.xlsx")}, content_type="multipart/form-data",
                 follow_redirects=True)
    assert retry.status_code == 200 and "6 figures changed" in retry.get_data(as_text=True)
    assert _figures(agreement)[(agreement.lines[0].id, 2026, 2)][0] == Decimal("1002.00")


# (c) Approving and paying an instalment ----------------------------------------------------------

@pytest.fixture
def due_award(db, users):
    from datetime import timedelta

    from grants.models.awards import AwardStatus
    from grants.models.types import utcnow
    from tests.factories import AwardFactory

    award = AwardFactory(organisation=users["org_a"], status=AwardStatus.ACCEPTED,
                         accepted_at=utcnow() - timedelta(days=20), accepted_name="Alex Contact",
                         accepted_position="Chair")
    award.instalments[0].status = InstalmentStatus.DUE
    db.session.flush()
    return award


def test_a_fault_while_approving_or_paying_moves_no_money(faulty, fail_statement, crash, as_role, due_award):
    from grants.interfaces.awards import payments

    client, approver = as_role("finance_officer"), as_role("finance_approver")  # one approves, the other pays
    instalment = due_award.instalments[0]
    base = f"/awards/{due_award.id}/instalments/{instalment.id}"

    fail_statement("INSERT INTO audit_events")
    before = database_state()
    assert_error_page(post(approver, f"{base}/approve"))
    assert database_state() == before and instalment.status is InstalmentStatus.DUE
    assert post(approver, f"{base}/approve").status_code == 302
    _db.session.refresh(instalment)
    assert instalment.status is InstalmentStatus.APPROVED

    today = payments.uk_today()
    paid_on = {"paid_on": [str(today.day), str(today.month), str(today.year)], "reference": "BACS 0042"}
    crash(payments, "_record")  # the status has moved to paid; the audit entry is next
    before = database_state()
    assert_error_page(post(client, f"{base}/pay", paid_on))
    _db.session.refresh(instalment)
    assert database_state() == before
    assert (instalment.status, instalment.paid_on, instalment.payment_reference) == (
        InstalmentStatus.APPROVED, None, None)
    assert payments.paid_total(due_award) == Decimal("0")

    assert post(client, f"{base}/pay", paid_on).status_code == 302
    _db.session.refresh(instalment)
    assert (instalment.status, instalment.payment_reference) == (InstalmentStatus.PAID, "BACS 0042")
    assert payments.paid_total(due_award) == instalment.amount


# (d) A panel member's scores and the commissioner's decision -------------------------------------

def test_a_fault_while_submitting_scores_keeps_the_sheet_unsubmitted(faulty, fail_statement, as_user,
                                                                       panel, bids, seat):  # noqa: F811
    seat(panel[0], bids[0])
    client = as_user(panel[0])
    url = f"/panel/bids/{bids[0].id}/score"
    scores = {"submit_scores": "y", "score-fit": "3", "score-value": "2"}
    fail_statement("INSERT INTO audit_events")
    before = database_state()
    assert_error_page(post(client, url, scores))
    assert database_state() == before
    assert _db.session.scalars(select(ScoreSheet)).all() == []

    assert post(client, url, scores).status_code == 302
    [sheet] = _db.session.scalars(select(ScoreSheet)).all()
    assert sheet.status is SheetStatus.SUBMITTED and sheet.values == {"fit": 3, "value": 2}


def test_a_fault_while_approving_the_decision_changes_no_bid(faulty, fail_statement, as_role,
                                                             panel, bids, panel_round, submit_scores):  # noqa: F811
    from grants.models.panel import FundingDecision, FundingRecommendationRecord

    for bid, score in zip(bids, (4, 3, 2), strict=True):
        submit_scores(panel[0], bid, fit=score, value=score)
    rules = {"quality_threshold": "0", "objective": "total_score", "max_share": ""}
    assert post(as_role("grants_officer"), f"/panel/rounds/{panel_round.id}/recommendation/run",
                rules).status_code == 302
    record = _db.session.scalars(select(FundingRecommendationRecord)).one()
    commissioner = as_role("commissioner")
    decision = {"funded": [str(bids[0].id), str(bids[1].id)], "reason": "", "recommendation_id": record.id}

    fail_statement("UPDATE applications", nth=2)  # one bid's status has been written
    before = database_state()
    assert_error_page(post(commissioner, f"/panel/rounds/{panel_round.id}/decision", decision))
    assert database_state() == before
    for bid in bids:
        _db.session.refresh(bid)
    assert {bid.status for bid in bids} == {ApplicationStatus.UNDER_ASSESSMENT}
    assert _db.session.scalars(select(FundingDecision)).all() == []

    assert post(commissioner, f"/panel/rounds/{panel_round.id}/decision", decision).status_code == 302
    for bid in bids:
        _db.session.refresh(bid)
    assert [bid.status for bid in bids] == [ApplicationStatus.SUCCESSFUL, ApplicationStatus.SUCCESSFUL,
                                            ApplicationStatus.UNSUCCESSFUL]
