"""The portfolio dashboard and the plan delivery view: every figure recomputed from the rows.

The portfolio is built from a table of awards (PORTFOLIO below); the expected figures are worked
out again here, independently of grants.interfaces.awards.portfolio (plain loops over the rows read back
from the database, an equal split by divmod), and compared with the interface and with the page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.extensions import db as _db
from grants.formatting import money
from grants.interfaces.awards import portfolio
from grants.models.applications import ApplicationSection, ApplicationStatus
from grants.models.awards import Award, AwardStatus, InstalmentStatus, ReturnStatus
from grants.models.reference import AdderStrand, DrugsOutcome, LocalAuthority, PlanApproach, PlanCommitment
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, AwardFactory, FundingRoundFactory
from tests.helpers import counting_statements, page

TODAY = portfolio.today()
VIEWERS = ["grants_officer", "finance_officer", "commissioner", "admin"]
ENDPOINTS = ["/awards/dashboard", "/awards/plan-delivery"]


@dataclass
class Spec:
    """An award of the test portfolio."""

    round: str
    status: AwardStatus
    amount: str
    start: date
    areas: tuple[str, ...] = ()
    approaches: tuple[str, ...] = ()
    strands: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    paid: tuple[int, ...] = ()  # numbers of the paid instalments
    returns: dict[int, tuple[ReturnStatus, dict]] = field(default_factory=dict)  # number: (status, people)
    commitments: tuple[str, ...] = ()


PORTFOLIO = [
    # Three areas: £4,000 does not split into pennies evenly (an odd penny to Cornwall, first in order).
    Spec("one", AwardStatus.ACCEPTED, "4000.00", date(2026, 4, 1), ("plymouth", "cornwall", "torbay"),
         ("prevention",), ("addiction", "recovery"), ("reduce-drug-use",), paid=(1,),
         returns={1: (ReturnStatus.ACCEPTED, {"people_treatment_recovery": ["12"], "people_families": ["3"]}),
                  2: (ReturnStatus.DRAFT, {"people_treatment_recovery": ["99"]})},
         commitments=("prevention-1", "prevention-2")),
    Spec("one", AwardStatus.OFFERED, "3000.00", date(2026, 6, 1), ("devon",), ("people", "place"), (),
         ("reduce-drug-use", "reduce-drug-supply", "improve-recovery-outcomes"), commitments=("place-1",)),
    Spec("one", AwardStatus.CLOSED, "2000.00", date(2025, 4, 1), (), ("partnership",), ("enforcement",), (),
         paid=(1, 2), returns={1: (ReturnStatus.ACCEPTED, {"people_all": ["40"]}), 2: (ReturnStatus.ACCEPTED, {}),
                               3: (ReturnStatus.ACCEPTED, {}), 4: (ReturnStatus.NOT_STARTED, {})}),
    # Starts on the last day of 2025-26.
    Spec("two", AwardStatus.ACCEPTED, "1000.00", date(2026, 3, 31), ("isles-of-scilly", "plymouth"),
         ("prevention", "people", "place", "partnership"), ("diversion",), (), paid=(1,),
         returns={1: (ReturnStatus.SUBMITTED, {"people_young_people_at_risk": ["1,200"]}),
                  2: (ReturnStatus.MORE_INFORMATION, {"people_young_people_at_risk": ["7"]})},
         commitments=("prevention-1",)),
    # Hold no money: left out everywhere.
    Spec("two", AwardStatus.WITHDRAWN, "5000.00", date(2026, 5, 1), ("plymouth",), ("prevention",), ("addiction",),
         ("reduce-drug-use",), returns={1: (ReturnStatus.SUBMITTED, {"people_families": ["500"]})},
         commitments=("prevention-1",)),
    Spec("one", AwardStatus.LAPSED, "1500.00", date(2026, 5, 1), ("devon",), ("place",)),
]


def select_all(model):
    return list(_db.session.scalars(select(model).order_by(model.position)))


def _by_code(model, codes):
    rows = {row.code: row for row in select_all(model)}
    return [rows[code] for code in codes]


def build_award(db, funding_round, spec: Spec, number: int) -> Award:
    application = ApplicationFactory(
        funding_round=funding_round, status=ApplicationStatus.SUCCESSFUL, reference=f"CGS-2026-{8000 + number:04d}",
        amount_requested=Decimal(spec.amount), submitted_at=utcnow(), project_title=f"Project {number}",
    )
    application.local_authorities = _by_code(LocalAuthority, spec.areas)
    application.approaches = _by_code(PlanApproach, spec.approaches)
    application.sections.append(ApplicationSection(
        key="priorities", answers={"adder_strands": list(spec.strands), "drug_outcomes": list(spec.outcomes)},
        complete=True,
    ))
    award = AwardFactory(application=application, status=spec.status, amount=Decimal(spec.amount),
                         start_date=spec.start,
                         end_date=spec.start.replace(year=spec.start.year + 1) - timedelta(days=1))
    award.commitments = [db.session.scalar(select(PlanCommitment).filter_by(code=code)) for code in spec.commitments]
    for instalment in award.instalments:
        if instalment.number in spec.paid:
            instalment.status = InstalmentStatus.PAID
            instalment.paid_on = spec.start
    for monitoring_return in award.returns:
        if monitoring_return.number in spec.returns:
            status, people = spec.returns[monitoring_return.number]
            monitoring_return.status = status
            monitoring_return.answers = {"people": people} if people else {}
    db.session.flush()
    return award


@pytest.fixture
def rounds(db):
    return {
        "one": FundingRoundFactory(name="Round one", total_budget=Decimal("20000.00")),
        "two": FundingRoundFactory(name="Round two", total_budget=Decimal("10000.00")),
    }


@pytest.fixture
def built(db, rounds):
    return [build_award(db, rounds[spec.round], spec, number) for number, spec in enumerate(PORTFOLIO, start=1)]


# Recomputing the figures from the rows ------------------------------------------------------------

HOLDING = {AwardStatus.OFFERED, AwardStatus.ACCEPTED, AwardStatus.CLOSED}


def fy(day: date) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{str(start + 1)[2:]}"


def awards_in_db(db, round_id=None, year=None) -> list[Award]:
    db.session.expire_all()
    awards = [a for a in db.session.scalars(select(Award)) if a.status in HOLDING]
    return [a for a in awards
            if (round_id is None or a.round_id == round_id) and (year is None or fy(a.start_date) == year)]


def expected_money(awards) -> dict[str, Decimal]:
    figures = dict.fromkeys(["awarded", "offered", "committed", "paid", "remaining"], Decimal(0))
    for award in awards:
        paid = sum((i.amount for i in award.instalments if i.status == InstalmentStatus.PAID), Decimal(0))
        figures["awarded"] += award.amount
        figures["paid"] += paid
        if award.status == AwardStatus.OFFERED:
            figures["offered"] += award.amount
        else:
            figures["committed"] += award.amount
        if award.status == AwardStatus.ACCEPTED:
            figures["remaining"] += award.amount - paid
    figures["awards"] = len(awards)
    return figures


def expected_split(awards, codes_of, catalogue) -> dict[str, Decimal]:
    """Each award's pence shared out equally by divmod, the odd pennies to the first in catalogue order."""
    order = [code for code, _name in catalogue]
    totals: dict[str, int] = defaultdict(int)
    for award in awards:
        codes = sorted(set(codes_of(award)) & set(order), key=order.index) or ["(none)"]
        base, odd = divmod(int(award.amount * 100), len(codes))
        for index, code in enumerate(codes):
            totals[code] += base + (1 if index < odd else 0)
    return {code: Decimal(pence) / 100 for code, pence in totals.items()}


def priorities(award, name):
    section = next(s for s in award.application.sections if s.key == "priorities")
    return section.answers.get(name, [])


def expected_people(awards) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for award in awards:
        for r in award.returns:
            if r.status in (ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED):
                for key, values in (r.answers.get("people") or {}).items():
                    totals[key.removeprefix("people_").replace("_", "-")] += int(values[0].replace(",", ""))
    return dict(totals)


def expected_overdue(awards, today) -> list[tuple[str, int]]:
    return sorted(
        (award.application.reference, r.number) for award in awards if award.status == AwardStatus.ACCEPTED
        for r in award.returns if r.due_date < today and r.status not in (ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED)
    )


def catalogue(model):
    return [(row.code, row.name) for row in select_all(model)]


def _money_of(figures: portfolio.Money) -> dict:
    return {name: getattr(figures, name) for name in ("awards", "awarded", "offered", "committed", "paid", "remaining")}


def _shares(rows) -> dict[str, Decimal]:
    return {row.code or "(none)": row.amount for row in rows if row.amount or row.awards}


@pytest.mark.parametrize("criteria", [
    portfolio.PortfolioFilter(),
    portfolio.PortfolioFilter(year="2025-26"),
    portfolio.PortfolioFilter(year="2026-27"),
    "round one",
    "round two in 2025-26",
])
def test_the_dashboard_agrees_with_the_rows(db, rounds, built, criteria):
    if criteria == "round one":
        criteria = portfolio.PortfolioFilter(round_id=rounds["one"].id)
    elif criteria == "round two in 2025-26":
        criteria = portfolio.PortfolioFilter(round_id=rounds["two"].id, year="2025-26")
    result = portfolio.dashboard(criteria, on=TODAY)
    awards = awards_in_db(db, criteria.round_id, criteria.year)

    assert _money_of(result.total) == expected_money(awards)
    for funding_round, figures in result.by_round:
        assert _money_of(figures) == expected_money([a for a in awards if a.round_id == funding_round.id])
    assert {r.id for r, _figures in result.by_round} == {a.round_id for a in awards}
    for year, figures in result.by_year:
        assert _money_of(figures) == expected_money([a for a in awards if fy(a.start_date) == year])
    assert [year for year, _figures in result.by_year] == sorted({fy(a.start_date) for a in awards})

    areas = expected_split(awards, lambda a: [la.code for la in a.application.local_authorities],
                           catalogue(LocalAuthority))
    assert _shares(result.by_area) == areas
    approaches = expected_split(awards, lambda a: [ap.code for ap in a.application.approaches],
                                catalogue(PlanApproach))
    assert _shares(result.by_approach) == approaches
    assert _shares(result.by_strand) == expected_split(awards, lambda a: priorities(a, "adder_strands"),
                                                        catalogue(AdderStrand))
    assert _shares(result.by_outcome) == expected_split(awards, lambda a: priorities(a, "drug_outcomes"),
                                                         catalogue(DrugsOutcome))
    for rows in (result.by_area, result.by_approach, result.by_strand, result.by_outcome):
        assert sum(row.amount for row in rows) == result.total.awarded  # to the penny

    people = expected_people(awards)
    assert {code: n for (code, _label), (_l, n) in zip(portfolio.PEOPLE_GROUPS, result.people, strict=True)
            if n} == people
    assert result.people_total == sum(people.values())
    assert sorted((row.award.application.reference, row.number) for row in result.overdue) == expected_overdue(
        awards, TODAY)

    budgets = {b.funding_round.id: b for b in result.budgets}
    for funding_round in rounds.values():
        if criteria.round_id in (None, funding_round.id):
            every_year = [a for a in awards_in_db(db, funding_round.id)]
            assert budgets[funding_round.id].awarded == sum((a.amount for a in every_year), Decimal(0))
            assert budgets[funding_round.id].headroom == funding_round.total_budget - budgets[funding_round.id].awarded


def test_the_whole_portfolio_in_round_figures(db, rounds, built):
    """The same figures written out by hand, as a check on the recomputation itself."""
    result = portfolio.dashboard(portfolio.PortfolioFilter(), on=date(2026, 11, 28))
    assert _money_of(result.total) == {
        "awards": 4, "awarded": Decimal("10000.00"), "offered": Decimal("3000.00"),
        "committed": Decimal("7000.00"), "paid": Decimal("4500.00"), "remaining": Decimal("2500.00"),
    }
    assert {row.name: row.amount for row in result.by_area} == {
        "Cornwall": Decimal("1333.34"), "Isles of Scilly": Decimal("500.00"), "Devon": Decimal("3000.00"),
        "Plymouth": Decimal("1833.33"), "Torbay": Decimal("1333.33"), "Not recorded": Decimal("2000.00"),
    }
    assert {row.name: row.awards for row in result.by_area}["Plymouth"] == 2
    assert result.people_total == 12 + 3 + 40 + 1200
    assert [(row.award.application.reference, row.number, row.days_overdue) for row in result.overdue] == [
        ("CGS-2026-8004", 2, 30), ("CGS-2026-8001", 2, 29),
    ]
    assert [(b.funding_round.name, b.awarded, b.headroom) for b in result.budgets] == [
        ("Round one", Decimal("9000.00"), Decimal("11000.00")),
        ("Round two", Decimal("1000.00"), Decimal("9000.00")),
    ]


# The page ---------------------------------------------------------------------------------------

def _table(soup, caption_text):
    for caption in soup.select("caption"):
        if caption.get_text(strip=True) == caption_text:
            return caption.find_parent("table")
    raise AssertionError(f"no table captioned {caption_text!r}")


def _rows(table) -> dict[str, list[str]]:
    return {
        row.select_one("th").get_text(" ", strip=True): [cell.get_text(strip=True) for cell in row.select("td")]
        for row in table.select("tbody tr") if row.select_one("th")
    }


def test_the_page_shows_the_recomputed_figures(db, rounds, built, as_role):
    response = as_role("commissioner").get("/awards/dashboard")
    assert response.status_code == 200
    soup = page(response)
    awards = awards_in_db(db)

    def cells(figures):
        return [str(figures["awards"])] + [money(figures[k]) for k in ("awarded", "offered", "committed", "paid",
                                                                       "remaining")]

    by_round = _rows(_table(soup, "By round"))
    for funding_round in rounds.values():
        in_round = [a for a in awards if a.round_id == funding_round.id]
        assert by_round[funding_round.name] == cells(expected_money(in_round))
    assert by_round["Total"] == cells(expected_money(awards))
    by_year = _rows(_table(soup, "By financial year"))
    assert by_year["2025-26"] == cells(expected_money([a for a in awards if fy(a.start_date) == "2025-26"]))
    assert by_year["2026-27"] == cells(expected_money([a for a in awards if fy(a.start_date) == "2026-27"]))

    budgets = _rows(_table(soup, "Round budgets (all years)"))
    assert budgets["Round one"] == ["£20,000.00", "£9,000.00", "£11,000.00"]

    areas = expected_split(awards, lambda a: [la.code for la in a.application.local_authorities],
                           catalogue(LocalAuthority))
    shown = _rows(_table(soup, "Money awarded by local authority area"))
    for code, name in catalogue(LocalAuthority):
        assert shown[name][1] == money(areas.get(code, Decimal(0)))
    assert shown["Not recorded"][1] == money(areas["(none)"])
    assert shown["Total awarded"][1] == money(expected_money(awards)["awarded"])

    people = _rows(_table(soup, "People reached to date, by group"))
    assert people["Total"] == [f"{sum(expected_people(awards).values()):,}"]
    overdue = _table(soup, "Overdue monitoring returns, most overdue first")
    assert sorted(
        (row.select("th, td")[0].get_text(strip=True),
         int(row.select("th, td")[2].get_text().split(":")[0].split()[-1]))
        for row in overdue.select("tbody tr")
    ) == expected_overdue(awards, TODAY)
    # Each chart is drawn on the server beside its table, named for assistive technology.
    chart = soup.select_one("svg#by-area-chart")
    assert chart["role"] == "img"
    assert chart.select_one("title").get_text() == (
        "Bar chart of the money awarded by local authority area. The table gives the same figures.")
    assert len(chart.select("rect")) == len(catalogue(LocalAuthority)) + 1


def test_the_page_defines_its_figures(as_role):
    soup = page(as_role("grants_officer").get("/awards/dashboard"))
    terms = [dt.get_text(strip=True) for dt in soup.select("dl dt")]
    assert terms == ["Financial year", "Awarded", "Awaiting acceptance", "Committed", "Paid", "Remaining to pay",
                     "Repaid", "Net paid", "Underspend", "Waived", "Still owed", "Headroom"]
    assert "start date" in soup.get_text()
    assert "No monitoring returns are overdue." in soup.get_text()


def test_filters_narrow_the_page(db, rounds, built, as_role):
    client = as_role("finance_officer")
    soup = page(client.get(f"/awards/dashboard?round={rounds['two'].id}&year=2025-26"))
    assert set(_rows(_table(soup, "By round"))) == {"Round two", "Total"}
    assert _rows(_table(soup, "By round"))["Total"][:2] == ["1", "£1,000.00"]
    assert "Showing Round two, awards starting in 2025-26." in " ".join(soup.get_text().split())
    assert soup.select_one("select#round option[selected]")["value"] == str(rounds["two"].id)


@pytest.mark.parametrize("query, message", [
    ("round=abc", "Select a round from the list"),
    ("round=999999", "Select a round from the list"),
    ("year=1999-00", "Select a financial year from the list"),
    ("year=next", "Select a financial year from the list"),
])
def test_a_filter_that_is_not_in_the_list_is_an_error_and_left_off(db, built, as_role, query, message):
    response = as_role("grants_officer").get(f"/awards/dashboard?{query}")
    assert response.status_code == 200
    soup = page(response)
    assert [a.get_text(strip=True) for a in soup.select(".govuk-error-summary__list a")] == [message]
    assert _rows(_table(soup, "By round"))["Total"][0] == "4"  # every award still counted


@pytest.mark.parametrize("url", [*ENDPOINTS])
@pytest.mark.parametrize("actor", ["applicant", "panel_member"])
def test_only_award_staff_see_the_portfolio(as_role, url, actor):
    assert as_role(actor).get(url).status_code == 403


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize("actor", VIEWERS)
def test_award_staff_see_the_portfolio_with_no_awards(as_role, url, actor):
    assert as_role(actor).get(url).status_code == 200


# A fixed number of queries --------------------------------------------------------------------

@pytest.fixture
def count_queries(db):
    """``with count_queries() as statements:`` lists the SQL statements run inside the block."""
    return counting_statements


@pytest.mark.parametrize("url", ENDPOINTS)
def test_the_pages_run_the_same_queries_for_many_awards(db, rounds, as_role, count_queries, url):
    client = as_role("grants_officer")
    for number, spec in enumerate(PORTFOLIO[:2], start=1):
        build_award(db, rounds[spec.round], spec, number)
    client.get(url)  # warm up: the signed-in user, first-request work
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for number, spec in enumerate(PORTFOLIO * 2, start=10):
        build_award(db, rounds[spec.round], spec, number)
    db.session.commit()  # the totals are worked out as the awards are committed, not as the page is read
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), "\n".join(many)


# Parts ----------------------------------------------------------------------------------------------

def test_people_reached_adds_up_submitted_and_accepted_returns_only(db, rounds):
    award = build_award(db, rounds["one"], PORTFOLIO[0], 1)
    award.returns[2].status = ReturnStatus.SUBMITTED
    award.returns[2].answers = {"people": {"people_treatment_recovery": ["8"]}}
    assert portfolio.people_reached(award) == {"treatment-recovery": 20, "families": 3}


def test_award_years_run_from_the_first_start_to_the_last(db, rounds, built):
    assert portfolio.award_years() == ["2026-27", "2025-26"]
