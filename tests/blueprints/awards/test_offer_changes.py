"""Changing an offer not yet accepted (optimistic locking: a stale form overwrites nothing),
giving more time to accept, and withdrawing it, through the staff pages."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from grants.extensions import db as _db
from grants.interfaces.awards import awarding as awards
from grants.interfaces.awards.offers import end_of_day, london_today
from grants.models.audit import AuditEvent
from grants.models.awards import AwardStatus, MonitoringFrequency
from grants.models.mail import OutboxMessage
from grants.models.types import utcnow
from tests.factories import AwardFactory
from tests.helpers import error_messages, page, post


@pytest.fixture
def officer(as_role):
    return as_role("grants_officer")


@pytest.fixture
def offered(users):
    """Organisation A's offer of £4,000 (2 × £2,000, quarterly returns), with an officer responsible."""
    return AwardFactory(organisation=users["org_a"], officer_id=users["grants_officer"].id,
                        standard_conditions=["purpose", "records"])


def form_values(response) -> dict:
    """What a browser would send from the page's form (the last form on the page)."""
    form = page(response).select("main form")[-1]
    values: dict[str, list[str]] = {}
    for field in form.select("input, textarea, select"):
        name = field.get("name")
        if not name or field.get("type") == "submit":
            continue
        if field.name == "textarea":
            value = field.get_text()
        elif field.name == "select":
            chosen = field.select_one("option[selected]") or field.select_one("option")
            value = chosen["value"]
        elif field.get("type") in ("checkbox", "radio"):
            if not field.has_attr("checked"):
                continue
            value = field["value"]
        else:
            value = field.get("value", "")
        values.setdefault(name, []).append(value)
    return values


def _outbox() -> list[OutboxMessage]:
    return list(_db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _summary_links(response) -> dict[str, str]:
    html = page(response)
    summary = html.select_one(".govuk-error-summary")
    links = {" ".join(a.get_text().split()): a["href"] for a in summary.select("a")} if summary else {}
    assert all(html.select_one(href) for href in links.values()), "a link to nothing"
    return links


# Changing an offer -------------------------------------------------------------------------------

def test_the_edit_form_shows_the_offer_and_saves_a_change(officer, offered, users):
    response = officer.get(f"/awards/{offered.id}/edit")
    assert response.status_code == 200
    values = form_values(response)
    assert values["amount"] == ["4000.00"] and values["version"] == [str(offered.version)]
    assert values["standard_conditions"] == ["purpose", "records"]
    assert values["instalments-1-amount"] == ["2000.00"]
    version = offered.version

    values["special_conditions"] = ["Send us photos of the café"]
    saved = post(officer, f"/awards/{offered.id}/edit", values)
    assert saved.status_code == 302, error_messages(saved)
    assert offered.special_conditions == "Send us photos of the café" and offered.version > version
    assert "The offer has been changed" in page(officer.get(saved.headers["Location"])).get_text()
    mail = _outbox()
    assert users["org_a"].contact_email in {m.recipient for m in mail}
    assert all("has changed" in m.subject and f"/grants/{offered.id}/offer" in m.body for m in mail)
    assert _db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "award.updated"))


def test_saving_without_a_change_changes_nothing(officer, offered):
    # The deadline is saved as the end of its day in UK time, so the first save may move it a few hours.
    offered.offer_deadline = end_of_day(offered.offer_deadline.date())
    _db.session.flush()
    values = form_values(officer.get(f"/awards/{offered.id}/edit"))
    version = offered.version
    response = post(officer, f"/awards/{offered.id}/edit", values)
    assert response.status_code == 302
    assert offered.version == version and _outbox() == []
    assert "Nothing was changed" in page(officer.get(response.headers["Location"])).get_text()


def test_the_amount_changes_with_its_payment_schedule(officer, offered):
    values = form_values(officer.get(f"/awards/{offered.id}/edit"))
    values.update({"amount": ["4500.00"], "amount_reason": ["The panel added the venue costs"],
                   "instalments-0-amount": ["2250.00"], "instalments-1-amount": ["2250.00"]})
    response = post(officer, f"/awards/{offered.id}/edit", values)
    assert response.status_code == 302, error_messages(response)
    assert offered.amount == Decimal("4500.00")
    assert [i.amount for i in offered.instalments] == [Decimal("2250.00"), Decimal("2250.00")]
    assert offered.amount_reason == "The panel added the venue costs"
    assert _db.session.scalar(select(func.count()).where(AuditEvent.action == "award.schedule_changed")) == 1


def test_a_third_instalment_and_a_new_monitoring_frequency(officer, offered):
    values = form_values(officer.get(f"/awards/{offered.id}/edit"))
    end = offered.end_date
    values.update({"instalments-1-amount": ["1000.00"], "instalments-2-amount": ["1000.00"],
                   "instalments-2-due_date": [str(end.day), str(end.month), str(end.year)],
                   "instalments-2-trigger": ["on_date"], "monitoring_frequency": ["midpoint_and_end"]})
    response = post(officer, f"/awards/{offered.id}/edit", values)
    assert response.status_code == 302, error_messages(response)
    assert [i.amount for i in offered.instalments] == [Decimal("2000.00"), Decimal("1000.00"), Decimal("1000.00")]
    assert offered.monitoring_frequency is MonitoringFrequency.MIDPOINT_AND_END
    assert len(offered.returns) == 2 and offered.returns[-1].final


def test_an_amount_whose_schedule_does_not_add_up_is_refused(officer, offered):
    values = form_values(officer.get(f"/awards/{offered.id}/edit"))
    values.update({"amount": ["4500.00"], "amount_reason": ["More"]})
    response = post(officer, f"/awards/{offered.id}/edit", values)
    assert response.status_code == 200
    assert _summary_links(response) == {
        "The instalments add up to £4,000.00: they must add up to the award of £4,500.00": "#instalments-0-amount"}
    assert offered.amount == Decimal("4000.00")


def test_an_increase_beyond_the_budget_is_refused_and_nothing_is_changed(officer, offered):
    offered.funding_round.total_budget = Decimal("4200.00")
    _db.session.flush()
    version = offered.version
    values = form_values(officer.get(f"/awards/{offered.id}/edit"))
    assert "£4,200.00 of it is not held by other offers" in page(officer.get(f"/awards/{offered.id}/edit")).get_text()
    values.update({"amount": ["4500.00"], "amount_reason": ["More"], "special_conditions": ["New"],
                   "instalments-0-amount": ["2250.00"], "instalments-1-amount": ["2250.00"],
                   "monitoring_frequency": ["midpoint_and_end"]})
    response = post(officer, f"/awards/{offered.id}/edit", values)
    assert response.status_code == 200
    assert _summary_links(response) == {
        "The round has £4,200.00 left of its £4,200.00 budget: an award of £4,500.00 would go over it by £300.00":
        "#amount"}
    _db.session.expire_all()
    assert offered.amount == Decimal("4000.00") and offered.special_conditions == "" and offered.version == version
    assert [i.amount for i in offered.instalments] == [Decimal("2000.00"), Decimal("2000.00")]
    assert len(offered.returns) == 5 and offered.monitoring_frequency is MonitoringFrequency.QUARTERLY
    assert _outbox() == []
    assert _db.session.scalar(select(func.count()).where(AuditEvent.action.like("award.%"))) == 0


def test_a_stale_edit_shows_the_newer_values_and_overwrites_nothing(officer, offered, users):
    mine = form_values(officer.get(f"/awards/{offered.id}/edit"))
    # Meanwhile another officer changes the special conditions.
    awards.update_offer(offered, offered.version, {"special_conditions": "Theirs: send photos"},
                        users["grants_officer"])
    _db.session.flush()
    newer = offered.version

    mine["special_conditions"] = ["Mine: send a report"]
    response = post(officer, f"/awards/{offered.id}/edit", mine)
    assert response.status_code == 200
    assert _summary_links(response) == {awards.STALE_MESSAGE: "#version"}
    html = page(response)
    assert html.select_one("#special_conditions").get_text() == "Theirs: send photos"  # the newer value
    differences = [[cell.get_text(" ", strip=True) for cell in row.select("th, td")]
                   for row in html.select("#differences tbody tr")]
    assert differences == [["Special conditions", "Theirs: send photos", "Mine: send a report"]]
    assert html.select_one("input[name=version]")["value"] == str(newer)
    _db.session.expire_all()
    assert offered.special_conditions == "Theirs: send photos" and offered.version == newer
    assert _outbox() == []

    # Saving again from the refreshed page works.
    again = form_values(response)
    again["special_conditions"] = ["Mine: send a report"]
    assert post(officer, f"/awards/{offered.id}/edit", again).status_code == 302
    assert offered.special_conditions == "Mine: send a report"


def test_an_accepted_offer_is_changed_by_a_variation_not_here(officer, offered, users):
    awards.accept_offer(offered, users["applicant"], "Sam Trelawny", "Chair", True)
    _db.session.flush()
    response = officer.get(f"/awards/{offered.id}/edit")
    assert response.status_code == 302 and response.headers["Location"] == f"/awards/{offered.id}"
    assert "changes are variations" in page(officer.get(f"/awards/{offered.id}")).get_text()
    assert post(officer, f"/awards/{offered.id}/edit", {"special_conditions": "x"}).status_code == 302
    assert offered.special_conditions == ""


# More time to accept -----------------------------------------------------------------------------

def test_a_lapsed_offer_is_given_more_time_and_the_organisation_told(officer, users):
    award = AwardFactory(organisation=users["org_a"], offer_deadline=utcnow() - timedelta(hours=2))
    response = officer.get(f"/awards/{award.id}/extend")
    assert "The offer lapsed" in page(response).get_text()
    day = london_today() + timedelta(days=10)
    response = post(officer, f"/awards/{award.id}/extend",
                    {"offer_deadline": [str(day.day), str(day.month), str(day.year)]})
    assert response.status_code == 302, error_messages(response)
    assert award.status is AwardStatus.OFFERED and award.offer_deadline == end_of_day(day)
    assert awards.effective_status(award) is AwardStatus.OFFERED
    mail = _outbox()
    assert mail and all("More time to accept" in m.subject and "11:59pm" in m.body for m in mail)


@pytest.mark.parametrize("days, message", [
    (-1, "The new deadline must be in the future"),
    (None, "Enter the new date the offer must be accepted by"),
])
def test_an_extension_must_be_to_a_future_date(officer, offered, days, message):
    deadline = offered.offer_deadline
    day = london_today() + timedelta(days=days) if days is not None else None
    typed = [str(day.day), str(day.month), str(day.year)] if day else ["", "", ""]
    response = post(officer, f"/awards/{offered.id}/extend", {"offer_deadline": typed})
    assert response.status_code == 200
    assert _summary_links(response) == {message: "#offer_deadline-day"}
    assert offered.offer_deadline == deadline and _outbox() == []


def test_a_lapsed_offer_cannot_come_back_when_the_budget_is_spent(officer, users):
    award = AwardFactory(organisation=users["org_a"], status=AwardStatus.LAPSED,
                         offer_deadline=utcnow() - timedelta(days=2))
    award.funding_round.total_budget = Decimal("3000.00")
    _db.session.flush()
    day = london_today() + timedelta(days=10)
    response = post(officer, f"/awards/{award.id}/extend",
                    {"offer_deadline": [str(day.day), str(day.month), str(day.year)]})
    assert response.status_code == 200
    assert "The round has £3,000.00 left of its £3,000.00 budget" in error_messages(response)[0]
    assert award.status is AwardStatus.LAPSED and _outbox() == []


# Withdrawing -------------------------------------------------------------------------------------

def test_an_offer_is_withdrawn_with_a_reason_the_organisation_is_told(officer, offered, users):
    assert post(officer, f"/awards/{offered.id}/withdraw", {"reason": " "}).status_code == 200
    assert offered.status is AwardStatus.OFFERED
    response = post(officer, f"/awards/{offered.id}/withdraw", {"reason": "The project lost its venue"})
    assert response.status_code == 302
    assert offered.status is AwardStatus.WITHDRAWN and offered.withdrawn_reason == "The project lost its venue"
    assert awards.committed(offered.funding_round) == Decimal("0.00")
    mail = _outbox()
    assert {m.recipient for m in mail} >= {users["org_a"].contact_email, "applicant.a@example.org"}
    assert all("The project lost its venue" in m.body and "withdrawn" in m.subject for m in mail)
    shown = page(officer.get(f"/awards/{offered.id}")).get_text(" ")
    assert "Withdrawn" in shown and "The project lost its venue" in shown


def test_withdrawing_needs_a_reason(officer, offered):
    response = post(officer, f"/awards/{offered.id}/withdraw", {"reason": ""})
    assert _summary_links(response) == {"Enter the reason for withdrawing the offer": "#reason"}


@pytest.mark.parametrize("status", [AwardStatus.ACCEPTED, AwardStatus.WITHDRAWN])
def test_only_an_open_offer_is_extended_or_withdrawn(officer, offered, status):
    offered.status = status
    _db.session.flush()
    for action in ("extend", "withdraw"):
        response = post(officer, f"/awards/{offered.id}/{action}", {"reason": "Because"})
        assert response.status_code == 302 and response.headers["Location"] == f"/awards/{offered.id}"
    assert offered.status is status and _outbox() == []
    shown = page(officer.get(f"/awards/{offered.id}")).get_text()
    assert "only an offer that has not been accepted or withdrawn" in shown
