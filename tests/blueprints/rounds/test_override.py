"""An administrator's override of the frozen rules: it needs a reason, kept in the audit log."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import FundingRoundFactory
from tests.helpers import error_messages, page, post


def _override_form(admin, funding_round) -> dict:
    soup = page(admin.get(f"/rounds/{funding_round.id}/override"))
    form = {"version": soup.select_one('input[name="version"]')["value"]}
    for name in (
        "total_budget",
        "min_award",
        "max_award",
        "max_project_months",
        "max_annual_income",
    ):
        form[name] = soup.select_one(f"#{name}")["value"]
    for name in ("legal_types", "local_authorities", "approaches", "adder_strands", "outcomes"):
        form[name] = [
            box["value"] for box in soup.select(f'input[name="{name}"]') if box.has_attr("checked")
        ]
    chosen = soup.select_one('select[name="rubric"] option[selected]')
    form["rubric"] = chosen["value"] if chosen else ""
    return form


def test_an_administrator_changes_frozen_rules_giving_a_reason(admin, db, events, users):
    funding_round = FundingRoundFactory()
    assert funding_round.rules_frozen()
    form = _override_form(admin, funding_round) | {
        "total_budget": "250000",
        "max_project_months": "18",
        "reason": "The Home Office added £50,000 to the fund on 3 March.",
    }
    response = post(admin, f"/rounds/{funding_round.id}/override", form)
    assert response.status_code == 302, error_messages(response)
    db.session.refresh(funding_round)
    assert (funding_round.total_budget, funding_round.max_project_months) == (
        Decimal("250000.00"),
        18,
    )

    [event] = events("round.rules_overridden")
    assert event.actor_id == users["admin"].id
    assert "The Home Office added £50,000 to the fund on 3 March." in event.summary
    assert event.changes == {
        "total_budget": {"before": "200000.00", "after": "250000.00"},
        "max_project_months": {"before": 12, "after": 18},
        "reason": {
            "before": None,
            "after": "The Home Office added £50,000 to the fund on 3 March.",
        },
    }


def test_a_change_to_a_list_is_audited_as_names(admin, db, events):
    funding_round = FundingRoundFactory()
    form = _override_form(admin, funding_round)
    form |= {
        "outcomes": form["outcomes"][:2],
        "reason": "Outcomes narrowed after the panel's advice",
    }
    assert post(admin, f"/rounds/{funding_round.id}/override", form).status_code == 302
    [event] = events("round.rules_overridden")
    assert event.changes["outcomes"]["after"] == ["Reduce drug use", "Reduce drug-related crime"]
    assert len(event.changes["outcomes"]["before"]) == 6


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_override_without_a_reason_is_refused(admin, db, events, reason):
    funding_round = FundingRoundFactory()
    form = _override_form(admin, funding_round) | {"total_budget": "1000000", "reason": reason}
    response = post(admin, f"/rounds/{funding_round.id}/override", form)
    assert error_messages(response) == ["Enter why the rules are being changed"]
    db.session.refresh(funding_round)
    assert funding_round.total_budget == Decimal("200000.00")
    assert events("round.rules_overridden") == []


def test_an_override_is_checked_like_the_round_form(admin, db):
    funding_round = FundingRoundFactory()
    form = _override_form(admin, funding_round) | {
        "max_award": "300000",
        "legal_types": [],
        "reason": "Because",
    }
    assert error_messages(post(admin, f"/rounds/{funding_round.id}/override", form)) == [
        "Maximum award must be the same as or less than the total budget, £200,000.00",
        "Select at least one type of organisation that can apply",
    ]


def test_an_override_over_a_newer_change_is_refused(admin, db, events):
    funding_round = FundingRoundFactory()
    form = _override_form(admin, funding_round) | {"max_award": "6000", "reason": "Larger awards"}
    funding_round.max_award = Decimal("4000.00")  # someone else's change, saved first
    db.session.flush()
    response = post(admin, f"/rounds/{funding_round.id}/override", form)
    assert error_messages(response)[0].startswith(
        "This round was changed by someone else while you were editing"
    )
    db.session.refresh(funding_round)
    assert funding_round.max_award == Decimal("4000.00")
    assert page(response).select_one("#max_award")["value"] == "4000.00"
    assert page(response).select_one("#reason").get_text() == "Larger awards"
    assert events("round.rules_overridden") == []


@pytest.mark.parametrize("role", ["grants_officer", "applicant", "commissioner"])
def test_only_administrators_override(as_role, role):
    funding_round = FundingRoundFactory()
    assert as_role(role).get(f"/rounds/{funding_round.id}/override").status_code == 403
    assert (
        post(as_role(role), f"/rounds/{funding_round.id}/override", {"reason": "x"}).status_code
        == 403
    )
