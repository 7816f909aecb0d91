"""A round's due-diligence checklist: the default a new round starts with, and officers' changes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from grants.interfaces.due_diligence.checklists import default_checklist
from grants.interfaces.rounds.funding_rounds import create_round
from grants.models.audit import AuditEvent
from grants.models.due_diligence import CheckOutcome, DueDiligenceCheck
from grants.models.types import utcnow
from tests.factories import FundingRoundFactory
from tests.helpers import error_messages, page, post
from tests.visible_text import seen_text

DEFAULT_LABELS = ["Governing document", "Latest accounts", "Safeguarding policy", "Insurance",
                  "Bank account in the organisation's name", "Register checks", "References"]


def _labels(funding_round) -> list[str]:
    return [item["label"] for item in funding_round.due_diligence]


def _events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _url(funding_round, tail: str = "") -> str:
    return f"/due-diligence/rounds/{funding_round.id}{tail}"


def test_the_shipped_default_lists_the_issues_items_with_the_required_ones_marked():
    items = default_checklist()
    assert [item["label"] for item in items] == DEFAULT_LABELS
    assert [item["id"] for item in items if not item["required"]] == ["bank-account", "references"]
    assert all(item["hint"] for item in items)
    items[0]["label"] = "changed"
    assert default_checklist()[0]["label"] == "Governing document"  # a fresh copy each time


def test_a_new_round_starts_with_the_default_and_an_existing_round_keeps_its_own(db):
    now = utcnow()
    created = create_round({"name": "Safer Streets 2027", "opens_at": now + timedelta(days=1),
                            "closes_at": now + timedelta(days=30), "total_budget": Decimal("50000.00"),
                            "min_award": Decimal("500.00"), "max_award": Decimal("5000.00"),
                            "max_project_months": 12})
    assert _labels(created) == DEFAULT_LABELS
    [event] = _events(db, "round.created")
    assert [item["label"] for item in event.changes["due_diligence"]["after"]] == DEFAULT_LABELS
    existing = FundingRoundFactory()  # as tests and older rounds have: no checklist
    assert existing.due_diligence == []


def test_the_checklist_page_lists_items_with_their_actions(db, officer, funding_round):
    response = officer.get(_url(funding_round))
    assert response.status_code == 200
    text = seen_text(response)
    for label in DEFAULT_LABELS:
        assert label in text
    soup = page(response)
    first, last = soup.select_one("#item-governing-document"), soup.select_one("#item-references")
    assert "Move up" not in first.get_text() and "Move down" in first.get_text()
    assert "Move down" not in last.get_text() and "Move up" in last.get_text()
    manage = officer.get(f"/rounds/manage/{funding_round.id}")
    link = page(manage).find("a", string="See or change the round's due-diligence checklist")
    assert link["href"] == _url(funding_round)


def test_an_officer_adds_an_item(db, officer, funding_round, users):
    response = post(officer, _url(funding_round, "/items/add"),
                    {"label": "  Data protection  policy ", "hint": "ICO registration too", "required": "y"})
    assert response.status_code == 302, error_messages(response)
    assert funding_round.due_diligence[-1] == {"id": "data-protection-policy", "label": "Data protection policy",
                                               "hint": "ICO registration too", "required": True}
    [event] = _events(db, "due_diligence.item_added")
    assert event.actor_id == users["grants_officer"].id
    assert len(event.changes["due_diligence"]["after"]) == len(DEFAULT_LABELS) + 1
    assert "“Data protection policy” has been added" in seen_text(officer.get(response.headers["Location"]))


def test_adding_needs_words_and_a_new_name_and_keeps_what_was_typed(db, officer, funding_round):
    response = post(officer, _url(funding_round, "/items/add"), {"label": "  ", "hint": "Kept hint"})
    assert response.status_code == 200
    assert error_messages(response) == ["Enter what the officer checks"]
    assert "Kept hint" in response.get_data(as_text=True)
    response = post(officer, _url(funding_round, "/items/add"), {"label": "insurance", "hint": "Again"})
    assert error_messages(response) == ["The checklist already has an item called “insurance”"]
    assert _labels(funding_round) == DEFAULT_LABELS


def test_an_officer_renames_an_item_and_makes_it_optional(db, officer, funding_round):
    response = post(officer, _url(funding_round, "/items/insurance/change"),
                    {"label": "Insurance certificates", "hint": "Public liability"})
    assert response.status_code == 302, error_messages(response)
    item = funding_round.due_diligence[3]
    assert item == {"id": "insurance", "label": "Insurance certificates", "hint": "Public liability", "required": False}
    [event] = _events(db, "due_diligence.item_changed")
    assert event.changes["due_diligence"]["before"][3]["label"] == "Insurance"


def test_moving_an_item_changes_the_order_only(db, officer, funding_round):
    assert officer.get(_url(funding_round, "/items/insurance/move-up")).status_code == 200
    response = post(officer, _url(funding_round, "/items/insurance/move-up"))
    assert response.status_code == 302
    assert _labels(funding_round)[2:4] == ["Insurance", "Safeguarding policy"]
    [event] = _events(db, "due_diligence.item_moved")
    assert event.changes["due_diligence"]["before"] != event.changes["due_diligence"]["after"]
    response = post(officer, _url(funding_round, "/items/governing-document/move-up"))
    assert "“Governing document” is already first" in seen_text(officer.get(response.headers["Location"]))
    assert _labels(funding_round)[0] == "Governing document"


def test_an_unmarked_item_is_removed(db, officer, funding_round):
    assert "Are you sure" in seen_text(officer.get(_url(funding_round, "/items/references/remove")))
    response = post(officer, _url(funding_round, "/items/references/remove"))
    assert response.status_code == 302
    assert "References" not in _labels(funding_round)
    assert len(_events(db, "due_diligence.item_removed")) == 1


def test_an_item_marked_on_a_bid_can_be_renamed_but_not_removed(db, officer, funding_round, make_application):
    application = make_application()
    db.session.add(DueDiligenceCheck(application_id=application.id, item_id="references", outcome=CheckOutcome.MET))
    db.session.flush()
    response = officer.get(_url(funding_round, "/items/references/remove"))
    text = seen_text(response)
    assert "You cannot remove “References”" in text
    assert "it has been marked on 1 bid, and those findings would lose the item they answer" in text
    assert post(officer, _url(funding_round, "/items/references/remove")).status_code == 200
    assert "References" in _labels(funding_round)
    assert _events(db, "due_diligence.item_removed") == []
    assert "Remove References" not in seen_text(officer.get(_url(funding_round)))
    response = post(officer, _url(funding_round, "/items/references/change"), {"label": "Two references"})
    assert response.status_code == 302
    assert "Two references" in _labels(funding_round)


def test_an_unknown_item_is_not_found(officer, funding_round):
    assert officer.get(_url(funding_round, "/items/nothing/change")).status_code == 404
    assert post(officer, _url(funding_round, "/items/nothing/remove")).status_code == 404
    assert officer.get("/due-diligence/rounds/999999").status_code == 404


def test_a_round_with_a_checklist_is_audited_when_deleted(db):
    from grants.interfaces.rounds.funding_rounds import delete_round

    funding_round = FundingRoundFactory(published_at=None, due_diligence=default_checklist())
    delete_round(funding_round)
    db.session.flush()
    [event] = _events(db, "round.deleted")
    assert [item["id"] for item in event.changes["due_diligence"]["before"]][:2] == ["governing-document",
                                                                                     "latest-accounts"]
