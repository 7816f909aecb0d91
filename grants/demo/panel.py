"""Demo panel for the closed round: four members, one declared conflict, scores that disagree on
one bid, and the demo panel member's own scoring still to finish, past the round's scoring deadline
(so officers see a late panel member, reminded before the deadline and on its day).

Goes through the panel interface (so the rubric is frozen and everything audited, as in use).
Idempotent: a round that already has a panel is left alone, except that it is given the past scoring
deadline if it has no deadline yet. Never run against production data.
"""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from grants.blueprints.rounds.uk_time import uk_moment
from grants.demo.rounds import ROUNDS
from grants.extensions import db
from grants.formatting import london_today
from grants.interfaces.auth import accounts
from grants.interfaces.panel import assignment as panel_interface
from grants.interfaces.panel import deadlines as panel_deadlines
from grants.interfaces.panel import score_sheets
from grants.models.accounts import User
from grants.models.applications import Application, ApplicationStatus
from grants.models.panel import PanelMember, PanelReminder, ScoringAssignment
from grants.models.rounds import FundingRound
from grants.models.types import utcnow

# The panel: demo logins made by grants.demo.
MEMBERS = ("panel@example.org", "panel2@example.org", "panel3@example.org", "panel4@example.org")

# Criterion keys of the default rubric, in its order.
KEYS = ("strategic_fit", "evidence_of_need", "outcomes", "reach", "partnership", "deliverability", "value_for_money")

# project title -> who scores it
ASSIGNED = {
    "Safe Routes Truro": ("panel@example.org", "panel2@example.org", "panel3@example.org"),
    "Moorland Mentors": ("panel@example.org", "panel2@example.org", "panel4@example.org"),
    "Station Watch Exeter": ("panel@example.org", "panel3@example.org", "panel4@example.org"),
    "Young Carers Outreach Torbay": ("panel2@example.org", "panel3@example.org", "panel4@example.org"),
}
# Jago is a trustee of the Bodmin Moor Youth Trust, so declares a conflict and is not assigned.
CONFLICT = ("panel3@example.org", "Moorland Mentors",
            "I am a trustee of the Bodmin Moor Youth Trust, which made this application.")

COMMENT = "Scored against the descriptor; see my notes at the panel meeting."
# (member, project) -> scores in KEYS order and comments for the criteria that need one.
# Gwen and Jago disagree about Safe Routes Truro: the demo's flagged bid.
SUBMITTED: dict[tuple[str, str], tuple[tuple[int, ...]] | tuple[tuple[int, ...], dict[str, str]]] = {
    ("panel2@example.org", "Safe Routes Truro"): ((4, 4, 3, 4, 3, 3, 3),
                                                 {"strategic_fit": "Exactly the county lines work the plan asks for.",
                                                  "evidence_of_need": "Police data on recruitment at bus stops.",
                                                  "reach": "Reaches the young people most at risk."}),
    ("panel3@example.org", "Safe Routes Truro"): ((1, 1, 1, 2, 2, 2, 1),),
    ("panel2@example.org", "Moorland Mentors"): ((3, 3, 3, 3, 2, 3, 3),),
    ("panel4@example.org", "Moorland Mentors"): ((3, 2, 3, 3, 2, 3, 2),),
    ("panel@example.org", "Moorland Mentors"): ((3, 3, 2, 3, 3, 3, 3),),
    ("panel3@example.org", "Station Watch Exeter"): ((3, 3, 2, 2, 3, 3, 2),),
    ("panel4@example.org", "Station Watch Exeter"): ((3, 2, 2, 2, 3, 3, 2),),
    ("panel2@example.org", "Young Carers Outreach Torbay"): ((2, 3, 2, 3, 2, 2, 3),),
    ("panel3@example.org", "Young Carers Outreach Torbay"): ((2, 3, 3, 3, 2, 2, 2),),
    ("panel4@example.org", "Young Carers Outreach Torbay"): ((3, 3, 2, 3, 2, 3, 3),),
}
# Priya (the demo login) has started on Station Watch Exeter and not yet on Safe Routes Truro.
DRAFT = ("panel@example.org", "Station Watch Exeter", {"strategic_fit": 3, "evidence_of_need": 2})


# The scoring deadline passed this many days ago, at the end of the day (UK time): the demo panel
# member's two bids unscored make them late.
DEADLINE_DAYS_AGO = 3


def _past_deadline(funding_round: FundingRound) -> None:
    """Give the round a scoring deadline a few days gone, unless it has one, with the reminders the daily
    job would have sent to the members who still had bids to score (written directly: these emails
    were never sent)."""
    if funding_round.scoring_deadline is not None:
        return
    day = london_today() - timedelta(days=DEADLINE_DAYS_AGO)
    deadline = max(uk_moment(day, time(23, 59)), funding_round.closes_at + timedelta(days=1))
    funding_round.scoring_deadline = deadline
    for user_id, unscored in panel_deadlines.unscored_counts(funding_round).items():
        for kind, sent_at in ((panel_deadlines.BEFORE, deadline - timedelta(hours=42)),
                              (panel_deadlines.ON, deadline - timedelta(hours=18))):
            db.session.add(PanelReminder(round_id=funding_round.id, user_id=user_id, kind=kind, deadline=deadline,
                                         unscored=unscored, sent_at=min(sent_at, utcnow())))
    db.session.flush()


def _sheet(values: tuple[int, ...], comments: dict[str, str] | None = None) -> tuple[dict, dict]:
    scores = dict(zip(KEYS, values, strict=True))
    comments = dict(comments or {})
    for key, value in scores.items():
        if value in (0, 4) and key not in comments:
            comments[key] = COMMENT
    return scores, comments


def seed_panel() -> None:
    """Seat the closed round's panel and enter its scores, unless it has a panel already; the caller commits."""
    funding_round = db.session.scalar(select(FundingRound).filter_by(name=ROUNDS[1][0]))
    if funding_round is None or not panel_interface.scoring_open(funding_round):
        return
    if db.session.scalar(select(PanelMember).filter_by(round_id=funding_round.id)) is not None:
        _past_deadline(funding_round)
        return
    officer = accounts.get_user_by_email("officer@example.org")
    found = {email: accounts.get_user_by_email(email) for email in MEMBERS}
    members: dict[str, User] = {email: user for email, user in found.items() if user is not None}
    if officer is None or len(members) != len(MEMBERS):
        return
    bids = {
        application.project_title: application
        for application in db.session.scalars(
            select(Application).filter_by(round_id=funding_round.id, status=ApplicationStatus.UNDER_ASSESSMENT)
        )
    }
    for user in members.values():
        panel_interface.add_member(funding_round, user, officer)
    db.session.flush()

    email, title, reason = CONFLICT
    panel_interface.declare(bids[title], members[email], True, reason)
    for title, emails in ASSIGNED.items():
        for email in emails:
            db.session.add(ScoringAssignment(application_id=bids[title].id, user_id=members[email].id,
                                             round_id=funding_round.id, assigned_by_id=officer.id))
    db.session.flush()
    for (email, title), entry in SUBMITTED.items():
        panel_interface.declare(bids[title], members[email], False, None)
        scores, comments = _sheet(*entry)
        result = score_sheets.save_sheet(bids[title], members[email], scores, comments, submit=True)
        assert result.submitted, result.errors
    email, title, scores = DRAFT
    panel_interface.declare(bids[title], members[email], False, None)
    score_sheets.save_sheet(bids[title], members[email], scores, {}, submit=False)
    db.session.flush()
    _past_deadline(funding_round)


# Feedback on the decided round, as an officer would have published it with the decision.
FEEDBACK = {
    "Harbour Recovery Café": "The panel was impressed by the café's peer-led model and the evidence of need in "
    "Plymouth. Please set out in your first monitoring return how you will measure people staying in recovery.",
    "Cook Together Penzance": "The panel liked the link with treatment providers in Penwith. The grant is offered "
    "on condition that food hygiene training is in place before the first session.",
    "Family Recovery Circle": "The panel saw the need for family support in Torbay, but other bids showed a clearer "
    "link to the plan's outcomes and more detail on how the work would be measured. We would welcome a new "
    "application that sets out the difference the group would make and how you would know.",
}


def seed_feedback() -> None:
    """Publish feedback on the decided round's applications that have none; the caller commits."""
    funding_round = db.session.scalar(select(FundingRound).filter_by(name=ROUNDS[2][0]))
    officer = accounts.get_user_by_email("officer@example.org")
    if funding_round is None or officer is None:
        return
    for application in db.session.scalars(select(Application).filter_by(round_id=funding_round.id)):
        text = FEEDBACK.get(application.project_title or "")
        if text and application.feedback is None:
            application.feedback = text
            application.feedback_published_at = funding_round.decided_at
            application.feedback_by_id = officer.id
    db.session.flush()
