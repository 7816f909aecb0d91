"""The panel's whole journey over HTTP, as issue 4's "done when" describes it.

An officer seats a panel and assigns the bids; one member declares a conflict; members score
(two of them far apart on one bid, which is flagged); the officer moderates that bid, runs the
recommendation (the commissioner is emailed that it is ready); the commissioner approves it from the
emailed link; the officer publishes feedback; the applicant reads the outcome, with no panel
member's name or score in it.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from grants.models.accounts import Role
from grants.models.applications import ApplicationStatus
from grants.models.audit import AuditEvent
from grants.models.panel import ScoreSheet, ScoringAssignment
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, FundingRoundFactory, OrganisationFactory, UserFactory
from tests.helpers import emailed_link, error_messages, page, post

# (project, amount, each scorer's (fit, value)); the budget (£7,000) cannot fund all three.
BIDS = {
    "Recovery Café": ("4000.00", [(3, 3), (3, 2)]),
    "Night Safe Space": ("3000.00", [(4, 4), (0, 1)]),  # the two scorers disagree
    "Youth Diversion": ("3500.00", [(2, 2), (2, 3)]),
}


def _score(client, bid_id, fit, value):
    data = {"score-fit": str(fit), "score-value": str(value), "submit_scores": "Submit scores"}
    for key, given in (("fit", fit), ("value", value)):
        if given in (0, 4):
            data[f"comment-{key}"] = f"A score of {given}: see the evidence section"
    return post(client, f"/panel/bids/{bid_id}/score", data)


def test_score_moderate_recommend_approve_and_feed_back(app, db, as_user):
    funding_round = FundingRoundFactory(
        name="Safer Streets Fund", opens_at=utcnow() - timedelta(days=40), closes_at=utcnow() - timedelta(days=1),
        published_at=utcnow() - timedelta(days=41), total_budget=Decimal("7000.00"),
    )
    officer = as_user(UserFactory(full_name="Olive Officer", roles=[Role.GRANTS_OFFICER]))
    cass = UserFactory(full_name="Cass Commissioner", email="cass@example.org", roles=[Role.COMMISSIONER])
    commissioner = as_user(cass)
    members = [UserFactory(full_name=name, roles=[Role.PANEL_MEMBER])
               for name in ("Morwenna Scorer", "Jory Scorer", "Kerensa Scorer")]
    bids, applicants = {}, {}
    for number, (title, (amount, _)) in enumerate(BIDS.items(), start=1):
        organisation = OrganisationFactory(name=f"{title} Trust")
        bids[title] = ApplicationFactory(
            funding_round=funding_round, organisation=organisation, status=ApplicationStatus.UNDER_ASSESSMENT,
            reference=f"CGS-2026-{number:04d}", project_title=title, amount_requested=Decimal(amount),
            submitted_at=utcnow() - timedelta(days=3),
        )
        applicants[title] = as_user(UserFactory(organisation=organisation, roles=[Role.APPLICANT]))
    db.session.flush()
    round_url = f"/panel/rounds/{funding_round.id}"

    # The officer sets the panel up: two scorers per bid, three members.
    settings = post(officer, f"{round_url}/settings", {"scorers_per_bid": "2", "aggregation": "mean",
                                                       "normalise": "no"})
    assert settings.status_code == 302, error_messages(settings)
    for member in members:
        assert post(officer, f"{round_url}/members", {"user_id": str(member.id)}).status_code == 302

    # Kerensa sees the round's bids and declares a conflict on the café before assignment.
    kerensa = as_user(members[2])
    queue = page(kerensa.get("/panel")).get_text()
    assert "Recovery Café" in queue
    café = bids["Recovery Café"]
    declared = post(kerensa, f"/panel/bids/{café.id}/declaration",
                    {"conflicted": "yes", "reason": "I volunteer at the café"})
    assert declared.status_code == 302, error_messages(declared)

    # Automatic assignment respects the conflict and gives every bid two scorers.
    assert post(officer, f"{round_url}/assignments/run").status_code == 302
    pairs = {(row.user_id, row.application_id) for row in db.session.scalars(db.select(ScoringAssignment))}
    assert (members[2].id, café.id) not in pairs
    assert all(sum(1 for _, bid in pairs if bid == application.id) == 2 for application in bids.values())
    refused = kerensa.get(f"/panel/bids/{café.id}/score")  # cannot see the bid, and is told why
    assert refused.status_code == 403 and page(refused).h1.get_text(strip=True) == "You declared a conflict of interest"

    # Each member declares and scores their bids; blind until they submit.
    given = {title: list(scores) for title, (_, scores) in BIDS.items()}
    for member in members:
        client = as_user(member)
        for title, application in bids.items():
            if (member.id, application.id) not in pairs:
                continue
            if member.id != members[2].id or application.id != café.id:
                post(client, f"/panel/bids/{application.id}/declaration", {"conflicted": "no"})
            fit, value = given[title].pop(0)
            response = _score(client, application.id, fit, value)
            assert response.status_code == 302, error_messages(response)
    assert len(db.session.scalars(db.select(ScoreSheet)).all()) == 6

    # Results: the disagreement is flagged.
    night = bids["Night Safe Space"]
    results = officer.get(f"{round_url}/results")
    flagged_row = page(results).find("a", string=night.reference).find_parent("tr").get_text(" ")
    assert "Flagged for moderation" in flagged_row

    # The officer moderates it with a reason; raw scores stay.
    moderated = post(officer, f"{round_url}/bids/{night.id}/moderate",
                     {"score": "3.00", "reason": "The panel agreed the evidence of need is strong"})
    assert moderated.status_code == 302, error_messages(moderated)
    bid_page = page(officer.get(f"{round_url}/bids/{night.id}")).get_text(" ")
    assert "The panel agreed the evidence of need is strong" in bid_page

    # The recommendation: within £7,000, at most two of the three.
    ran = post(officer, f"{round_url}/recommendation/run", {"quality_threshold": "1", "objective": "total_score"})
    assert ran.status_code == 302, error_messages(ran)
    recommendation = officer.get(f"{round_url}/recommendation")
    assert "Recommended" in page(recommendation).get_text()

    # The commissioner is emailed that it is ready, and approves it as recommended from the link.
    told = emailed_link(cass.email, f"{round_url}/decision")
    assert told == f"{round_url}/decision"
    decision_page = page(commissioner.get(told))
    recommendation_id = decision_page.find("input", {"name": "recommendation_id"})["value"]
    ticked = [box["value"] for box in decision_page.select("input[name=funded]") if box.has_attr("checked")]
    assert ticked, "the recommended bids are pre-ticked"
    approved = post(commissioner, f"{round_url}/decision", {"recommendation_id": recommendation_id, "funded": ticked})
    assert approved.status_code == 302, error_messages(approved)
    db.session.expire_all()
    statuses = {title: application.status for title, application in bids.items()}
    funded = {title for title, status in statuses.items() if status is ApplicationStatus.SUCCESSFUL}
    assert funded and set(statuses.values()) <= {ApplicationStatus.SUCCESSFUL, ApplicationStatus.UNSUCCESSFUL}
    assert sum(Decimal(BIDS[title][0]) for title in funded) <= Decimal("7000.00")
    assert funding_round.decided_at is not None

    # Feedback for a bid that was not funded, read by its applicant with the outcome.
    unfunded = next(title for title, status in statuses.items() if status is ApplicationStatus.UNSUCCESSFUL)
    application = bids[unfunded]
    text = "The panel liked the plan but other bids reached more people in the area."
    published = post(officer, f"{round_url}/bids/{application.id}/feedback", {"feedback": text})
    assert published.status_code == 302, error_messages(published)
    view = page(applicants[unfunded].get(f"/applications/{application.id}")).get_text(" ")
    assert "Unsuccessful" in view and text in view
    for member in members:
        assert member.full_name not in view
    # Another organisation's applicant cannot read it.
    other = next(title for title in bids if title != unfunded)
    assert applicants[other].get(f"/applications/{application.id}").status_code == 404

    # Every step is in the audit log.
    actions = set(db.session.scalars(db.select(AuditEvent.action)))
    assert {"panel.member_added", "panel.conflict_declared", "panel.assigned", "panel.score_submitted",
            "panel.score_moderated", "funding.recommendation_run", "funding.approved"} <= actions
