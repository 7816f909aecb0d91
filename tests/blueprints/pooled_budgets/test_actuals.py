"""Monthly actuals and forecasts of a pooled-budget year: entering them, the variance and flags,
refusals (nothing saved), a stale edit, roles and the audit log."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.extensions import db
from grants.interfaces.pooled_budgets import figures as pooled_figures
from grants.interfaces.pooled_budgets.figures import FigureRow, PooledError
from grants.modelling import pooled
from grants.models.audit import AuditEvent
from grants.models.pooled_budgets import MonthlyFigure
from tests.factories import make_agreement
from tests.helpers import error_messages, page, post

PAST = 2024  # every month of 2024-25 has begun


def url(agreement, year, tail=""):
    return f"/pooled-budgets/{agreement.id}/years/{year}{tail}"


def cell(line, month, actual=None, forecast=None, version=0) -> dict:
    return {f"actual-{line.id}-{month}": actual or "", f"forecast-{line.id}-{month}": forecast or "",
            f"version-{line.id}-{month}": str(version)}


def figures_in_db(agreement):
    return db.session.scalars(select(MonthlyFigure).where(
        MonthlyFigure.line_id.in_([line.id for line in agreement.lines]))).all()


@pytest.fixture
def agreement(db):
    return make_agreement(start_year=PAST, years=2)


def test_figures_saved_and_shown_with_variance_and_flag(agreement, users, as_role):
    community, recovery = agreement.lines
    finance = as_role("finance_officer")
    data = {**cell(community, 1, "6,000", "5000"), **cell(community, 2, "£5,500.50"),
            **cell(community, 3, forecast="70000"), **cell(recovery, 1, forecast="3000")}
    response = post(finance, url(agreement, PAST, "/figures"), data)
    assert response.status_code == 302, error_messages(response)
    saved = {(f.line_id, f.month): (f.actual, f.forecast) for f in figures_in_db(agreement)}
    assert saved == {(community.id, 1): (Decimal("6000.00"), Decimal("5000.00")),
                     (community.id, 2): (Decimal("5500.50"), None),
                     (community.id, 3): (None, Decimal("70000.00")),
                     (recovery.id, 1): (None, Decimal("3000.00"))}

    soup = page(as_role("commissioner").get(url(agreement, PAST)))
    rows = {row.th.get_text(strip=True): [td.get_text(" ", strip=True) for td in row.select("td")]
            for row in soup.select("#positions tbody tr")}
    # Community: actual 11,500.50; outturn 11,500.50 + 70,000 forecast = 81,500.50; 35.83% over 60,000.
    assert rows["Community treatment"][:5] == ["£60,000.00", "£11,500.50", "£81,500.50", "£21,500.50", "35.83%"]
    assert "Over budget by more than 5%" in rows["Community treatment"][5]
    assert rows["Recovery support"][:5] == ["£40,000.00", "£0.00", "£3,000.00", "-£37,000.00", "-92.50%"]
    assert "Within tolerance" in rows["Recovery support"][5]
    assert rows["Total"][:5] == ["£100,000.00", "£11,500.50", "£84,500.50", "-£15,499.50", "-15.50%"]
    months = soup.select_one("#months tbody tr").get_text(" ", strip=True)
    assert "£6,000.00" in months and "£70,000.00 (forecast)" in months
    assert soup.select_one(".opcc-table-wrapper #months") is not None
    assert soup.select_one(f'a[href="/pooled-budgets/{agreement.id}"]') is not None


def test_flag_uses_the_agreements_tolerance(db):
    agreement = make_agreement(start_year=PAST, years=1, tolerance_percent=Decimal("50.00"))
    community = agreement.lines[0]
    db.session.add(MonthlyFigure(line_id=community.id, year=PAST, month=1, forecast=Decimal("84000")))
    db.session.flush()
    figures = pooled_figures.year_figures(agreement, PAST)
    assert figures.lines[0].position.variance_percent == Decimal("40.00")
    assert not figures.lines[0].position.flagged  # 40% over is within a 50% tolerance
    assert figures.lines[0].months[0].budget_pence == pooled.monthly_budget(6_000_000)[0]


def test_edit_form_labels_every_input(agreement, users, as_role):
    soup = page(as_role("finance_officer").get(url(agreement, PAST, "/figures")))
    community = agreement.lines[0]
    label = soup.select_one(f'label[for="actual-{community.id}-1"]')
    assert label.get_text(strip=True) == "Community treatment, April 2024, actual"
    assert soup.select_one(f'label[for="forecast-{community.id}-12"]').get_text(strip=True) == \
        "Community treatment, March 2025, forecast"
    assert len(soup.select('input[name^="version-"]')) == 24
    assert soup.select_one('form input[name="csrf_token"]') is not None


@pytest.mark.parametrize(("typed", "message"), [
    ("£1,2x0", "Community treatment, May 2024 actual: \u201c£1,2x0\u201d is not an amount"),
    ("-5", "Community treatment, May 2024 actual: must not be negative"),
    ("10.555", "Community treatment, May 2024 actual: must not have more than 2 decimal places"),
])
def test_bad_amounts_are_named_and_nothing_is_saved(agreement, users, as_role, typed, message):
    community, recovery = agreement.lines
    data = {**cell(community, 1, "100"), **cell(community, 2, typed), **cell(recovery, 1, forecast="5")}
    response = post(as_role("finance_officer"), url(agreement, PAST, "/figures"), data)
    assert response.status_code == 200
    assert error_messages(response) == [message]
    soup = page(response)
    assert soup.select_one(f"#actual-{community.id}-2")["value"] == typed  # shown back as typed
    assert figures_in_db(agreement) == []


def test_an_actual_for_a_month_not_yet_begun_is_refused(db, users, as_role):
    future = make_agreement(start_year=2040, years=1)
    community = future.lines[0]
    data = {**cell(community, 1, "100"), **cell(community, 2, forecast="200")}
    response = post(as_role("finance_officer"), url(future, 2040, "/figures"), data)
    assert error_messages(response) == [
        "Community treatment, April 2040 actual: April 2040 has not started yet. Enter a forecast for it, "
        "and the actual once the month has begun"]
    assert figures_in_db(future) == []


def test_actuals_follow_the_uk_date(db, users):
    agreement = make_agreement(start_year=2026, years=1)
    community = agreement.lines[0]
    row = FigureRow(community.id, 3, "10", "", 0)  # June 2026
    with pytest.raises(PooledError):
        pooled_figures.save_figures(agreement, 2026, [row], users["finance_officer"], today=date(2026, 5, 31))
    saved = pooled_figures.save_figures(agreement, 2026, [row], users["finance_officer"], today=date(2026, 6, 1))
    assert saved.count == 1


def test_a_year_outside_the_agreement_is_not_found(agreement, users, as_role):
    finance = as_role("finance_officer")
    assert finance.get(url(agreement, PAST + 2)).status_code == 404
    assert finance.get(url(agreement, PAST - 1, "/figures")).status_code == 404
    assert post(finance, url(agreement, PAST + 2, "/figures"), cell(agreement.lines[0], 1, "1")).status_code == 404
    assert figures_in_db(agreement) == []


def test_a_stale_edit_is_refused_and_the_newer_values_shown(agreement, users, as_role):
    community = agreement.lines[0]
    finance = as_role("finance_officer")
    assert post(finance, url(agreement, PAST, "/figures"), cell(community, 1, "100")).status_code == 302
    figure = figures_in_db(agreement)[0]
    seen = figure.version
    # Someone else saves first, from a form loaded at the same time.
    assert post(finance, url(agreement, PAST, "/figures"), cell(community, 1, "150", version=seen)).status_code == 302
    response = post(finance, url(agreement, PAST, "/figures"),
                    {**cell(community, 1, "999", version=seen), **cell(community, 2, "5")})
    assert response.status_code == 200
    assert error_messages(response) == ["Changed by someone else: Community treatment, April 2024"]
    assert "Someone else changed these figures" in response.get_data(as_text=True)
    soup = page(response)
    assert soup.select_one(f"#actual-{community.id}-1")["value"] == "150.00"
    assert soup.select_one(f'input[name="version-{community.id}-1"]')["value"] == str(seen + 1)
    db.session.expire_all()
    assert [(f.month, f.actual) for f in figures_in_db(agreement)] == [(1, Decimal("150.00"))]


def test_a_row_created_meanwhile_is_stale_too(agreement, users):
    community = agreement.lines[0]
    db.session.add(MonthlyFigure(line_id=community.id, year=PAST, month=1, actual=Decimal("1")))
    db.session.flush()
    with pytest.raises(pooled_figures.StaleFigures):
        pooled_figures.save_figures(agreement, PAST, [FigureRow(community.id, 1, "2", "", 0)],
                                    users["finance_officer"])


def test_changes_are_audited_with_before_and_after(agreement, users, as_role):
    community = agreement.lines[0]
    finance = as_role("finance_officer")
    post(finance, url(agreement, PAST, "/figures"), cell(community, 1, "100", "90"))
    figure = figures_in_db(agreement)[0]
    post(finance, url(agreement, PAST, "/figures"), cell(community, 1, "120", "90", version=figure.version))
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "pooled.figures")
                                .order_by(AuditEvent.id)).all()
    assert [e.changes for e in events] == [
        {"actual": {"before": None, "after": "100.00"}, "forecast": {"before": None, "after": "90.00"}},
        {"actual": {"before": "100.00", "after": "120.00"}},
    ]
    assert all(e.actor_id == users["finance_officer"].id for e in events)
    assert "Community treatment, April 2024" in events[0].summary


@pytest.mark.parametrize("role", ["commissioner", "admin", "grants_officer", "applicant"])
def test_only_finance_officers_enter_figures(agreement, users, as_role, role):
    client = as_role(role)
    assert client.get(url(agreement, PAST, "/figures")).status_code == 403
    assert post(client, url(agreement, PAST, "/figures"), cell(agreement.lines[0], 1, "1")).status_code == 403
    expected = 200 if role in {"commissioner", "admin"} else 403
    assert client.get(url(agreement, PAST)).status_code == expected
    assert figures_in_db(agreement) == []
