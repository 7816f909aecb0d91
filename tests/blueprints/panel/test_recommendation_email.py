"""The commissioners are told when a funding recommendation is ready for their decision."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grants.extensions import db as _db
from grants.models.accounts import Role
from grants.models.mail import OutboxMessage
from tests.factories import UserFactory
from tests.helpers import error_messages, link_in, page, post

RULES = {"quality_threshold": "0", "objective": "total_score", "max_share": ""}


@pytest.fixture
def scored(panel, bids, submit_scores):
    """Panel member A's scores: bid 1 (£4,000) 4, bid 2 (£3,000) 3, bid 3 (£5,000) 2."""
    for bid, score in zip(bids, (4, 3, 2), strict=True):
        submit_scores(panel[0], bid, fit=score, value=score)
    return bids


@pytest.fixture
def officer(as_role):
    return as_role("grants_officer")


def _run(client, funding_round, **data):
    return post(client, f"/panel/rounds/{funding_round.id}/recommendation/run", {**RULES, **data})


def _told(recipient=None) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.subject.contains("is ready for your decision"))
    if recipient is not None:
        query = query.where(OutboxMessage.recipient == recipient)
    return list(_db.session.scalars(query.order_by(OutboxMessage.id)))


def test_every_active_commissioner_is_told_the_recommendation_is_ready(officer, panel_round, scored, users,
                                                                      as_role):
    second = UserFactory(full_name="Sam Second", roles=[Role.COMMISSIONER])
    former = UserFactory(full_name="Fay Former", roles=[Role.COMMISSIONER], active=False)
    ran = _run(officer, panel_round)
    assert ran.status_code == 302
    banner = " ".join(page(officer.get(ran.headers["Location"])).select_one(".govuk-notification-banner")
                      .get_text(" ").split())
    assert "The commissioners have been emailed that it is ready for their decision" in banner

    told = _told()
    assert {m.recipient for m in told} == {users["commissioner"].email, second.email}
    assert former.email not in {m.recipient for m in told}
    message = _told(second.email)[0]
    assert message.subject == "The funding recommendation for Community Safety Fund 2026 is ready for your decision"
    body = message.body
    assert body.startswith("Hello Sam Second,\n")
    assert ("The grants team has made a funding recommendation for Community Safety Fund 2026, and it is ready "
            "for your decision.") in body
    # Bids 1 and 2 (£7,000) fit the £10,000 budget; with bid 3 they would not.
    assert "It recommends funding 2 of the 3 bids the panel scored, asking for £7,000 of the round's £10,000 budget." \
        in body
    assert "\n\nScoring is not finished: 3 bids have fewer panel scores than the round asks for.\n" in body
    link = f"http://localhost/panel/rounds/{panel_round.id}/decision"
    assert f"sign in and follow this link:\n{link}\n" in body
    # The link is the commissioner's decision page, with the recommended bids ticked.
    decision = as_role("commissioner").get(link_in([body], "/panel/rounds/"))
    assert decision.status_code == 200
    assert [box["value"] for box in page(decision).select("input[name=funded]") if box.has_attr("checked")]


def test_running_it_again_says_the_new_one_replaces_the_first(officer, panel_round, scored, users):
    assert _run(officer, panel_round).status_code == 302
    assert _run(officer, panel_round, quality_threshold="2.5").status_code == 302
    first, second = _told(users["commissioner"].email)
    assert "has made a funding recommendation" in first.body
    assert second.subject == ("A new funding recommendation for Community Safety Fund 2026 is ready for your "
                              "decision")
    assert "has run the funding recommendation for Community Safety Fund 2026 again. The new recommendation " \
           "replaces the earlier one" in second.body
    assert "It recommends funding 2 of the 3 bids the panel scored" in second.body


def test_rules_refused_or_that_cannot_be_met_tell_nobody(officer, panel_round, scored, users):
    refused = _run(officer, panel_round, quality_threshold="lots")
    assert refused.status_code == 200 and error_messages(refused)
    area = scored[0].local_authorities[0]
    impossible = _run(officer, panel_round, **{f"minimum_area_{area.code.replace('-', '_')}_count": "2"})
    assert impossible.status_code == 302  # run, but it found no set of bids the commissioner could approve
    assert _told() == []

    assert _run(officer, panel_round).status_code == 302
    [message] = _told()
    assert message.recipient == users["commissioner"].email
    # The first the commissioner hears of: not "a new one" (the one before could not be approved).
    assert message.subject.startswith("The funding recommendation") and "has made a funding recommendation" in \
        message.body
