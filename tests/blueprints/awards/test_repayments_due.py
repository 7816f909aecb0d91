"""Money back as finance and grantees meet it: every repayment due is in finance's queue beside the
instalments (overdue ones marked), and the daily jobs remind the grantee once in the week before the
due date and every week while it is overdue, never twice for the same reason."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from freezegun import freeze_time

from grants.models.audit import AuditEvent
from grants.models.awards import AwardStatus, Repayment, RepaymentStatus
from grants.models.mail import OutboxMessage
from tests.factories import AwardFactory, UserFactory
from tests.helpers import page

DUE = date(2027, 3, 15)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(7), tzinfo=UTC)


def _run(app, day: date) -> str:
    with freeze_time(_at(day)):
        result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    return result.output


def _reminders(db) -> list[OutboxMessage]:
    return list(db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.subject.contains("repayment"))
                                   .order_by(OutboxMessage.id)))


@pytest.fixture
def closed(db, users):
    """A closed award of organisation A with £312.45 to pay back by 15 March 2027."""
    award = AwardFactory(organisation=users["org_a"], status=AwardStatus.CLOSED, underspend=Decimal("312.45"))
    repayment = Repayment(award=award, amount=Decimal("312.45"), reason="Unspent grant at closure", due_date=DUE)
    db.session.add(repayment)
    db.session.flush()
    return repayment


def test_a_repayment_is_reminded_once_before_it_is_due_then_weekly_while_overdue(app, db, closed, users):
    member = UserFactory(organisation=users["org_a"], email="treasurer@example.org")
    reference = closed.award.application.reference
    assert "Reminders of repayments: 0" in _run(app, DUE - timedelta(days=8))  # too early
    output = _run(app, DUE - timedelta(days=7))
    assert f"Reminders of repayments: 1\n  {reference} £312.45, due 15/03/2027" in output
    sent = _reminders(db)
    # The organisation's contact and every active member, as for returns.
    assert {m.recipient for m in sent} == {closed.award.organisation.contact_email, member.email,
                                           users["applicant"].email}
    assert sent[0].subject == f"Due on 15 March 2027: repayment of £312.45 on your grant {reference}"
    assert "is due by 15 March 2027." in sent[0].body and "Reason: Unspent grant at closure" in sent[0].body
    # Again the same day, and the days before the due date: nothing more.
    for day in (DUE - timedelta(days=7), DUE - timedelta(days=3), DUE):
        assert "Reminders of repayments: 0" in _run(app, day)
    assert len(_reminders(db)) == 3
    # The day after: overdue, at once, then not again for a week.
    output = _run(app, DUE + timedelta(days=1))
    assert f"{reference} £312.45, 1 days overdue" in output
    overdue = _reminders(db)[-1]
    assert overdue.subject == f"Overdue: repayment of £312.45 on your grant {reference}"
    assert "It is now 1 day overdue." in overdue.body
    assert "Reminders of repayments: 0" in _run(app, DUE + timedelta(days=7))
    assert "Reminders of repayments: 1" in _run(app, DUE + timedelta(days=8))
    assert len(_reminders(db)) == 9  # three people, three reminders
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "repayment.reminded")).all()
    assert len(events) == 3


@pytest.mark.parametrize("status", [RepaymentStatus.RECEIVED, RepaymentStatus.WAIVED])
def test_a_settled_repayment_is_neither_reminded_nor_queued(app, db, closed, status, as_role):
    closed.status = status
    db.session.flush()
    assert "Reminders of repayments: 0" in _run(app, DUE + timedelta(days=30))
    assert _reminders(db) == []
    soup = page(as_role("finance_officer").get("/awards/payments"))
    assert "No repayments are due." in soup.select_one("#repayments").find_next("p").get_text()


def test_finance_sees_repayments_due_in_its_queue_overdue_first_marked(db, closed, users, as_role):
    later = Repayment(award=AwardFactory(status=AwardStatus.CLOSED), amount=Decimal("20.00"), reason="Misspent",
                      due_date=DUE + timedelta(days=60))
    db.session.add(later)
    db.session.flush()
    with freeze_time(_at(DUE + timedelta(days=2))):
        soup = page(as_role("finance_officer").get("/awards/payments"))
    table = soup.select_one("#repayments").find_next("table")
    rows = [[cell.get_text(" ", strip=True) for cell in row.select("th, td")] for row in table.select("tbody tr")]
    assert rows == [
        [f"{closed.award.application.reference} repayment of £312.45", closed.award.organisation.name,
         "Unspent grant at closure", "£312.45", "15 March 2027", "Overdue by 2 days"],
        [f"{later.award.application.reference} repayment of £20.00", later.award.organisation.name, "Misspent",
         "£20.00", "14 May 2027", "Due"],
    ]
    link = table.select_one("tbody tr a")["href"]
    assert link == f"/awards/{closed.award_id}/repayments/{closed.id}"
    totals = {row.select_one("th").get_text(strip=True): [td.get_text(strip=True) for td in row.select("td")]
              for row in soup.select("table")[0].select("tbody tr")}
    assert totals["Repayments to come back"] == ["2", "£332.45"]


def test_the_dashboard_shows_money_back_by_round_and_year(db, as_role, users):
    """A grant closed with an underspend, part received back, part waived, part still owed, beside a
    running grant: the money-back tables say so, and net paid is paid less repaid."""
    from grants.models.awards import InstalmentStatus
    from tests.blueprints.awards.test_portfolio import _rows, _table

    closed = AwardFactory(status=AwardStatus.CLOSED, amount=Decimal("4000.00"), underspend=Decimal("700.00"),
                          start_date=date(2026, 5, 1), end_date=date(2027, 4, 30))
    for instalment in closed.instalments:
        instalment.status, instalment.paid_on = InstalmentStatus.PAID, date(2026, 5, 1)
    closed.repayments.extend([
        Repayment(amount=Decimal("400.00"), reason="Underspend", due_date=DUE, status=RepaymentStatus.RECEIVED),
        Repayment(amount=Decimal("200.00"), reason="Underspend", due_date=DUE, status=RepaymentStatus.WAIVED),
        Repayment(amount=Decimal("100.00"), reason="Underspend", due_date=DUE),
    ])
    running = AwardFactory(status=AwardStatus.ACCEPTED, amount=Decimal("3000.00"), start_date=date(2025, 6, 1),
                           end_date=date(2026, 5, 31))
    running.instalments[0].status, running.instalments[0].paid_on = InstalmentStatus.PAID, date(2025, 6, 1)
    db.session.flush()
    soup = page(as_role("commissioner").get("/awards/dashboard"))
    by_year = _rows(_table(soup, "Money back by financial year"))
    # Paid, repaid, net paid, underspend, waived, still owed.
    assert by_year["2026-27"] == ["£4,000.00", "£400.00", "£3,600.00", "£700.00", "£200.00", "£100.00"]
    assert by_year["2025-26"] == ["£1,500.00", "£0.00", "£1,500.00", "£0.00", "£0.00", "£0.00"]
    assert by_year["Total"] == ["£5,500.00", "£400.00", "£5,100.00", "£700.00", "£200.00", "£100.00"]
    by_round = _rows(_table(soup, "Money back by round"))
    assert by_round[closed.funding_round.name] == by_year["2026-27"]
