"""The officer's round page counts the sheets in and who is late from one count per member
(``deadlines.deadline_progress``): the same numbers and people as ``sheets_in`` and
``late_members``, with fewer statements, whatever the deadline. A draft is unscored, a declared
conflict is not owed, and a bid the panel no longer scores (withdrawn) is not owed either."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.extensions import db as _db
from grants.interfaces.panel import deadlines
from grants.models.applications import ApplicationStatus
from grants.models.panel import ConflictDeclaration, PanelReminder, ScoreSheet, ScoringAssignment, SheetStatus
from grants.models.types import utcnow
from tests.helpers import counting_statements


@pytest.fixture
def scoring(panel_round, bids, panel, seat, submit_scores):
    """A owes bid 2 (bid 1 submitted, bid 2 a draft) and was reminded; B has submitted bids 1 and 2
    and owes bid 3; C owes bid 1, and is assigned bid 3 but declared a conflict with it."""
    a, b, c = panel
    seat(a, bids[0], bids[1])
    seat(b, *bids)
    seat(c, bids[0])
    _db.session.add(ScoringAssignment(application_id=bids[2].id, user_id=c.id, round_id=panel_round.id))
    _db.session.add(ConflictDeclaration(application_id=bids[2].id, user_id=c.id, conflicted=True,
                                        reason="My sister runs it"))
    submit_scores(a, bids[0], fit=3, value=3)
    _db.session.add(ScoreSheet(application_id=bids[1].id, user_id=a.id, round_id=panel_round.id,
                               rubric_id=panel_round.rubric_id, status=SheetStatus.DRAFT, values={"fit": 2},
                               comments={}))
    submit_scores(b, bids[0], fit=2, value=2)
    submit_scores(b, bids[1], fit=2, value=2)
    _db.session.add(PanelReminder(round_id=panel_round.id, user_id=a.id, kind=deadlines.BEFORE,
                                  deadline=utcnow(), unscored=1, sent_at=utcnow() - timedelta(days=1)))
    _db.session.flush()
    return panel


def _set_deadline(panel_round, deadline):
    panel_round.scoring_deadline = deadline
    _db.session.flush()


def test_without_a_deadline_nothing_is_counted(scoring, panel_round):
    _set_deadline(panel_round, None)
    with counting_statements() as seen:
        found = deadlines.deadline_progress(panel_round)
    assert found == deadlines.DeadlineProgress(None, [])
    assert seen == []


@pytest.mark.parametrize("withdrawn", [False, True])
def test_before_the_deadline_the_sheets_in_and_no_one_late(scoring, panel_round, bids, withdrawn):
    if withdrawn:
        bids[0].status = ApplicationStatus.WITHDRAWN
    _set_deadline(panel_round, utcnow() + timedelta(days=2))
    with counting_statements() as seen:
        found = deadlines.deadline_progress(panel_round)
    assert len(seen) == 1
    assert found.sheets_in == deadlines.sheets_in(panel_round)
    # Owed: A 2, B 3, C 1 (not bid 3: conflicted), less bid 1's three when it is withdrawn.
    expected = (3, 1) if withdrawn else (6, 3)
    assert (found.sheets_in.owed, found.sheets_in.submitted) == expected
    assert found.late == [] == deadlines.late_members(panel_round)


@pytest.mark.parametrize("withdrawn", [False, True])
def test_after_the_deadline_the_late_members_as_late_members_finds_them(scoring, panel_round, bids, withdrawn):
    a, b, c = scoring
    if withdrawn:
        bids[0].status = ApplicationStatus.WITHDRAWN
    _set_deadline(panel_round, utcnow() - timedelta(hours=1))
    with counting_statements() as seen:
        found = deadlines.deadline_progress(panel_round)
    assert len(seen) == 3  # the counts, the reminders, the late members
    assert found.late == deadlines.late_members(panel_round)
    late = {a.id: 1, b.id: 1} if withdrawn else {a.id: 1, b.id: 1, c.id: 1}
    assert [(row.user.id, row.unscored) for row in found.late] == list(late.items())  # by name
    assert [row.last_reminded is not None for row in found.late] == [True] + [False] * (len(late) - 1)
    assert found.sheets_in == deadlines.sheets_in(panel_round)
    assert deadlines.unscored_counts(panel_round) == late


def test_after_the_deadline_with_every_sheet_in_one_statement(scoring, panel_round, bids, submit_scores):
    a, b, c = scoring
    _db.session.execute(_db.delete(ScoreSheet).where(ScoreSheet.user_id == a.id,
                                                     ScoreSheet.status == SheetStatus.DRAFT))
    submit_scores(a, bids[1], fit=1, value=1)
    submit_scores(b, bids[2], fit=1, value=1)
    submit_scores(c, bids[0], fit=1, value=1)
    _set_deadline(panel_round, utcnow() - timedelta(hours=1))
    with counting_statements() as seen:
        found = deadlines.deadline_progress(panel_round)
    assert len(seen) == 1
    assert found.late == []
    assert (found.sheets_in.owed, found.sheets_in.submitted, found.sheets_in.missing) == (6, 6, 0)
