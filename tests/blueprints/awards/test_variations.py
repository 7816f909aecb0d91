"""Variations through grants.interfaces.awards.variations: asking, approving each kind, rejecting, and the
rules that refuse a change with nothing changed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from grants.extensions import db
from grants.interfaces.awards import awarding as award_interface
from grants.interfaces.awards import variations
from grants.interfaces.awards.awarding import AwardError
from grants.models.audit import AuditEvent
from grants.models.awards import (
    AwardStatus,
    InstalmentStatus,
    ReturnStatus,
    Variation,
    VariationKind,
    VariationStatus,
)
from grants.models.types import utcnow
from tests.factories import AwardFactory


@pytest.fixture
def award(db, users):
    """Organisation A's accepted £4,000 award: two instalments of £2,000 (the first due), quarterly returns."""
    award = AwardFactory(organisation=users["org_a"], status=AwardStatus.ACCEPTED, accepted_at=utcnow(),
                         accepted_name="Alex Contact", accepted_position="Chair", officer_id=users["grants_officer"].id)
    award.instalments[0].status = InstalmentStatus.DUE
    db.session.flush()
    return award


def pay(instalment, db):
    instalment.status = InstalmentStatus.PAID
    instalment.paid_on = utcnow().date()
    instalment.payment_reference = "BACS1"
    db.session.flush()


def ask(award, user, kind=VariationKind.AMOUNT, by_grantee=False, reason="More sessions are needed", **proposal):
    proposal = proposal or {"amount": Decimal("5000.00")}
    return variations.request_variation(award, kind, proposal, reason, user, by_grantee)


def events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# Asking ------------------------------------------------------------------------------------------

def test_a_grantee_asks_and_the_award_is_unchanged_until_decided(award, users):
    variation = ask(award, users["applicant"], by_grantee=True)
    assert variation.status is VariationStatus.REQUESTED and variation.requested_by_grantee
    assert variation.before == {"amount": "4000.00"} and variation.proposed == {"amount": "5000.00"}
    assert award.amount == Decimal("4000.00")
    assert events("variation.requested")


def test_one_open_variation_of_a_kind_at_a_time(award, users):
    ask(award, users["applicant"], by_grantee=True)
    with pytest.raises(AwardError, match="already a change of amount waiting") as refused:
        ask(award, users["grants_officer"])
    assert refused.value.field == "kind"
    # Another kind may be open at the same time.
    ask(award, users["applicant"], VariationKind.ACTIVITIES, by_grantee=True, activities="Two more groups")


@pytest.mark.parametrize("kind, proposal, field, message", [
    (VariationKind.AMOUNT, {"amount": None}, "amount", "Enter the new amount"),
    (VariationKind.AMOUNT, {"amount": Decimal("0")}, "amount", "more than £0"),
    (VariationKind.AMOUNT, {"amount": Decimal("4000.00")}, "amount", "different from the current award"),
    (VariationKind.DATES, {"start_date": date(2027, 1, 1), "end_date": date(2027, 1, 1)}, "end_date",
     "End date must be after the start date"),
    (VariationKind.DATES, {"start_date": None, "end_date": date(2027, 1, 1)}, "start_date", "Enter the new start"),
    (VariationKind.ACTIVITIES, {"activities": "  "}, "activities", "Describe the activities"),
])
def test_bad_requests_are_refused_with_the_field(award, users, kind, proposal, field, message):
    with pytest.raises(AwardError, match=message) as refused:
        ask(award, users["grants_officer"], kind, **proposal)
    assert refused.value.field == field
    assert not award.variations


def test_a_reason_is_needed(award, users):
    with pytest.raises(AwardError, match="Enter the reason") as refused:
        ask(award, users["grants_officer"], reason=" ")
    assert refused.value.field == "reason"


def test_only_an_accepted_award_can_be_varied(db, users):
    offered = AwardFactory(organisation=users["org_a"])
    with pytest.raises(AwardError, match="Only an accepted award can be varied: this one is offered"):
        ask(offered, users["grants_officer"])


def test_a_decrease_below_what_has_been_paid_is_refused_when_asked(award, users, db):
    pay(award.instalments[0], db)
    with pytest.raises(AwardError, match="cannot go down to £1,999.99: £2,000.00 has already been paid"):
        ask(award, users["applicant"], amount=Decimal("1999.99"), by_grantee=True)


# Amount ------------------------------------------------------------------------------------------

def test_an_increase_within_the_budget_re_plans_the_unpaid_instalments(award, users, db):
    pay(award.instalments[0], db)
    variation = ask(award, users["applicant"], amount=Decimal("4500.01"), by_grantee=True)
    version = award.version
    variations.decide_variation(variation, True, "", users["grants_officer"])
    assert variation.status is VariationStatus.APPROVED and variation.decided_by_id == users["grants_officer"].id
    assert award.amount == Decimal("4500.01")
    assert [i.amount for i in award.instalments] == [Decimal("2000.00"), Decimal("2500.01")]
    assert sum(i.amount for i in award.instalments) == award.amount
    assert award.version > version
    (event,) = events("award.varied")
    assert event.changes["amount"] == {"before": "4000.00", "after": "4500.01"}
    assert award_interface.committed(award.funding_round) == Decimal("4500.01")


def test_an_increase_beyond_the_budget_is_refused_with_nothing_changed(award, users, db):
    award.funding_round.total_budget = Decimal("4400.00")
    db.session.flush()
    variation = ask(award, users["applicant"], amount=Decimal("4500.00"), by_grantee=True)
    with pytest.raises(AwardError, match="The round has £4,400.00 left of its £4,400.00 budget: an award of "
                                         "£4,500.00 would go over it by £100.00") as refused:
        variations.decide_variation(variation, True, "", users["grants_officer"])
    assert refused.value.field == "amount"
    db.session.expire_all()
    assert variation.status is VariationStatus.REQUESTED
    assert award.amount == Decimal("4000.00")
    assert [i.amount for i in award.instalments] == [Decimal("2000.00"), Decimal("2000.00")]


def test_a_decrease_shares_the_cut_over_the_open_instalments_to_the_penny(award, users, db):
    variation = ask(award, users["grants_officer"], amount=Decimal("3000.01"))
    variations.decide_variation(variation, True, "Fewer sessions", users["grants_officer"])
    assert [i.amount for i in award.instalments] == [Decimal("1500.01"), Decimal("1500.00")]
    assert sum(i.amount for i in award.instalments) == Decimal("3000.01")


def test_a_decrease_to_what_has_been_paid_drops_the_unpaid_instalment(award, users, db):
    pay(award.instalments[0], db)
    variation = ask(award, users["grants_officer"], amount=Decimal("2000.00"))
    variations.decide_variation(variation, True, "", users["grants_officer"])
    assert [(i.number, i.amount, i.status) for i in award.instalments] == [
        (1, Decimal("2000.00"), InstalmentStatus.PAID)]


def test_a_decrease_below_paid_or_approved_is_refused_when_approving(award, users, db):
    variation = ask(award, users["grants_officer"], amount=Decimal("1500.00"))
    award.instalments[0].status = InstalmentStatus.APPROVED  # finance approved it meanwhile
    db.session.flush()
    with pytest.raises(AwardError, match="£2,000.00 has already been paid or approved for payment"):
        variations.decide_variation(variation, True, "", users["grants_officer"])
    assert award.amount == Decimal("4000.00")


def test_an_amount_change_with_every_instalment_paid_is_refused(award, users, db):
    variation = ask(award, users["grants_officer"], amount=Decimal("4500.00"))
    for instalment in award.instalments:
        pay(instalment, db)
    with pytest.raises(AwardError, match="Every instalment has been approved or paid"):
        variations.decide_variation(variation, True, "", users["grants_officer"])


# Dates -------------------------------------------------------------------------------------------

def test_new_dates_re_plan_the_returns_not_started_and_keep_the_others(award, users, db):
    first = award.returns[0]
    first.status, first.answers = ReturnStatus.SUBMITTED, {"problems": "None"}
    db.session.flush()
    new_end = award.end_date + timedelta(days=92)
    variation = ask(award, users["applicant"], VariationKind.DATES, by_grantee=True,
                    start_date=award.start_date, end_date=new_end)
    variations.decide_variation(variation, True, "", users["grants_officer"])
    returns = award.returns
    assert award.end_date == new_end
    assert returns[0].id == first.id and returns[0].status is ReturnStatus.SUBMITTED
    assert [r.number for r in returns] == list(range(1, len(returns) + 1))
    assert returns[1].period_start == first.period_end + timedelta(days=1)
    assert returns[-1].period_end == new_end and returns[-1].final
    assert [r.final for r in returns].count(True) == 1
    assert all(r.status is ReturnStatus.NOT_STARTED for r in returns[1:])
    for earlier, later in zip(returns, returns[1:], strict=False):
        assert later.period_start == earlier.period_end + timedelta(days=1)
    # The unpaid last instalment, due on the old end date, is still within the new period.
    assert award.instalments[1].due_date <= new_end
    assert "returns" in events("award.varied")[0].changes


def test_shortening_moves_unpaid_instalments_into_the_period(award, users, db):
    new_end = award.end_date - timedelta(days=100)
    variation = ask(award, users["grants_officer"], VariationKind.DATES, start_date=award.start_date, end_date=new_end)
    variations.decide_variation(variation, True, "", users["grants_officer"])
    assert award.instalments[1].due_date == new_end
    assert award.returns[-1].period_end == new_end


def test_dates_cannot_leave_out_a_paid_instalment(award, users, db):
    pay(award.instalments[0], db)  # due on the start date
    variation = ask(award, users["grants_officer"], VariationKind.DATES,
                    start_date=award.start_date + timedelta(days=1), end_date=award.end_date)
    with pytest.raises(AwardError, match="Instalment 1 was due on .* and has been paid"):
        variations.decide_variation(variation, True, "", users["grants_officer"])
    assert variation.status is VariationStatus.REQUESTED


def test_dates_cannot_end_before_a_period_already_reported(award, users, db):
    for row in award.returns[:2]:
        row.status = ReturnStatus.ACCEPTED
    db.session.flush()
    variation = ask(award, users["grants_officer"], VariationKind.DATES, start_date=award.start_date,
                    end_date=award.returns[1].period_end)
    with pytest.raises(AwardError, match="Monitoring return 2 covers up to .*: the end date must be after it"):
        variations.decide_variation(variation, True, "", users["grants_officer"])


def test_dates_cannot_change_once_the_final_return_is_started(award, users, db):
    award.returns[-1].status = ReturnStatus.DRAFT
    db.session.flush()
    variation = ask(award, users["grants_officer"], VariationKind.DATES, start_date=award.start_date,
                    end_date=award.end_date + timedelta(days=30))
    with pytest.raises(AwardError, match="final monitoring return has been started"):
        variations.decide_variation(variation, True, "", users["grants_officer"])


# Activities, rejection, double decisions ---------------------------------------------------------

def test_approved_activities_are_what_is_agreed(award, users):
    first = ask(award, users["applicant"], VariationKind.ACTIVITIES, by_grantee=True, activities="Weekly café")
    variations.decide_variation(first, True, "", users["grants_officer"])
    second = ask(award, users["applicant"], VariationKind.ACTIVITIES, by_grantee=True, activities="Twice weekly")
    assert second.before == {"activities": "Weekly café"}
    assert variations.agreed_activities(award) == first
    version = award.version
    variations.decide_variation(second, True, "", users["grants_officer"])
    assert variations.agreed_activities(award) == second
    assert award.version > version


def test_rejection_needs_a_reason_and_changes_nothing(award, users):
    variation = ask(award, users["applicant"], by_grantee=True)
    with pytest.raises(AwardError, match="Enter the reason for rejecting") as refused:
        variations.decide_variation(variation, False, "  ", users["grants_officer"])
    assert refused.value.field == "decision_reason"
    variations.decide_variation(variation, False, "The round has no money left", users["grants_officer"])
    assert variation.status is VariationStatus.REJECTED
    assert variation.decision_reason == "The round has no money left"
    assert award.amount == Decimal("4000.00")
    assert events("variation.rejected")


def test_a_variation_is_decided_once(award, users):
    variation = ask(award, users["applicant"], by_grantee=True)
    variations.decide_variation(variation, True, "", users["grants_officer"])
    with pytest.raises(AwardError, match="already been approved by"):
        variations.decide_variation(variation, False, "Changed my mind", users["grants_officer"])
    assert award.amount == Decimal("5000.00")
    assert len(events("award.varied")) == 1


def test_a_variation_on_a_closed_award_can_only_be_rejected(award, users, db):
    variation = ask(award, users["applicant"], by_grantee=True)
    award.status = AwardStatus.CLOSED
    db.session.flush()
    with pytest.raises(AwardError, match="award is closed, so the variation cannot be approved"):
        variations.decide_variation(variation, True, "", users["grants_officer"])
    variations.decide_variation(variation, False, "The grant has ended", users["grants_officer"])
    assert variation.status is VariationStatus.REJECTED


def test_losing_the_race_between_the_check_and_the_update_changes_nothing(award, users, monkeypatch):
    """Another officer's decision lands after this one has checked the variation: it is refused by the
    conditional UPDATE, and the award is not changed."""
    variation = ask(award, users["applicant"], by_grantee=True)
    plan = variations._plan

    def decided_meanwhile(award, variation):
        apply = plan(award, variation)
        db.session.execute(update(Variation).where(Variation.id == variation.id).values(
            status=VariationStatus.REJECTED, decided_by_id=users["admin"].id, decided_at=utcnow(),
            decision_reason="No"))
        return apply

    monkeypatch.setattr(variations, "_plan", decided_meanwhile)
    with pytest.raises(AwardError, match=f"already been rejected by {users['admin'].full_name}"):
        variations.decide_variation(variation, True, "", users["grants_officer"])
    db.session.expire_all()
    assert award.amount == Decimal("4000.00") and not events("award.varied")
