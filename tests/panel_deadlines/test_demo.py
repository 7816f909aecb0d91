"""The demo's closed round is past its scoring deadline with a late panel member: the demo panel
member, with two bids unscored, reminded before the deadline and on its day."""

from __future__ import annotations

from grants.demo import seed_demo
from grants.interfaces.panel import deadlines
from grants.models.types import utcnow
from tests.helpers import page


def test_the_demo_shows_a_late_panel_member(db, as_user):
    from grants.demo.panel import seed_panel
    from grants.demo.rounds import ROUNDS, seed_rounds
    from grants.interfaces.auth.accounts import get_user_by_email
    from grants.models.rounds import FundingRound

    seed_demo()
    seed_rounds()
    seed_panel()
    seed_panel()  # idempotent: the deadline and its reminders are not made twice
    funding_round = db.session.scalar(db.select(FundingRound).filter_by(name=ROUNDS[1][0]))
    assert funding_round.scoring_deadline < utcnow()
    [late] = deadlines.late_members(funding_round)
    assert (late.user.email, late.unscored) == ("panel@example.org", 2)
    assert late.last_reminded is not None

    officer = as_user(get_user_by_email("officer@example.org"))
    response = officer.get(f"/panel/rounds/{funding_round.id}")
    table = page(response).select_one("table#late")
    [row] = [[" ".join(cell.get_text().split()) for cell in tr.select("th, td")] for tr in table.select("tbody tr")]
    assert row[:2] == [late.user.full_name, "2"]


def test_the_panel_emails_preview_from_the_demo_data(db):
    from grants import email_templates
    from grants.demo.panel import seed_panel
    from grants.demo.rounds import seed_rounds

    for key in ("panel_bids_assigned", "panel_deadline_reminder", "panel_deadline_today"):
        assert email_templates.example_values(key) is None  # nothing to take them from yet
    seed_demo()
    seed_rounds()
    seed_panel()
    subject, body = email_templates.fill("panel_deadline_reminder",
                                         email_templates.example_values("panel_deadline_reminder") or {})
    assert subject.startswith("Reminder: 2 bids to score in Commissioners Grant 2026: young people and county "
                              "lines by ")
    assert body.startswith("Hello Priya")
    subject, body = email_templates.fill("panel_bids_assigned",
                                         email_templates.example_values("panel_bids_assigned") or {})
    assert "to score in Commissioners Grant 2026" in subject and "Scores are due by" in body
    assert email_templates.example_values("panel_deadline_today") is not None
