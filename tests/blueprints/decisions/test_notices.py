"""Drafting, numbering, editing and signing decision notices, through the service directly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.extensions import db as _db
from grants.interfaces.admin.settings import save_settings
from grants.interfaces.decisions import notices
from grants.models.audit import AuditEvent
from grants.models.decisions import DecisionNotice
from tests.blueprints.decisions.conftest import scored_round


def _events(action: str) -> list[AuditEvent]:
    return list(_db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _narrative(notice: DecisionNotice, **changes) -> dict[str, str]:
    return {**{name: getattr(notice, name) for name in notices.NARRATIVE_FIELDS}, **changes}


# Drafting ----------------------------------------------------------------------------------------

def test_approving_drafts_the_notice_in_the_same_transaction(decided, decide, commissioner):
    notice = decide()
    assert notice.signed_at is None and notice.version == 1
    assert notice.decision_id is not None and notice.round_id == decided.funding_round.id
    assert notice.title == "Community Safety Fund 2026 – award of grants"
    assert notice.decision_maker_name == "Alison Hernandez"
    assert notice.decision_maker_office == "Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly"
    assert notice.grants == [
        {"reference": "CGS-2026-0001", "recipient": "Community Safety Fund 2026 bidder 1", "amount": "4000.00",
         "purpose": "Project 1"},
        {"reference": "CGS-2026-0002", "recipient": "Community Safety Fund 2026 bidder 2", "amount": "3000.00",
         "purpose": "Project 2"},
    ]
    [drafted] = _events("decision_notice.drafted")
    assert drafted.entity_id == str(notice.id) and drafted.actor_id == commissioner.id
    assert drafted.changes["number"]["after"] == notice.number


def test_the_figures_add_up(decide):
    notice = decide()
    assert notices.grants_total(notice) == Decimal("7000.00")
    assert "award 2 grants totalling £7,000.00" in notice.summary
    assert "from the £10,000.00 budget" in notice.decision
    assert "1 other bid considered is not funded" in notice.decision
    implications = notice.financial_implications
    assert "The round's budget is £10,000.00" in implications
    assert "The 2 grants in this decision total £7,000.00, leaving £3,000.00 of the budget unallocated" in implications


def test_the_reasons_come_from_the_recommendation(decide):
    notice = decide()
    assert "3 bids passed the eligibility checks" in notice.reasons
    assert "3 bids received a panel score" in notice.reasons
    assert "It recommended 2 bids asking for £7,000.00" in notice.reasons
    assert "accepts the recommendation without change" in notice.reasons


def test_a_change_from_the_recommendation_and_its_reason_appear(decided, decide):
    first, _second, third = decided.bids
    notice = decide(funded=[first.id, third.id], reason="Bid 3 is the only one serving the islands.")
    assert "CGS-2026-0003 (Community Safety Fund 2026 bidder 3) is funded although it was not recommended" \
        in notice.reasons
    assert "CGS-2026-0002 (Community Safety Fund 2026 bidder 2) is not funded although it was recommended" \
        in notice.reasons
    assert "The Commissioner's reason: Bid 3 is the only one serving the islands." in notice.reasons
    assert "accepts the recommendation without change" not in notice.reasons
    assert [grant["reference"] for grant in notice.grants] == ["CGS-2026-0001", "CGS-2026-0003"]
    assert "total £9,000.00, leaving £1,000.00" in notice.financial_implications


def test_a_decision_to_fund_nothing_says_so(decide):
    notice = decide(funded=[], reason="None of the bids reached the standard the plan asks for.")
    assert notice.grants == []
    assert "has decided to make no grants" in notice.summary
    assert "To make no grant" in notice.decision and "3 other bids considered are not funded" in notice.decision
    assert notice.financial_implications == ("The round's budget is £10,000.00. No grant is awarded, so none of "
                                             "the budget is committed by this decision.")


def test_declared_conflicts_appear_with_how_they_were_handled(decide):
    notice = decide()
    text = notice.conflicts_of_interest
    assert ("A panel member declared a conflict of interest in CGS-2026-0003 (Community Safety Fund 2026 bidder 3): "
            "My sister runs it. The member could not open this bid and took no part in scoring it.") in text
    assert "Panel Member B" not in text  # the published notice does not name the member


def test_with_no_conflicts_the_notice_says_so(officer, commissioner, decide):
    other = scored_round("Quiet Round", officer, prefix="QR-2026", conflict=False)
    notice = decide(which=other)
    assert "No conflict of interest was declared." in notice.conflicts_of_interest


def test_the_legal_basis_is_section_9_of_the_2011_act(decide):
    assert "Section 9 of the Police Reform and Social Responsibility Act 2011" in decide().legal_basis


def test_the_decision_maker_comes_from_the_office_settings(decide, users):
    save_settings({"decision_maker_name": "Dan Pearson", "decision_maker_office": "Deputy Commissioner"},
                  users["admin"])
    notice = decide()
    assert (notice.decision_maker_name, notice.decision_maker_office) == ("Dan Pearson", "Deputy Commissioner")
    assert "The Deputy Commissioner has decided" in notice.summary


# Numbering ---------------------------------------------------------------------------------------

def test_numbers_run_on_within_a_financial_year(officer, decide):
    first = decide()
    second = decide(which=scored_round("Second Round", officer, prefix="SR-2026"))
    prefix, year, number = first.number.rsplit("/", 2)
    assert prefix == "PCC/D" and len(year) == 7 and number == "001"
    assert second.number == f"PCC/D/{year}/002"


def test_numbers_start_again_each_financial_year_with_the_prefix_in_force(users):
    assert notices.next_number(date(2026, 3, 31)) == "PCC/D/2025-26/001"
    assert notices.next_number(date(2026, 4, 1)) == "PCC/D/2026-27/001"
    assert notices.next_number(date(2027, 3, 31)) == "PCC/D/2026-27/002"
    save_settings({"decision_number_prefix": "OPCC-DCIS"}, users["admin"])
    assert notices.next_number(date(2026, 5, 1)) == "OPCC-DCIS/2026-27/003"


def test_a_number_is_never_given_twice(decide):
    notice = decide()
    assert notices.next_number(notice.decision_date) != notice.number
    numbers = list(_db.session.scalars(select(DecisionNotice.number)))
    assert len(numbers) == len(set(numbers))


# Editing -----------------------------------------------------------------------------------------

def test_the_commissioner_edits_the_narrative_and_the_change_is_audited(decide, commissioner):
    notice = decide()
    assert notices.update_notice(notice, 1, _narrative(notice, summary="  A clearer summary.  "), commissioner)
    _db.session.flush()
    assert notice.summary == "A clearer summary." and notice.version == 2
    [event] = _events("decision_notice.updated")
    assert event.actor_id == commissioner.id
    assert set(event.changes) == {"summary"}
    assert event.changes["summary"]["after"] == "A clearer summary."
    assert "changed: summary" in event.summary


def test_saving_without_a_change_changes_nothing(decide, commissioner):
    notice = decide()
    assert notices.update_notice(notice, 1, _narrative(notice), commissioner) is False
    assert notice.version == 1 and _events("decision_notice.updated") == []


@pytest.mark.parametrize("field, message", [
    ("title", "Enter the title"),
    ("reasons", "Enter the reasons for the decision"),
    ("conflicts_of_interest", "Enter the conflicts of interest"),
])
def test_an_empty_part_is_refused(decide, commissioner, field, message):
    notice = decide()
    with pytest.raises(notices.NoticeError, match=message) as refused:
        notices.update_notice(notice, 1, _narrative(notice, **{field: "   "}), commissioner)
    assert refused.value.field == field
    assert getattr(notice, field).strip()


def test_too_long_a_title_is_refused(decide, commissioner):
    notice = decide()
    with pytest.raises(notices.NoticeError, match="Title must be 300 characters or fewer"):
        notices.update_notice(notice, 1, _narrative(notice, title="x" * 301), commissioner)


def test_an_edit_from_an_older_version_is_refused_and_saves_nothing(decide, commissioner):
    notice = decide()
    notices.update_notice(notice, 1, _narrative(notice, summary="First change."), commissioner)
    _db.session.flush()
    with pytest.raises(notices.NoticeError) as refused:
        notices.update_notice(notice, 1, _narrative(notice, summary="Stale change."), commissioner)
    assert refused.value.stale and "Someone else saved this decision notice" in str(refused.value)
    assert notice.summary == "First change." and notice.version == 2


# Signing -----------------------------------------------------------------------------------------

def test_signing_fixes_the_notice_and_is_audited(decide, commissioner):
    notice = decide()
    at = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    notices.sign_notice(notice, 1, commissioner, now=at)
    _db.session.flush()
    assert notice.signed_at == at and notice.signed_by_id == commissioner.id
    [event] = _events("decision_notice.signed")
    assert event.actor_id == commissioner.id
    assert event.changes["signed_by"] == {"before": None, "after": commissioner.full_name}
    assert f"Decision notice {notice.number} signed" in event.summary


def test_only_the_commissioner_signs(decide, officer):
    notice = decide()
    with pytest.raises(notices.NoticeError, match="Only the commissioner"):
        notices.sign_notice(notice, 1, officer)
    assert notice.signed_at is None


def test_signing_an_older_version_is_refused(decide, commissioner):
    notice = decide()
    notices.update_notice(notice, 1, _narrative(notice, decision="Changed."), commissioner)
    _db.session.flush()
    with pytest.raises(notices.NoticeError) as refused:
        notices.sign_notice(notice, 1, commissioner)
    assert refused.value.stale and notice.signed_at is None


def test_a_signed_notice_cannot_be_edited_or_signed_again(decide, commissioner):
    notice = decide()
    notices.sign_notice(notice, 1, commissioner)
    _db.session.flush()
    version = notice.version
    with pytest.raises(notices.NoticeError, match="has been signed"):
        notices.update_notice(notice, version, _narrative(notice, summary="Later."), commissioner)
    with pytest.raises(notices.NoticeError, match="has been signed"):
        notices.sign_notice(notice, version, commissioner)
    assert len(_events("decision_notice.signed")) == 1


def test_no_path_changes_a_signed_notice_row(decide, commissioner):
    notice = decide()
    notices.sign_notice(notice, 1, commissioner, now=datetime.now(UTC) - timedelta(hours=1))
    _db.session.flush()
    notice.summary = "Changed behind the service's back."
    with pytest.raises(notices.NoticeError, match="has been signed"):
        _db.session.flush()
