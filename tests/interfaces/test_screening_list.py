"""What the officers' application list reads in few statements: the round with the areas and approaches
its filters offer (one statement), the round's counts by status and the list's total (one, from the
kept counts, or counted for a round whose counts are not kept), and the page's rows as plain columns
(``paginate(columns=...)``). Each must read what the ORM relationships and the counts of the rows say,
also after they change within the transaction (nothing is kept from one read to the next)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import contains_eager
from werkzeug.exceptions import NotFound

from grants.interfaces.paging import paginate
from grants.interfaces.screening import applications as screening
from grants.interfaces.screening import list_counts
from grants.models.applications import Application, ApplicationListRound, ApplicationStage, ApplicationStatus
from grants.models.organisations import Organisation
from grants.models.reference import LocalAuthority, PlanApproach
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, FundingRoundFactory, OrganisationFactory
from tests.helpers import counting_statements

S = ApplicationStatus


def _by_code(db, model, *codes):
    found = {item.code: item for item in db.session.scalars(select(model).where(model.code.in_(codes)))}
    return [found[code] for code in codes]


@pytest.fixture
def funding_round(db):
    return FundingRoundFactory(name="Safer Streets <2026> & more")


def _bid(funding_round, status=S.SUBMITTED, areas=(), **values):
    return ApplicationFactory(funding_round=funding_round, status=status, submitted_at=utcnow() - timedelta(hours=1),
                              amount_requested=Decimal("4000.00"), local_authorities=list(areas), **values)


# The round and its filters' choices ---------------------------------------------------------------

def test_the_round_and_its_lists_are_the_relationships_in_one_statement(db, funding_round):
    areas = _by_code(db, LocalAuthority, "torbay", "devon", "plymouth")
    approaches = _by_code(db, PlanApproach, "people")
    funding_round.local_authorities = areas
    funding_round.approaches = approaches
    db.session.flush()
    round_id = funding_round.id
    db.session.expire(funding_round)
    with counting_statements() as statements:
        listed = screening.round_for_list(round_id)
    assert len(statements) == 1
    assert (listed.id, listed.name, listed.has_eoi_stage) == (funding_round.id, "Safer Streets <2026> & more", False)
    assert [(item.code, item.name) for item in listed.local_authorities] \
        == [(area.code, area.name) for area in funding_round.local_authorities]  # by position, as the relationship
    assert [(item.code, item.name) for item in listed.approaches] \
        == [(approach.code, approach.name) for approach in funding_round.approaches]

    funding_round.local_authorities = []  # changed since: read afresh
    funding_round.eoi_closes_at = funding_round.opens_at + timedelta(days=7)
    db.session.flush()
    listed = screening.round_for_list(funding_round.id)
    assert listed.local_authorities == () and [item.code for item in listed.approaches] == ["people"]
    assert listed.has_eoi_stage


def test_a_round_with_no_lists_and_an_unpublished_or_unknown_round(db, funding_round):
    funding_round.local_authorities, funding_round.approaches = [], []
    db.session.flush()
    listed = screening.round_for_list(funding_round.id)
    assert listed.local_authorities == () and listed.approaches == ()
    funding_round.published_at = None
    db.session.flush()
    with pytest.raises(NotFound):
        screening.round_for_list(funding_round.id)
    with pytest.raises(NotFound):
        screening.round_for_list(funding_round.id + 1000)


# The counts -----------------------------------------------------------------------------------------

def _counted(db, round_id: int, area_code: str | None) -> dict[ApplicationStatus, int]:
    """The round's listed applications by status, in the area or in all, counted from the rows."""
    query = (select(Application.status, func.count()).where(Application.round_id == round_id,
                                                            Application.stage == ApplicationStage.FULL,
                                                            Application.status != S.DRAFT)
             .group_by(Application.status))
    if area_code:
        query = query.where(Application.local_authorities.any(LocalAuthority.code == area_code))
    return dict(db.session.execute(query).all())


@pytest.mark.parametrize("kept", [True, False])
def test_the_counts_and_totals_are_the_rows_counts_in_one_statement(db, funding_round, kept):
    plymouth, cornwall, devon = _by_code(db, LocalAuthority, "plymouth", "cornwall", "devon")
    for status, areas in [(S.SUBMITTED, [plymouth]), (S.SUBMITTED, [plymouth, cornwall]), (S.INELIGIBLE, [cornwall]),
                          (S.WITHDRAWN, []), (S.UNDER_ASSESSMENT, [plymouth]), (S.DRAFT, [plymouth])]:
        _bid(funding_round, status, areas)
    _bid(funding_round, S.SUBMITTED, [plymouth], stage=ApplicationStage.EXPRESSION_OF_INTEREST)  # not listed
    _bid(FundingRoundFactory(), S.SUBMITTED, [plymouth])  # another round's
    list_counts.settle()
    if not kept:
        db.session.execute(delete(ApplicationListRound).where(ApplicationListRound.round_id == funding_round.id))
    every = _counted(db, funding_round.id, None)
    assert every == {S.SUBMITTED: 2, S.INELIGIBLE: 1, S.WITHDRAWN: 1, S.UNDER_ASSESSMENT: 1}
    for area in (None, "plymouth", "cornwall", "devon"):
        with counting_statements() as statements:
            counts = list_counts.list_counts(funding_round.id, area)
        assert len(statements) == (1 if kept else 2)  # not kept: the round's row looked for, then counted
        assert counts.by_status == every == screening.status_counts(funding_round.id)
        in_area = _counted(db, funding_round.id, area)
        for status in (None, *screening.VISIBLE_STATUSES):
            expected = sum(in_area.values()) if status is None else in_area.get(status, 0)
            assert counts.total(status) == (expected if kept else None), (area, status)
    assert devon is not None and _counted(db, funding_round.id, "devon") == {}


def test_the_counts_follow_a_change_in_the_same_transaction(db, funding_round):
    plymouth, = _by_code(db, LocalAuthority, "plymouth")
    bid = _bid(funding_round, S.SUBMITTED, [plymouth])
    list_counts.settle()
    assert list_counts.list_counts(funding_round.id, "plymouth").total(S.SUBMITTED) == 1
    bid.status = S.INELIGIBLE
    bid.local_authorities = []
    db.session.flush()  # not committed: the counts are worked out again as they are read
    counts = list_counts.list_counts(funding_round.id, "plymouth")
    assert counts.by_status == {S.INELIGIBLE: 1}
    assert counts.total(None) == 0 and counts.total(S.SUBMITTED) == 0


def test_a_kept_round_with_nothing_listed_counts_none(db, funding_round):
    _bid(funding_round, S.SUBMITTED)
    list_counts.settle()
    db.session.execute(delete(Application).where(Application.round_id == funding_round.id))
    list_counts.settle()  # the bulk delete is noted: every kept round is counted again
    assert db.session.get(ApplicationListRound, funding_round.id) is not None
    counts = list_counts.list_counts(funding_round.id, None)
    assert counts.by_status == {} and counts.total(None) == 0 and counts.total(S.SUBMITTED) == 0


# The page's rows -------------------------------------------------------------------------------------

def test_a_page_of_columns_is_the_page_of_entities_in_two_statements(db, funding_round):
    names = ["Beacon Trust", "avon Youth", "Cove Café", "beacon trust", "Avon Youth"]
    made = [_bid(funding_round, organisation=OrganisationFactory(name=name), project_title=None if n % 2 else name)
            for n, name in enumerate(names)]
    query = (select(Application).join(Application.organisation).where(Application.round_id == funding_round.id)
             .order_by(func.lower(Organisation.name), Application.id.desc()))
    columns = (Application.id, Application.reference, Organisation.name, Application.project_title)
    for number in (1, 2, 3):
        entities = paginate(query.options(contains_eager(Application.organisation)), number, 2)
        with counting_statements() as statements:
            rows = paginate(query, number, 2, columns=columns, make=lambda *row: row)
        assert len(statements) == 2
        assert rows.items == [(a.id, a.reference, a.organisation.name, a.project_title) for a in entities.items]
        assert (rows.total, rows.pages) == (len(made), 3)
    assert paginate(query, 1, 10, columns=columns).items[0] == tuple(paginate(query, 1, 10, columns=columns,
                                                                             make=lambda *row: row).items[0])
    with pytest.raises(ValueError, match="deferred join"):
        paginate(select(Application.id, Application.reference).order_by(Application.id), 1, 2, columns=columns)


def test_the_list_reads_plain_rows_with_what_it_shows(db, funding_round):
    bid = _bid(funding_round, organisation=OrganisationFactory(name="Harbour & Co"), project_title="Late café",
               reference="CGS-2026-0042")
    list_counts.settle()
    listing = screening.list_applications(funding_round.id, screening.ApplicationFilter())
    assert listing.results.items == [screening.ListedApplication(
        bid.id, "CGS-2026-0042", "Harbour & Co", "Late café", Decimal("4000.00"), bid.submitted_at, S.SUBMITTED)]
    assert listing.counts == {S.SUBMITTED: 1} and listing.results.total == 1
