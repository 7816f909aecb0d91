"""``paginate``'s deferred join: the page's keys and the total found first on narrow rows, then the
page's full rows loaded by those keys, in the first statement's order, with the caller's options."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import aliased, contains_eager, joinedload, lazyload, selectinload
from werkzeug.exceptions import NotFound

from grants.interfaces.paging import paginate
from grants.models.applications import Application, ApplicationStatus
from grants.models.organisations import LegalType, Organisation
from grants.models.reference import LocalAuthority
from tests.factories import ApplicationFactory, FundingRoundFactory, OrganisationFactory
from tests.helpers import counting_statements

# Organisation names with ties: the pages must be cut by the tie-break (the application's id).
NAMES = ["Beacon Trust", "avon Youth", "Beacon Trust", "Cove Café", "beacon trust", "Avon Youth", "Beacon Trust"]


@pytest.fixture
def funding_round(db):
    return FundingRoundFactory()


@pytest.fixture
def make_applications(db, funding_round):
    """``make_applications(names, area=None)``: a submitted application from a new organisation
    of each name, in the local authority ``area`` (a code) when given."""

    def _make(names: list[str], area: str | None = None, legal_type=LegalType.REGISTERED_CHARITY):
        made = []
        authority = db.session.scalar(select(LocalAuthority).where(LocalAuthority.code == area)) if area else None
        for name in names:
            application = ApplicationFactory(
                funding_round=funding_round, organisation=OrganisationFactory(name=name, legal_type=legal_type),
                status=ApplicationStatus.SUBMITTED, amount_requested=Decimal("4000.00"),
            )
            if authority is not None:
                application.local_authorities = [authority]
            made.append(application)
        db.session.flush()
        return made

    return _make


def _listed(funding_round, descending_ties: bool = True):
    """The application list's shape: organisation joined and eagerly loaded from the join, answers
    not loaded, sorted by lower-cased name with ties broken by id (newest first, unlike the table's
    own order, so that an unordered second statement would show)."""
    return (
        select(Application).join(Application.organisation)
        .options(contains_eager(Application.organisation), lazyload(Application.sections))
        .where(Application.round_id == funding_round.id)
        .order_by(func.lower(Organisation.name), Application.id.desc() if descending_ties else Application.id)
    )


def _all_pages(query, per_page: int) -> list:
    first = paginate(query, 1, per_page)
    pages = [first] + [paginate(query, number, per_page) for number in range(2, first.pages + 1)]
    return [item for one in pages for item in one.items]


@pytest.mark.parametrize("per_page", [1, 2, 3, 4, 7, 10])
@pytest.mark.parametrize("descending_ties", [True, False])
def test_pages_keep_the_order_across_their_boundaries_with_ties(
    db, funding_round, make_applications, per_page, descending_ties
):
    make_applications(NAMES)
    query = _listed(funding_round, descending_ties)
    expected = list(db.session.scalars(query))
    db.session.expunge_all()  # the pages load their rows afresh
    assert [a.id for a in _all_pages(query, per_page)] == [a.id for a in expected]
    names = [name.lower() for name in NAMES]
    assert [a.organisation.name.lower() for a in _all_pages(query, per_page)] == sorted(names)


def test_a_filter_through_another_table_pages_and_counts_the_matching_rows(db, funding_round, make_applications):
    devon = make_applications(NAMES, area="devon")
    make_applications(["Devonport Hub"] * 3, area="plymouth")
    make_applications(["Unincorporated Club"], area="devon", legal_type=LegalType.UNINCORPORATED_GROUP)
    query = (_listed(funding_round)
             .where(Application.local_authorities.any(LocalAuthority.code == "devon"),
                    Organisation.legal_type == LegalType.REGISTERED_CHARITY))
    first = paginate(query, 1, 3)
    assert (first.total, first.pages) == (len(devon), 3)
    assert sorted(a.id for a in _all_pages(query, 3)) == sorted(a.id for a in devon)
    last = paginate(query, 3, 3)
    assert len(last.items) == 1 and last.total == len(devon)


def test_a_page_past_the_last_is_not_found_and_an_empty_list_has_one_empty_page(
    db, funding_round, make_applications
):
    make_applications(NAMES[:4])
    query = _listed(funding_round)
    assert len(paginate(query, 2, 2).items) == 2
    for number in (0, -1, 3, 50):
        with pytest.raises(NotFound):
            paginate(query, number, 2)
    with counting_statements() as statements:
        empty = paginate(query.where(Application.id < 0), 1, 2)
    assert (empty.items, empty.total, empty.pages) == ([], 0, 1)
    assert len(statements) == 1  # no rows to load
    with pytest.raises(NotFound):
        paginate(query.where(Application.id < 0), 2, 2)


def test_contains_eager_still_fills_the_relationship_without_a_query_per_row(db, funding_round, make_applications):
    make_applications(NAMES)
    db.session.expunge_all()
    result = paginate(_listed(funding_round), 2, 3)
    assert all("organisation" in inspect(a).dict for a in result.items)
    with counting_statements() as statements:
        names = [a.organisation.name for a in result.items]
    assert statements == [] and len(names) == 3


def test_other_loader_options_apply_to_the_loaded_rows(db, funding_round, make_applications):
    make_applications(NAMES, area="devon")
    db.session.expunge_all()
    query = (select(Application)
             .options(joinedload(Application.organisation), selectinload(Application.local_authorities),
                      lazyload(Application.sections))
             .where(Application.round_id == funding_round.id).order_by(Application.id))
    with counting_statements() as statements:
        result = paginate(query, 2, 3)
        codes = [[area.code for area in a.local_authorities] for a in result.items]
        names = [a.organisation.name for a in result.items]
    assert codes == [["devon"]] * 3 and names == NAMES[3:6]
    assert len(statements) == 3  # keys and total, rows with organisations, their areas
    assert all("sections" not in inspect(a).dict for a in result.items)


@pytest.mark.parametrize("rows", [6, 40])
def test_a_page_takes_two_statements_whatever_the_rows_and_the_first_reads_only_keys(
    db, funding_round, make_applications, rows
):
    make_applications([f"Group {n:02d}" for n in range(rows)])
    db.session.expunge_all()
    with counting_statements() as statements:
        result = paginate(_listed(funding_round), 2, 3)
        names = [a.organisation.name for a in result.items]
    assert len(statements) == 2
    assert names == [f"Group {n:02d}" for n in range(3, 6)] and result.total == rows
    keys, full = statements
    select_list = keys.split("FROM", 1)[0]
    assert "applications.id" in select_list and "count(*) OVER ()" in select_list
    assert "project_title" not in select_list and "organisations." not in select_list
    assert "LIMIT" in keys and "LIMIT" not in full and "project_title" in full


def test_an_aliased_entity_is_paged_by_its_own_key(db, funding_round, make_applications):
    make_applications(NAMES)
    listed = aliased(Application)
    query = (select(listed).options(lazyload(listed.sections))
             .where(listed.round_id == funding_round.id).order_by(listed.id.desc()))
    with counting_statements() as statements:
        result = paginate(query, 1, 4)
    assert len(statements) == 2
    assert [a.id for a in result.items] == sorted((a.id for a in db.session.scalars(query)), reverse=True)[:4]


def test_queries_of_columns_or_several_entities_are_paged_in_one_statement(db, funding_round, make_applications):
    made = make_applications(NAMES)
    ids = select(Application.id).where(Application.round_id == funding_round.id).order_by(Application.id)
    with counting_statements() as statements:
        result = paginate(ids, 2, 3)
    assert len(statements) == 1
    assert (result.items, result.total) == ([a.id for a in made[3:6]], len(made))
    pairs = (select(Application, Organisation.name).join(Application.organisation)
             .options(lazyload(Application.sections))
             .where(Application.round_id == funding_round.id).order_by(Application.id))
    with counting_statements() as statements:
        result = paginate(pairs, 1, 2)
    assert len(statements) == 1 and [a.id for a in result.items] == [a.id for a in made[:2]]
    distinct = (select(Organisation).join(Application).where(Application.round_id == funding_round.id)
                .distinct().order_by(Organisation.id))
    with counting_statements() as statements:
        result = paginate(distinct, 1, 10)
    assert len(statements) == 1 and result.total == len(made)


@pytest.mark.parametrize("per_page", [1, 3, 7])
def test_a_known_total_pages_the_same_rows_without_counting(db, funding_round, make_applications, per_page):
    """Given the total (counts kept as rows), the pages are the same, the total is the one given, a page
    past it is not found without a query, and on PostgreSQL the walk's setting ends with the page."""
    from sqlalchemy import text

    make_applications(NAMES)
    query = _listed(funding_round)
    counted = [paginate(query, number, per_page) for number in range(1, -(-len(NAMES) // per_page) + 1)]
    given = [paginate(query, number, per_page, total=len(NAMES)) for number in range(1, len(counted) + 1)]
    assert [[a.id for a in one.items] for one in given] == [[a.id for a in one.items] for one in counted]
    assert {one.total for one in given} == {len(NAMES)}
    with counting_statements() as statements, pytest.raises(NotFound):
        paginate(query, len(counted) + 1, per_page, total=len(NAMES))
    assert statements == []
    if db.engine.dialect.name == "postgresql":
        default = db.session.scalar(
            text("SELECT reset_val FROM pg_settings WHERE name = 'max_parallel_workers_per_gather'"))
        assert db.session.scalar(text("SHOW max_parallel_workers_per_gather")) == default
