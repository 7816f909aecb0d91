"""Closing a pooled-budget year: the variance shared under each risk-share rule (checked against
grants.modelling.pooled.share_variance worked out here from the rows), carry-forward rules, and
refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.extensions import db
from grants.modelling import pooled
from grants.models.audit import AuditEvent
from grants.models.pooled_budgets import MonthlyFigure, RiskShareRule, YearEnd
from tests.factories import make_agreement
from tests.helpers import error_messages, page, post

YEAR = 2024


def url(agreement, year, tail="/close"):
    return f"/pooled-budgets/{agreement.id}/years/{year}{tail}"


def fill(agreement, year, community: str, recovery: str, skip: tuple[int, int] | None = None) -> None:
    """Every month's actual: ``community`` and ``recovery`` a month each, leaving out (line, month) ``skip``."""
    for index, (line, amount) in enumerate(zip(agreement.lines, (community, recovery), strict=True)):
        for month in range(1, 13):
            if skip != (index, month):
                db.session.add(MonthlyFigure(line_id=line.id, year=year, month=month, actual=Decimal(amount)))
    db.session.flush()


def expected_shares(agreement, variance_pence: int) -> dict[str, str]:
    """The shares worked out from the agreement's rows with the pure function."""
    members = agreement.members
    contributions = {c.partner_id: int(c.amount * 100) for c in agreement.contributions if c.year == YEAR}
    share = pooled.share_variance(
        variance_pence, agreement.risk_share_rule.value, [m.partner_id for m in members], agreement.host_partner_id,
        contributions=contributions,
        fixed_percent={m.partner_id: m.risk_share_percent for m in members if m.risk_share_percent is not None},
        caps={m.partner_id: None if m.risk_cap is None else int(m.risk_cap * 100) for m in members})
    return {str(partner): f"{Decimal(amount) / 100:.2f}" for partner, amount in share.shares.items()}


def year_end(agreement, year=YEAR):
    return db.session.scalar(select(YearEnd).where(YearEnd.agreement_id == agreement.id, YearEnd.year == year))


@pytest.fixture
def agreement(db):
    return make_agreement(start_year=YEAR, years=2)


def _close(client, agreement, carry="", year=YEAR):
    return post(client, url(agreement, year), {"carry_forward": carry})


@pytest.mark.parametrize("rule", ["pro_rata", "fixed", "host", "pro_rata_capped"])
def test_overspend_shared_by_the_rule(agreement, users, as_role, rule):
    if rule == "fixed":
        agreement.risk_share_rule = RiskShareRule.FIXED
        for member, percent in zip(agreement.members, ("50", "30", "20"), strict=True):
            member.risk_share_percent = Decimal(percent)
    elif rule == "host":
        agreement.risk_share_rule = RiskShareRule.HOST
    elif rule == "pro_rata_capped":
        agreement.members[1].risk_cap = Decimal("1000.00")
    db.session.flush()
    fill(agreement, YEAR, "5500.01", "3500")  # outturn 108,000.12: 8,000.12 over
    finance = as_role("finance_officer")
    preview = page(finance.get(url(agreement, YEAR)))
    assert "£8,000.12 (overspend)" in preview.select_one("#preview").get_text(" ", strip=True)
    response = _close(finance, agreement)
    assert response.status_code == 302, error_messages(response)
    closed = year_end(agreement)
    assert (closed.budget, closed.outturn, closed.carry_forward) == (Decimal("100000.00"), Decimal("108000.12"), 0)
    assert closed.variance_shares == expected_shares(agreement, 800_012)
    assert sum(Decimal(v) for v in closed.variance_shares.values()) == Decimal("8000.12")
    if rule == "host":
        assert closed.variance_shares[str(agreement.host_partner_id)] == "8000.12"
    if rule == "pro_rata_capped":
        assert closed.variance_shares[str(agreement.members[1].partner_id)] == "1000.00"
    if rule == "fixed":
        assert closed.variance_shares[str(agreement.members[0].partner_id)] == "4000.06"
    shown = page(as_role("commissioner").get(url(agreement, YEAR, ""))).select_one(".govuk-summary-list")
    text = shown.get_text(" ", strip=True)
    assert "£108,000.12" in text and "£8,000.12" in text
    assert f"{agreement.members[1].partner.name}’s share" in text


def test_closing_twice_is_refused(agreement, users, as_role):
    fill(agreement, YEAR, "5000", "3000")
    finance = as_role("finance_officer")
    assert _close(finance, agreement).status_code == 302
    response = _close(finance, agreement)
    assert response.status_code == 200
    assert error_messages(response) == [
        "2024-25 cannot be closed yet: 2024-25 has already been closed"]
    closed = db.session.scalars(select(YearEnd).where(YearEnd.agreement_id == agreement.id)).all()
    assert closed == [year_end(agreement)]


def test_a_month_without_an_actual_stops_the_close(agreement, users, as_role):
    fill(agreement, YEAR, "5000", "3333.33", skip=(1, 12))
    db.session.add(MonthlyFigure(line_id=agreement.lines[1].id, year=YEAR, month=12, forecast=Decimal("1")))
    db.session.flush()
    finance = as_role("finance_officer")
    assert "Recovery support has no actual for March 2025" in page(finance.get(url(agreement, YEAR))).select_one(
        "#problems").get_text()
    response = _close(finance, agreement)
    assert error_messages(response) == [
        "2024-25 cannot be closed yet: Recovery support has no actual for March 2025"]
    assert year_end(agreement) is None


def test_an_underspend_carried_forward_shows_on_next_years_page(agreement, users, as_role):
    fill(agreement, YEAR, "4000", "3000")  # 84,000: 16,000 under
    finance = as_role("finance_officer")
    assert _close(finance, agreement, "£16,000").status_code == 302
    closed = year_end(agreement)
    assert closed.carry_forward == Decimal("16000.00")
    assert closed.variance_shares == expected_shares(agreement, -1_600_000)
    next_year = page(finance.get(url(agreement, YEAR + 1, "")))
    assert next_year.select_one("#carried-in").get_text(" ", strip=True) == \
        "£16,000.00 carried forward from 2024-25."
    assert page(finance.get(url(agreement, YEAR, ""))).select_one("#carried-in") is None


@pytest.mark.parametrize(("community", "carry", "message"), [
    ("4000", "16000.01", "The amount to carry forward must be £16,000.00 (the underspend) or less"),
    ("6000", "1", "Only an underspend can be carried forward: this year has none"),
    ("4000", "-5", "The amount to carry forward must not be negative"),
    ("4000", "lots", "The amount to carry forward must be a number, like 12500"),
])
def test_carry_forward_rules(agreement, users, as_role, community, carry, message):
    fill(agreement, YEAR, community, "3000" if community == "4000" else "4000")
    response = _close(as_role("finance_officer"), agreement, carry)
    assert error_messages(response) == [message]
    assert year_end(agreement) is None


def test_nothing_carries_forward_from_the_last_year(db, users, as_role):
    agreement = make_agreement(start_year=YEAR, years=1)
    fill(agreement, YEAR, "4000", "3000")
    response = _close(as_role("finance_officer"), agreement, "10")
    assert error_messages(response) == ["Nothing can be carried forward: 2024-25 is the agreement's last year"]
    assert year_end(agreement) is None
    assert _close(as_role("finance_officer"), agreement).status_code == 302  # with nothing carried, it closes


def test_closing_is_audited(agreement, users, as_role):
    fill(agreement, YEAR, "4000", "3000")
    _close(as_role("finance_officer"), agreement, "100")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "pooled.year_closed"))
    assert event.actor_id == users["finance_officer"].id
    assert event.entity_id == str(year_end(agreement).id)
    assert event.changes["outturn"] == {"before": None, "after": "84000.00"}
    assert event.changes["carry_forward"] == {"before": None, "after": "100.00"}


def test_a_year_outside_the_agreement_is_not_found(agreement, users, as_role):
    finance = as_role("finance_officer")
    assert finance.get(url(agreement, YEAR + 2)).status_code == 404
    assert _close(finance, agreement, year=YEAR - 1).status_code == 404


@pytest.mark.parametrize("role", ["commissioner", "admin", "grants_officer", "panel_member"])
def test_only_finance_officers_close_a_year(agreement, users, as_role, role):
    fill(agreement, YEAR, "5000", "3000")
    client = as_role(role)
    assert client.get(url(agreement, YEAR)).status_code == 403
    assert _close(client, agreement).status_code == 403
    assert year_end(agreement) is None
