"""What to do next, read on every page that says it: the applications list, the home page, the
grants list and the grant's own page give the same step for each state an application or grant
can be in (grants/interfaces/main/next_step.py decides it once).

An accepted grant with its first half paid, and an offer waiting to be accepted, were once told to
"look out for your grant offer" on the applications list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest

from grants.extensions import db as _db
from grants.formatting import london_datetime, london_today, long_date
from grants.models.applications import ApplicationStatus, Clarification
from grants.models.awards import AwardStatus, InstalmentStatus, ReturnStatus
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, AwardFactory, FundingRoundFactory
from tests.helpers import page

TITLE = "Tamar Valley Recovery Walks"


def _words(node) -> str:
    return " ".join(node.get_text(" ").split())


@dataclass
class Made:
    expected: str  # the next step, as the person reads it
    award: object | None = None


# Applications without a grant -----------------------------------------------------------------

def _application(users, **values):
    return ApplicationFactory(organisation=users["org_a"], project_title=TITLE, **values)


def _submitted(users, status=ApplicationStatus.SUBMITTED, **values):
    return _application(users, status=status, reference="CGS-2027-0101", submitted_at=utcnow() - timedelta(days=3),
                        **values)


def draft(users):
    funding_round = FundingRoundFactory(closes_at=utcnow() + timedelta(days=12))
    _application(users, funding_round=funding_round)
    return Made(f"Finish and submit by {london_datetime(funding_round.closes_at)}")


def draft_after_closing(users):
    funding_round = FundingRoundFactory(opens_at=utcnow() - timedelta(days=40), closes_at=utcnow() - timedelta(days=2))
    _application(users, funding_round=funding_round)
    return Made("The round has closed; this draft can no longer be submitted")


def submitted(users):
    _submitted(users)
    return Made("Nothing to do: we are checking your application")


def clarification_asked(users):
    application = _submitted(users)
    application.clarifications.append(Clarification(question="How many volunteers will you train?",
                                                    asked_by_id=users["grants_officer"].id))
    return Made("Answer 1 question from the grants team")


def screened_out(users):
    _submitted(users, status=ApplicationStatus.INELIGIBLE, screening_reason="The project is outside the area.")
    return Made("Read why it was not eligible")


def under_review(users):
    _submitted(users, status=ApplicationStatus.UNDER_ASSESSMENT)
    return Made("Nothing to do: the panel is assessing your application")


def unsuccessful_with_feedback(users):
    _submitted(users, status=ApplicationStatus.UNSUCCESSFUL, feedback="The panel liked the peer support.",
               feedback_published_at=utcnow() - timedelta(days=1))
    return Made("Read the feedback on your application")


def unsuccessful_before_feedback(users):
    _submitted(users, status=ApplicationStatus.UNSUCCESSFUL)
    return Made("Nothing to do: we will email you when the feedback on your application is ready")


def successful_before_the_offer(users):
    _submitted(users, status=ApplicationStatus.SUCCESSFUL)
    return Made("Nothing to do: we will email you your grant offer")


def withdrawn(users):
    _submitted(users, status=ApplicationStatus.WITHDRAWN, withdrawn_at=utcnow() - timedelta(days=1))
    return Made("Nothing to do: you withdrew this application")


# Grants ---------------------------------------------------------------------------------------

def _award(users, **values):
    award = AwardFactory(organisation=users["org_a"], **values)
    award.application.project_title = TITLE
    _db.session.flush()
    return award


def _accepted(users):
    award = _award(users, status=AwardStatus.ACCEPTED, accepted_at=utcnow() - timedelta(days=25))
    return award


def offer_waiting(users):
    award = _award(users)
    return Made(f"Accept the offer by {long_date(award.offer_deadline)}", award)


def accepted_half_paid(users):
    """The first half paid, the first return accepted (so the second half is due to be paid): the
    grantee sends the second return."""
    award = _accepted(users)
    first, second = award.instalments
    first.status, first.paid_on, first.payment_reference = InstalmentStatus.PAID, award.start_date, "BACS-0001"
    second.status = InstalmentStatus.DUE
    award.returns[0].status, award.returns[0].submitted_at = ReturnStatus.ACCEPTED, utcnow() - timedelta(days=9)
    due = london_today() + timedelta(days=40)
    award.returns[1].period_start, award.returns[1].due_date = london_today() - timedelta(days=3), due
    _db.session.flush()
    return Made(f"Send monitoring return 2 by {long_date(due)}", award)


def return_overdue(users):
    award = _accepted(users)
    due = london_today() - timedelta(days=6)
    award.returns[0].due_date = due
    _db.session.flush()
    return Made(f"Send monitoring return 1: it was due {long_date(due)}", award)


def more_information_asked(users):
    award = _accepted(users)
    award.returns[0].status = ReturnStatus.MORE_INFORMATION
    _db.session.flush()
    return Made("Give more information on monitoring return 1", award)


def return_being_reviewed(users):
    award = _accepted(users)
    award.returns[0].status, award.returns[0].submitted_at = ReturnStatus.SUBMITTED, utcnow() - timedelta(days=1)
    award.returns[1].period_start = london_today() + timedelta(days=30)
    _db.session.flush()
    return Made("Nothing to do: your grants officer is reading monitoring return 1", award)


def first_return_not_open_yet(users):
    award = _accepted(users)
    opens = london_today() + timedelta(days=10)
    award.returns[0].period_start = opens
    _db.session.flush()
    return Made(f"Nothing to do until {long_date(opens)}, then send monitoring return 1 by "
                f"{long_date(award.returns[0].due_date)}", award)


def offer_lapsed(users):
    award = _award(users, offer_deadline=utcnow() - timedelta(hours=2))
    return Made("The offer lapsed: contact your grants officer", award)


def offer_withdrawn(users):
    award = _award(users, status=AwardStatus.WITHDRAWN, withdrawn_at=utcnow() - timedelta(days=2),
                   withdrawn_reason="The project could not go ahead.")
    return Made("Nothing to do: the offer was withdrawn", award)


def grant_closed(users):
    award = _accepted(users)
    award.status, award.closed_at = AwardStatus.CLOSED, utcnow() - timedelta(days=1)
    for monitoring_return in award.returns:
        monitoring_return.status = ReturnStatus.ACCEPTED
    _db.session.flush()
    return Made("Nothing to do: the grant is closed", award)


# (state, whether the step is a link to where it is taken, whether the home page lists it as
# something to do now)
STATES: list[tuple[Callable, bool, bool]] = [
    (draft, True, True),
    (draft_after_closing, False, False),
    (submitted, False, False),
    (clarification_asked, True, True),
    (screened_out, True, False),
    (under_review, False, False),
    (unsuccessful_with_feedback, True, False),
    (unsuccessful_before_feedback, False, False),
    (successful_before_the_offer, False, False),
    (withdrawn, False, False),
    (offer_waiting, True, True),
    (accepted_half_paid, True, True),
    (return_overdue, True, True),
    (more_information_asked, True, True),
    (return_being_reviewed, False, False),
    (first_return_not_open_yet, False, False),
    (offer_lapsed, False, False),
    (offer_withdrawn, False, False),
    (grant_closed, False, False),
]


@pytest.mark.parametrize("state, linked, on_home", STATES, ids=[state.__name__ for state, _, _ in STATES])
def test_every_page_gives_the_same_next_step(as_role, users, state, linked, on_home):
    made = state(users)
    applicant = as_role("applicant")

    # The applications list: the row's "What to do next" cell, a link when there is somewhere to go.
    rows = page(applicant.get("/applications")).select("main tbody tr")
    assert len(rows) == 1
    cell = rows[0].select("td")[-1]
    assert TITLE in _words(rows[0])
    assert _words(cell) == made.expected
    link = cell.select_one("a")
    assert (link is not None and _words(link) == made.expected) is linked

    # The home page lists it only when there is something to do now.
    home = _words(page(applicant.get("/home")).select_one("main"))
    assert (made.expected in home) is on_home, home
    if on_home:
        assert TITLE in home

    # The grants list and the grant's page, for a grant.
    if made.award is not None:
        grants = page(applicant.get("/grants")).select("main tbody tr")
        assert len(grants) == 1 and _words(grants[0].select("td")[-1]) == made.expected
        shown = page(applicant.get(f"/grants/{made.award.id}"))
        row = next(r for r in shown.select(".govuk-summary-list__row")
                   if _words(r.select_one(".govuk-summary-list__key")) == "What to do next")
        assert _words(row.select_one(".govuk-summary-list__value")) == made.expected
