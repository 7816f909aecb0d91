"""SQL statements per page do not grow with the data: each page is requested on a small data set
and again after the data has grown several-fold, and both requests must run the same number of
statements (no query per row: eager loading, aggregation in SQL, one query per kind of row).

Run with ``-s`` to see the counts, page -> (small, large).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import current_app
from sqlalchemy import select

from grants.extensions import db as _db
from grants.form_definitions import Kind
from grants.interfaces.awards import portfolio_totals
from grants.interfaces.panel import results as panel_results
from grants.interfaces.round_forms import versions
from grants.interfaces.screening import list_counts
from grants.models.accounts import Role
from grants.models.applications import ApplicationSection, ApplicationStatus, Clarification
from grants.models.awards import AwardStatus, InstalmentStatus, ReturnStatus
from grants.models.panel import ConflictDeclaration, PanelMember, ScoreSheet, ScoringAssignment, SheetStatus
from grants.models.pooled_budgets import MonthlyFigure
from grants.models.reference import AdderStrand, LocalAuthority, PlanApproach
from grants.models.types import utcnow
from tests import custom_application_form
from tests.factories import (
    ApplicationFactory,
    AwardFactory,
    FundingRoundFactory,
    UserFactory,
    make_agreement,
    make_scenario,
)
from tests.helpers import counting_statements

SMALL, LARGE = 3, 12  # rows of the growing kind; the large data set is four times the small one
# SQLAlchemy's selectin loading asks for 500 parents' rows a statement; at 20,000 bids that is a
# statement per 500 bids. A batch of 4 here makes that growth show on a test-sized data set.
SELECTIN_BATCH = 4
COUNTS: dict[str, tuple[int, int]] = {}
_numbers = itertools.count(1)


@pytest.fixture(scope="module", autouse=True)
def _print_counts():
    yield
    if COUNTS:
        width = max(len(name) for name in COUNTS)
        print("\nSQL statements per request (small, large):")
        for name, (small, large) in COUNTS.items():
            print(f"  {name:<{width}}  {small:>3}  {large:>3}")




def _statements(client, url: str) -> list[str]:
    with counting_statements() as statements:
        response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return statements


@dataclass
class Page:
    """A page under test: ``grow(n)`` adds n more of the rows that vary; ``url()`` is the page."""

    client: Any
    url: Callable[[], str]
    grow: Callable[[int], None]
    state: dict = field(default_factory=dict)


def _check(name: str, page: Page) -> None:
    page.grow(SMALL)
    portfolio_totals.settle()  # as the commit of the rows would (the kept totals are added up then, not on reading)
    list_counts.settle()
    page.client.get(page.url())  # warm up: anything cached once per process is cached now
    small = _statements(page.client, page.url())
    page.grow(LARGE - SMALL)
    portfolio_totals.settle()
    list_counts.settle()
    large = _statements(page.client, page.url())
    COUNTS[name] = (len(small), len(large))
    print(f"{name}: {len(small)} statements small, {len(large)} large")
    small_kinds, large_kinds = Counter(map(_kind, small)), Counter(map(_kind, large))
    assert len(small) == len(large), "\n\n".join(
        ["Statements run more often in the large run (times small, times large):"]
        + [f"({small_kinds[kind]}, {times}) {kind}" for kind, times in large_kinds.items() if times > small_kinds[kind]]
    )


def _kind(statement: str) -> str:
    """The statement with its IN lists and savepoint names folded, to compare runs."""
    statement = re.sub(r"IN \((?:[?%()sa-z_0-9]+(?:, )?)+\)", "IN (…)", statement)
    return re.sub(r"sa_savepoint_\d+", "sa_savepoint", statement)


@pytest.fixture
def small_selectin_batches(monkeypatch):
    from sqlalchemy.orm import strategies

    loader = getattr(strategies, "_SelectInLoader", None) or strategies.SelectInLoader  # renamed in 2.1
    monkeypatch.setattr(loader, "_chunksize", SELECTIN_BATCH)


def _round(**values):
    return FundingRoundFactory(**values)


def _closed_round(**values):
    return FundingRoundFactory(opens_at=utcnow() - timedelta(days=40), closes_at=utcnow() - timedelta(days=1),
                               published_at=utcnow() - timedelta(days=41), total_budget=Decimal("40000.00"), **values)


def _areas_and_approaches():
    areas = list(_db.session.scalars(select(LocalAuthority).order_by(LocalAuthority.position)))
    approaches = list(_db.session.scalars(select(PlanApproach).order_by(PlanApproach.position)))
    return areas, approaches


def _bid(funding_round, status=ApplicationStatus.UNDER_ASSESSMENT, **values):
    areas, approaches = _areas_and_approaches()
    number = next(_numbers)
    return ApplicationFactory(
        funding_round=funding_round, status=status, reference=f"CGS-2026-{5000 + number:04d}",
        project_title=f"Project {number}", amount_requested=Decimal(1000 + 500 * (number % 9)),
        submitted_at=utcnow() - timedelta(days=5, hours=number),
        local_authorities=[areas[number % len(areas)]], approaches=[approaches[number % len(approaches)]],
        **values,
    )


def _accepted(award, paid: bool = True):
    """An accepted award whose first instalment is paid and whose first return is accepted."""
    award.status = AwardStatus.ACCEPTED
    award.accepted_at = utcnow() - timedelta(days=25)
    first = award.instalments[0]
    if paid:
        first.status = InstalmentStatus.PAID
        first.paid_on = award.start_date
        first.payment_reference = f"BACS-{award.id}"
    if award.returns:
        award.returns[0].status = ReturnStatus.ACCEPTED
        award.returns[0].submitted_at = utcnow() - timedelta(days=2)
    _db.session.flush()
    return award


# Applicants ---------------------------------------------------------------------------------------

def _applicant_page(users, as_role, url: str) -> Page:
    """Organisation A with drafts, submitted bids with questions, and accepted or offered grants."""
    org = users["org_a"]
    funding_round = _round()

    def grow(n):
        for number in range(n):
            ApplicationFactory(funding_round=funding_round, organisation=org)
            bid = _bid(funding_round, status=ApplicationStatus.SUBMITTED, organisation=org)
            bid.clarifications.append(Clarification(question="How many volunteers?",
                                                    asked_by_id=users["grants_officer"].id))
            award = AwardFactory(organisation=org)
            if number % 2 == 0:
                _accepted(award)
        _db.session.flush()

    return Page(as_role("applicant"), lambda: url, grow)


def test_applicant_home(users, as_role):
    _check("applicant home", _applicant_page(users, as_role, "/home"))


def test_applicant_applications_dashboard(users, as_role):
    _check("applicant applications", _applicant_page(users, as_role, "/applications"))


def test_grantee_home(users, as_role):
    _check("grantee home (your grants)", _applicant_page(users, as_role, "/grants"))


# Screening ----------------------------------------------------------------------------------------

def test_officer_application_list_filtered_sorted_paged(users, as_role):
    funding_round = _round(closes_at=utcnow() - timedelta(days=1), opens_at=utcnow() - timedelta(days=30))

    def grow(n):
        for _ in range(n * 10):  # 30 then 120 applications: page 2 has 5 rows, then 25
            _bid(funding_round, status=ApplicationStatus.SUBMITTED)

    url = f"/screening/rounds/{funding_round.id}?status=submitted&sort=amount&order=desc&page=2"
    _check("officer application list", Page(as_role("grants_officer"), lambda: url, grow))


def test_one_application_for_an_officer(users, as_role):
    funding_round = _round(closes_at=utcnow() - timedelta(days=1), opens_at=utcnow() - timedelta(days=30))
    application = _bid(funding_round, status=ApplicationStatus.SUBMITTED)
    for key in ("organisation", "project", "budget"):
        application.sections.append(ApplicationSection(key=key, answers={"title": ["Harbour café"]}, complete=True))

    def grow(n):
        for _ in range(n):
            _bid(funding_round, status=ApplicationStatus.SUBMITTED)
            asker = UserFactory(roles=[Role.GRANTS_OFFICER])
            application.clarifications.append(Clarification(
                question="How many volunteers?", asked_by_id=asker.id, answer="Twelve",
                answered_by_id=users["applicant"].id, answered_at=utcnow()))
        _db.session.flush()

    url = f"/screening/applications/{application.id}"
    _check("one application (officer)", Page(as_role("grants_officer"), lambda: url, grow))


# The panel ----------------------------------------------------------------------------------------

def _scored_round(users, funding_round, members: int = 3):
    """``grow(n)``: n more bids and a member or more, each bid assigned to and scored by every member
    (the third member declares a conflict on every third bid)."""
    panel = [UserFactory(roles=[Role.PANEL_MEMBER]) for _ in range(members)]
    for member in panel:
        _db.session.add(PanelMember(round_id=funding_round.id, user_id=member.id))

    def grow(n):
        for _ in range(max(1, n // 3)):  # the panel grows too
            panel.append(UserFactory(roles=[Role.PANEL_MEMBER]))
            _db.session.add(PanelMember(round_id=funding_round.id, user_id=panel[-1].id))
        for number in range(n):
            bid = _bid(funding_round)
            for position, member in enumerate(panel):
                conflicted = position == 2 and bid.id % 3 == 0
                _db.session.add(ConflictDeclaration(application_id=bid.id, user_id=member.id, conflicted=conflicted,
                                                    reason="My sister runs it" if conflicted else None))
                if conflicted:
                    continue
                _db.session.add(ScoringAssignment(application_id=bid.id, user_id=member.id, round_id=funding_round.id))
                score = (bid.id + position) % 5
                _db.session.add(ScoreSheet(
                    application_id=bid.id, user_id=member.id, round_id=funding_round.id,
                    rubric_id=funding_round.rubric_id, status=SheetStatus.SUBMITTED,
                    values={"fit": score, "value": 4 - score}, comments={"fit": "Because", "value": "Because"},
                    submitted_at=utcnow()))
            if number % 2 == 0:  # moderated, by a different officer each time
                panel_results.moderate(bid, "2.5", "Panel agreed", UserFactory(roles=[Role.GRANTS_OFFICER]))
        _db.session.flush()

    return panel, grow


def test_panel_member_queue(users, as_user, small_selectin_batches):
    """The member sits on more rounds as the data grows, each with more bids (which have their
    application form sections, as real bids do), in every state of the queue."""
    member = UserFactory(roles=[Role.PANEL_MEMBER])
    other = UserFactory(roles=[Role.PANEL_MEMBER])
    rounds = []

    def join(funding_round):
        rounds.append(funding_round)
        _db.session.add(PanelMember(round_id=funding_round.id, user_id=member.id))
        _db.session.add(PanelMember(round_id=funding_round.id, user_id=other.id))

    for _ in range(2):
        join(_closed_round())

    def grow(n):
        for _ in range(max(1, n // 3)):  # a round more, or three
            join(_closed_round())
        for funding_round in rounds:
            for number in range(n):
                bid = _bid(funding_round)
                for key in ("organisation", "project", "budget"):
                    bid.sections.append(ApplicationSection(key=key, answers={"title": ["Harbour café"]}, complete=True))
                _db.session.add(ScoringAssignment(application_id=bid.id, user_id=other.id, round_id=funding_round.id))
                if number % 5 == 4:
                    continue  # not assigned to this member
                _db.session.add(ScoringAssignment(application_id=bid.id, user_id=member.id, round_id=funding_round.id))
                if number % 5 == 0:
                    continue  # not started
                conflicted = number % 5 == 3
                _db.session.add(ConflictDeclaration(application_id=bid.id, user_id=member.id, conflicted=conflicted,
                                                    reason="I chair its board" if conflicted else None))
                if conflicted:
                    continue
                _db.session.add(ScoreSheet(
                    application_id=bid.id, user_id=member.id, round_id=funding_round.id,
                    rubric_id=funding_round.rubric_id,
                    status=SheetStatus.SUBMITTED if number % 5 == 1 else SheetStatus.DRAFT,
                    values={"fit": 3, "value": 2}, comments={"fit": "Because", "value": "Because"},
                    submitted_at=utcnow() if number % 5 == 1 else None))
        _db.session.flush()

    _check("panel member queue", Page(as_user(member), lambda: "/panel", grow))


def test_round_scoring_summary_with_calibration(users, as_role):
    funding_round = _closed_round()
    _panel, grow = _scored_round(users, funding_round)
    url = f"/panel/rounds/{funding_round.id}/results?scores=normalised&aggregation=median"

    def cold():  # each request works the round out (panel_standing keeps it for the next)
        current_app.extensions.pop("round_standings", None)
        return url

    _check("round scoring summary", Page(as_role("grants_officer"), cold, grow))


def test_funding_recommendation(users, as_role, small_selectin_batches):
    from grants.interfaces.panel import decisions

    funding_round = _closed_round()
    _panel, add_bids = _scored_round(users, funding_round)

    def grow(n):
        add_bids(n)
        rules = decisions.funding_rules(funding_round, Decimal("0"), "total_score")
        decisions.run_recommendation(funding_round, rules, users["grants_officer"])
        _db.session.flush()

    url = f"/panel/rounds/{funding_round.id}/recommendation"

    def cold():  # each request reads the recommendation's result (shown_recommendation keeps it for the next)
        current_app.extensions.pop("shown_recommendations", None)
        return url

    _check("funding recommendation", Page(as_role("grants_officer"), cold, grow))


# Awards -------------------------------------------------------------------------------------------

def _portfolio_award(number: int):
    """An award in one of several rounds, statuses and financial years, serving one to three areas
    and approaches, with ADDER priorities, paid instalments and returns (reported, overdue or not)."""
    areas, approaches = _areas_and_approaches()
    strands = list(_db.session.scalars(select(AdderStrand.code)))
    start = (utcnow() - timedelta(days=30 + 200 * (number % 4))).date()
    status = [AwardStatus.ACCEPTED, AwardStatus.OFFERED, AwardStatus.CLOSED, AwardStatus.ACCEPTED,
              AwardStatus.WITHDRAWN][number % 5]
    award = AwardFactory(amount=Decimal(1000 + 333 * (number % 7)) + Decimal("0.01") * number, start_date=start,
                         end_date=start + timedelta(days=364), status=status)
    application = award.application
    application.local_authorities = [areas[(number + k) % len(areas)] for k in range(1 + number % 3)]
    application.approaches = [approaches[(number + k) % len(approaches)] for k in range(1 + number % 2)]
    application.sections.append(ApplicationSection(
        key="priorities", answers={"adder_strands": strands[: 1 + number % 3], "drug_outcomes": []}, complete=True))
    for instalment in award.instalments[: number % 3]:
        instalment.status = InstalmentStatus.PAID
        instalment.paid_on = start
    for position, monitoring_return in enumerate(award.returns):
        if position < number % 3:
            monitoring_return.status = ReturnStatus.ACCEPTED
            monitoring_return.answers = {"people": {"people_families": [str(number)]}}
    _db.session.flush()
    return award


def test_awards_dashboard(users, as_role, small_selectin_batches):
    def grow(n):
        for _ in range(n):
            _portfolio_award(next(_numbers))

    _check("awards dashboard", Page(as_role("grants_officer"), lambda: "/awards/dashboard", grow))


def _published_grant(number: int):
    """An accepted award whose application answers the standard form, its round's own form (every
    third), or no version at all (every third: its round's newest form, the standard one)."""
    award = _accepted(AwardFactory())
    application = award.application
    application.project_title = None  # the 360Giving title is then read from the answers
    if number % 3 == 0:
        custom_application_form.answering(application)
    else:
        if number % 3 == 1:
            application.form = versions.version_in_force(application.funding_round, Kind.APPLICATION)
        application.sections.append(ApplicationSection(key="project", complete=True, answers={
            "title": [f"Project {number}"], "summary": ["What it does"]}))
    _db.session.flush()
    return award


@pytest.mark.parametrize("url", ["/awards/open-data", "/awards/open-data/360giving.json"])
def test_open_data(users, as_role, url):
    """A few statements a batch of grants (the page is one batch, the download one per 1,000 awards),
    however many forms their applications answer."""

    def grow(n):
        for _ in range(n):
            _published_grant(next(_numbers))

    _check(f"open data {url}", Page(as_role("grants_officer"), lambda: url, grow))


# Pooled budgets -----------------------------------------------------------------------------------

def _actuals(agreement, years=None):
    """Monthly actuals and forecasts for every line, month and year (or ``years``) of the agreement."""
    for line in agreement.lines:
        for year in years or agreement.years:
            for month in range(1, 13):
                line.figures.append(MonthlyFigure(year=year, month=month, actual=Decimal("4800.00"),
                                                  forecast=Decimal("5000.00")))
    _db.session.flush()


def test_pooled_budget_list(users, as_role):
    def grow(n):
        for _ in range(n):
            _actuals(make_agreement(partners=4))

    _check("pooled-budget list", Page(as_role("finance_officer"), lambda: "/pooled-budgets", grow))


def test_pooled_budget_agreement(users, as_role):
    agreement = make_agreement(partners=5, start_year=2020, years=10)
    done = []

    def grow(n):
        # More years of monthly actuals on the same agreement, and more agreements beside it.
        years = [y for y in agreement.years if y not in done][: max(1, n // 3)]
        done.extend(years)
        _actuals(agreement, years)
        for _ in range(n):
            make_agreement(partners=2)

    url = f"/pooled-budgets/{agreement.id}"
    _check("pooled-budget agreement", Page(as_role("finance_officer"), lambda: url, grow))


# Co-commissioning ---------------------------------------------------------------------------------

def test_scenario_comparison(users, as_role):
    from grants.interfaces.cocommissioning.scenarios import input_of, revise_scenario

    chosen = [make_scenario(users["commissioner"], name="Joint"),
              make_scenario(users["commissioner"], name="Alone", joint=False)]

    def grow(n):
        for _ in range(n):
            make_scenario(users["commissioner"])
        for position, scenario in enumerate(chosen):
            data = input_of(scenario)
            data.years = min(10, data.years + 1)
            chosen[position] = revise_scenario(scenario, data, users["commissioner"])
        _db.session.flush()

    def url():
        return "/co-commissioning/compare?" + "&".join(f"ids={s.id}" for s in chosen)

    _check("scenario comparison", Page(as_role("commissioner"), url, grow))



# A round's own form of 100 questions ----------------------------------------------------------------

def _hundred_question_form():
    """Ten sections of ten questions: text, numbers, choices and a question shown only after "yes"."""
    from grants.form_definitions import load, standard
    from grants.form_definitions.dump import dump

    document = dump(standard(Kind.APPLICATION))
    for n in range(10):
        questions = [{"id": f"s{n}_yes", "type": "yes_no", "label": f"Question {n}.0?"},
                     {"id": f"s{n}_why", "type": "short_text", "label": f"Why {n}?",
                      "show_if": {"question": f"s{n}_yes", "equals": "yes"}}]
        questions += [{"id": f"s{n}_q{m}", "type": "whole_number" if m % 2 else "long_text",
                       "label": f"Question {n}.{m}", **({} if m % 2 else {"limits": {"max_words": 50}})}
                      for m in range(2, 10)]
        document["sections"].append({"id": f"extra_{n}", "title": f"Extra {n}", "questions": questions})
    return load(document)


def _answered_bid(funding_round, row):
    application = _bid(funding_round, status=ApplicationStatus.SUBMITTED, form=row)
    for n in range(10):
        answers = {f"s{n}_yes": ["yes"], f"s{n}_why": ["Because"],
                   **{f"s{n}_q{m}": [str(m) if m % 2 else "Some words"] for m in range(2, 10)}}
        application.sections.append(ApplicationSection(key=f"extra_{n}", answers=answers, complete=True))
    return application


def test_a_hundred_question_form_screening_export(users, as_role):
    funding_round = _closed_round()
    row = versions.save(funding_round, Kind.APPLICATION, _hundred_question_form(), by=None, reason="Tested")
    assert len(versions.current(funding_round, Kind.APPLICATION).questions()) > 100

    def grow(n):
        for _ in range(n):
            _answered_bid(funding_round, row)
        _db.session.flush()

    url = f"/screening/rounds/{funding_round.id}/export.xlsx"
    _check("screening export of a 100-question form", Page(as_role("grants_officer"), lambda: url, grow))


def test_a_hundred_question_form_for_an_officer(users, as_role):
    funding_round = _closed_round()
    row = versions.save(funding_round, Kind.APPLICATION, _hundred_question_form(), by=None, reason="Tested")
    application = _answered_bid(funding_round, row)

    def grow(n):
        for _ in range(n):
            _answered_bid(funding_round, row)
        _db.session.flush()

    url = f"/screening/applications/{application.id}"
    _check("one application of a 100-question form (officer)", Page(as_role("grants_officer"), lambda: url, grow))
