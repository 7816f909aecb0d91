"""Panel members are emailed when bids are assigned to them: how many, which round, when they can
score and a link to their queue. Only the members the officer chose are given bids, and a bid is
announced once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from grants.extensions import db as _db
from grants.models.mail import OutboxMessage
from grants.models.panel import ScoringAssignment
from tests.helpers import post


@pytest.fixture
def officer(as_role):
    return as_role("grants_officer")


def _outbox() -> list[OutboxMessage]:
    return list(_db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _to(recipient: str) -> list[OutboxMessage]:
    return [message for message in _outbox() if message.recipient == recipient]


def _choose(officer, panel_round, *members):
    response = post(officer, f"/panel/rounds/{panel_round.id}/members/choose",
                    {"members": [str(member.id) for member in members]})
    assert response.status_code == 302


def test_chosen_members_are_told_of_their_bids_once(officer, panel_round, bids, panel):
    a, b, c = panel  # all three hold the panel member role; C is not chosen
    panel_round.scorers_per_bid = 2
    _choose(officer, panel_round, a, b)
    assert _outbox() == []  # joining the panel is not yet being given bids

    assert post(officer, f"/panel/rounds/{panel_round.id}/assignments/run").status_code == 302
    assigned = {row.user_id for row in _db.session.scalars(select(ScoringAssignment))}
    assert assigned == {a.id, b.id}  # the chosen members only
    assert _to(c.email) == []
    assert _to("panel.member@example.org") == []  # has the role, not on this panel

    [message] = _to(a.email)
    assert message.subject == "3 bids to score in Community Safety Fund 2026"
    body = " ".join(message.body.split())
    assert body.startswith("Hello Panel Member A,")
    assert "You have been asked to score 3 bids in Community Safety Fund 2026." in body
    assert "You can score them now. Scoring closes when the commissioner makes the funding decision." in body
    assert "Before you score a bid, declare whether you have a conflict of interest with it." in body
    assert f"To see the bids, sign in and follow this link: http://localhost/panel#round-{panel_round.id}" in body
    assert len(_to(b.email)) == 1
    assert "None" not in message.body and "{{" not in message.body

    # Running the assignment again gives no one anything new, so no one is written to again.
    assert post(officer, f"/panel/rounds/{panel_round.id}/assignments/run").status_code == 302
    assert len(_outbox()) == 2


def test_a_member_added_later_hears_only_of_their_new_bids(officer, panel_round, bids, panel):
    a, b, c = panel
    panel_round.scorers_per_bid = 2
    _choose(officer, panel_round, a, b)
    post(officer, f"/panel/rounds/{panel_round.id}/assignments/run")
    panel_round.scorers_per_bid = 3
    _choose(officer, panel_round, a, b, c)
    post(officer, f"/panel/rounds/{panel_round.id}/assignments/run")
    assert [message.subject for message in _to(c.email)] == ["3 bids to score in Community Safety Fund 2026"]
    assert len(_to(a.email)) == len(_to(b.email)) == 1


def test_a_bid_assigned_by_hand_is_announced(officer, panel_round, bids, panel, seat):
    seat(panel[0])
    response = post(officer, f"/panel/rounds/{panel_round.id}/bids/{bids[1].id}/assign", {"user_id": panel[0].id})
    assert response.status_code == 302
    [message] = _outbox()
    assert message.recipient == "member.a@example.org"
    assert message.subject == "1 bid to score in Community Safety Fund 2026"
    body = " ".join(message.body.split())
    assert "You have been asked to score 1 bid in Community Safety Fund 2026." in body
    assert f"To see the bid, sign in and follow this link: http://localhost/panel#round-{panel_round.id}" in body
    # A refused assignment (already assigned) sends nothing.
    post(officer, f"/panel/rounds/{panel_round.id}/bids/{bids[1].id}/assign", {"user_id": panel[0].id})
    assert len(_outbox()) == 1


def test_before_the_round_closes_the_email_says_when_scoring_opens(officer, panel_round, bids, panel, seat):
    panel_round.closes_at = datetime(2099, 1, 15, 12, 0, tzinfo=UTC)
    seat(panel[0])
    post(officer, f"/panel/rounds/{panel_round.id}/bids/{bids[0].id}/assign", {"user_id": panel[0].id})
    [message] = _outbox()
    assert ("You can read it now and score it once the round closes on 15 January 2099 at midday."
            in " ".join(message.body.split()))


def test_a_deactivated_member_is_given_no_bids(officer, panel_round, bids, panel, seat):
    panel_round.scorers_per_bid = 1
    seat(panel[0])
    seat(panel[1])
    panel[1].active = False
    _db.session.flush()
    post(officer, f"/panel/rounds/{panel_round.id}/assignments/run")
    assert {row.user_id for row in _db.session.scalars(select(ScoringAssignment))} == {panel[0].id}
    assert [message.recipient for message in _outbox()] == ["member.a@example.org"]
