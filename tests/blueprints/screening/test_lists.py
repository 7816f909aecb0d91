"""Officers' lists: rounds with counts, a round's submitted applications filtered, sorted and paged."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from grants.interfaces.screening import list_counts
from grants.models.applications import ApplicationStatus
from grants.models.organisations import LegalType
from grants.models.reference import LocalAuthority, PlanApproach
from tests.factories import FundingRoundFactory, OrganisationFactory
from tests.figures import report
from tests.helpers import error_messages, page

S = ApplicationStatus


def _references(response) -> list[str]:
    return [link.get_text(strip=True) for link in page(response).select("tbody tr td:first-child a")]


def _url(funding_round, **args) -> str:
    query = "&".join(f"{key}={value}" for key, value in args.items())
    return f"/screening/rounds/{funding_round.id}" + (f"?{query}" if query else "")


def _reference_data(db, model, code):
    return db.session.scalar(select(model).where(model.code == code))


# The rounds ------------------------------------------------------------------------------------


def test_the_rounds_page_counts_applications_per_status_and_leaves_out_drafts(officer, make_application, funding_round):
    for status in (S.SUBMITTED, S.SUBMITTED, S.UNDER_ASSESSMENT, S.INELIGIBLE, S.DRAFT, S.DRAFT):
        make_application(status=status)
    other = FundingRoundFactory(name="Second round")
    make_application(status=S.WITHDRAWN, funding_round=other)

    response = officer.get("/screening")
    assert response.status_code == 200
    rows = {
        row.select_one("th a").get_text(strip=True): [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in page(response).select("tbody tr")
    }
    headings = [th.get_text(strip=True) for th in page(response).select("thead th")][2:]
    first = dict(zip(headings, rows["Community Safety Fund 2026"][1:], strict=True))
    assert first["Submitted"].startswith("2") and first["Under assessment"].startswith("1")
    assert first["Ineligible"].startswith("1") and first["Withdrawn"] == "0"
    assert first["Total"] == "4"  # the two drafts are not counted
    second = dict(zip(headings, rows["Second round"][1:], strict=True))
    assert second["Withdrawn"].startswith("1") and second["Total"] == "1"


def test_the_rounds_page_takes_the_same_number_of_queries_for_one_round_or_many(
    officer, make_application, count_queries
):
    make_application()
    list_counts.settle()  # as the commit that made them would: the page reads the kept counts
    with count_queries() as few:
        assert officer.get("/screening").status_code == 200
    for _ in range(8):
        extra = FundingRoundFactory()
        make_application(funding_round=extra, status=S.UNDER_ASSESSMENT)
    list_counts.settle()
    with count_queries() as many:
        assert officer.get("/screening").status_code == 200
    assert len(many) == len(few)


# A round's applications ------------------------------------------------------------------------


def test_drafts_are_not_listed(officer, make_application, funding_round):
    submitted = make_application()
    make_application(status=S.DRAFT, project_title="Secret draft")
    response = officer.get(_url(funding_round))
    assert _references(response) == [submitted.reference]
    assert "Secret draft" not in response.get_data(as_text=True)
    assert "Total: 1" in page(response).select_one("main").get_text()


def test_another_rounds_applications_are_not_listed(officer, make_application, funding_round):
    mine = make_application()
    make_application(funding_round=FundingRoundFactory())
    assert _references(officer.get(_url(funding_round))) == [mine.reference]


def test_an_unpublished_or_unknown_round_is_not_found(officer):
    draft_round = FundingRoundFactory(published_at=None)
    assert officer.get(f"/screening/rounds/{draft_round.id}").status_code == 404
    assert officer.get("/screening/rounds/999999").status_code == 404


def test_the_list_shows_counts_per_status_whatever_the_filters(officer, make_application, funding_round):
    make_application(status=S.SUBMITTED)
    make_application(status=S.INELIGIBLE)
    text = page(officer.get(_url(funding_round, status="submitted"))).select_one("main").get_text(" ")
    assert "Submitted: 1" in text and "Ineligible: 1" in text and "Total: 2" in text


def test_filter_by_status(officer, make_application, funding_round):
    make_application(status=S.SUBMITTED)
    passed = make_application(status=S.UNDER_ASSESSMENT)
    assert _references(officer.get(_url(funding_round, status="under_assessment"))) == [passed.reference]


def test_filtering_by_draft_status_is_refused(officer, make_application, funding_round):
    submitted = make_application()
    make_application(status=S.DRAFT)
    response = officer.get(_url(funding_round, status="draft"))
    assert response.status_code == 200
    assert error_messages(response) == ["Select a status from the list"]
    assert _references(response) == [submitted.reference]


def test_filter_by_local_authority_area(db, officer, make_application, funding_round):
    plymouth = make_application()
    plymouth.local_authorities = [_reference_data(db, LocalAuthority, "plymouth")]
    cornwall = make_application()
    cornwall.local_authorities = [_reference_data(db, LocalAuthority, "cornwall")]
    db.session.flush()
    assert _references(officer.get(_url(funding_round, local_authority="plymouth"))) == [plymouth.reference]


def test_filter_by_plan_approach(db, officer, make_application, funding_round):
    prevention = make_application()
    prevention.approaches = [_reference_data(db, PlanApproach, "prevention")]
    both = make_application()
    both.approaches = [_reference_data(db, PlanApproach, code) for code in ("people", "prevention")]
    make_application()
    db.session.flush()
    response = officer.get(_url(funding_round, approach="prevention", sort="reference"))
    assert _references(response) == [prevention.reference, both.reference]
    assert _references(officer.get(_url(funding_round, approach="people"))) == [both.reference]


@pytest.mark.parametrize(
    "band, expected",
    [
        ("under-2500", ["2499.99"]),
        ("2500-5000", ["2500.00", "5000.00"]),
        ("over-5000", ["5000.01"]),
    ],
)
def test_filter_by_amount_band_with_the_boundaries_in_one_band_each(
    officer, make_application, funding_round, band, expected
):
    by_reference = {
        make_application(amount=amount).reference: amount
        for amount in ("2499.99", "2500.00", "5000.00", "5000.01")
    }
    make_application(amount=None)
    response = officer.get(_url(funding_round, amount_band=band, sort="amount"))
    assert [by_reference[ref] for ref in _references(response)] == expected


def test_filter_by_organisation_type(officer, make_application, funding_round):
    make_application(organisation=OrganisationFactory(legal_type=LegalType.REGISTERED_CHARITY))
    cic = make_application(organisation=OrganisationFactory(legal_type=LegalType.CIC, charity_number=None))
    assert _references(officer.get(_url(funding_round, legal_type="cic"))) == [cic.reference]


def test_search_by_reference_or_organisation_name_ignoring_case(officer, make_application, funding_round):
    harbour = make_application(organisation=OrganisationFactory(name="Harbour Recovery"))
    other = make_application(organisation=OrganisationFactory(name="Moorland Youth"))
    assert _references(officer.get(_url(funding_round, q="harbour"))) == [harbour.reference]
    assert _references(officer.get(_url(funding_round, q=other.reference.lower()))) == [other.reference]


@pytest.mark.parametrize("search", ["%", "_", "\\", "%25", "CGS_2026"])
def test_like_wildcards_in_a_search_are_taken_literally(officer, make_application, funding_round, search):
    make_application(organisation=OrganisationFactory(name="Harbour Recovery"))
    response = officer.get(f"/screening/rounds/{funding_round.id}", query_string={"q": search})
    assert response.status_code == 200
    assert _references(response) == []


def test_a_search_over_100_characters_is_refused_with_a_message(officer, make_application, funding_round):
    make_application()
    response = officer.get(f"/screening/rounds/{funding_round.id}", query_string={"q": "x" * 101})
    assert error_messages(response) == ["Search must be 100 characters or fewer"]
    assert len(_references(response)) == 1  # the search was left off


HOSTILE = [
    "'; DROP TABLE applications; --",
    "1 OR 1=1",
    "submitted' OR '1'='1",
    "<script>alert(1)</script>",
    "x" * 5000,
]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize(
    "name", ["status", "local_authority", "approach", "amount_band", "legal_type", "sort", "order", "page"]
)
def test_hostile_filter_values_never_fail_and_never_reach_sql(officer, make_application, funding_round, name, value):
    make_application()
    response = officer.get(f"/screening/rounds/{funding_round.id}", query_string={name: value})
    assert response.status_code == 200
    assert len(_references(response)) == 1
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


@pytest.mark.parametrize("name", ["q", "status", "sort", "page"])
def test_nul_characters_in_the_address_are_a_bad_request(officer, make_application, funding_round, name):
    make_application()
    response = officer.get(f"/screening/rounds/{funding_round.id}", query_string={name: "CGS\u0000-2026"})
    assert response.status_code == 400


@pytest.mark.parametrize("value", HOSTILE[:4])
def test_hostile_searches_find_nothing_and_never_fail(officer, make_application, funding_round, value):
    make_application()
    response = officer.get(f"/screening/rounds/{funding_round.id}", query_string={"q": value})
    assert response.status_code == 200
    assert _references(response) == []


@pytest.mark.parametrize("value", ["0", "-1", "99999999999999999999"])
def test_page_numbers_out_of_range_are_not_found(officer, funding_round, value):
    assert officer.get(_url(funding_round, page=value)).status_code == 404


# Sorting ---------------------------------------------------------------------------------------


@pytest.fixture
def three(make_application):
    """Three applications whose orders by reference, organisation, amount and date all differ."""
    first = make_application(amount="3000.00", organisation=OrganisationFactory(name="bravo Trust"))
    second = make_application(amount="1000.00", organisation=OrganisationFactory(name="Charlie Group"))
    third = make_application(amount="2000.00", organisation=OrganisationFactory(name="Alpha CIC"))
    return first, second, third  # submitted newest first: first, then second, then third


@pytest.mark.parametrize(
    "sort, ascending",
    [
        ("reference", [0, 1, 2]),
        ("organisation", [2, 0, 1]),  # ignoring case
        ("amount", [1, 2, 0]),
        ("submitted", [2, 1, 0]),
    ],
)
def test_sorting_each_way(officer, funding_round, three, sort, ascending):
    expected = [three[i].reference for i in ascending]
    assert _references(officer.get(_url(funding_round, sort=sort, order="asc"))) == expected
    assert _references(officer.get(_url(funding_round, sort=sort, order="desc"))) == expected[::-1]


@pytest.mark.parametrize("sort", ["status", "id; DROP TABLE applications", "organisation.name", "__class__"])
def test_an_unknown_sort_key_falls_back_to_the_date_submitted(officer, funding_round, three, sort):
    response = officer.get(f"/screening/rounds/{funding_round.id}", query_string={"sort": sort})
    assert response.status_code == 200
    assert _references(response) == [three[2].reference, three[1].reference, three[0].reference]
    assert error_messages(response) == []


def test_column_headings_link_to_sorting_and_say_which_is_applied(officer, funding_round, three):
    response = officer.get(_url(funding_round, sort="amount", order="asc", status="submitted"))
    headers = {th.get_text(strip=True): th for th in page(response).select("thead th")}
    assert headers["Amount requested"]["aria-sort"] == "ascending"
    assert headers["Reference"]["aria-sort"] == "none"
    args = parse_qs(urlsplit(headers["Amount requested"].a["href"]).query)
    assert args == {"sort": ["amount"], "order": ["desc"], "status": ["submitted"]}


# Pages -----------------------------------------------------------------------------------------


def test_25_a_page_and_page_links_keep_the_filters_and_sort(officer, make_application, funding_round):
    made = [make_application(amount="1000.00") for _ in range(27)]
    make_application(amount="9000.00")  # filtered out
    response = officer.get(_url(funding_round, amount_band="under-2500", sort="reference", order="desc"))
    assert len(_references(response)) == 25
    assert "Showing 1 to 25 of 27 applications" in response.get_data(as_text=True)
    next_link = page(response).select_one(".govuk-pagination__next a")["href"]
    args = parse_qs(urlsplit(next_link).query)
    assert args == {"page": ["2"], "amount_band": ["under-2500"], "sort": ["reference"], "order": ["desc"]}
    second = officer.get(next_link)
    assert _references(second) == [made[1].reference, made[0].reference]


def test_page_links_leave_out_refused_filter_values(officer, make_application, funding_round):
    for _ in range(26):
        make_application()
    response = officer.get(f"/screening/rounds/{funding_round.id}", query_string={"status": "nonsense", "q": "CGS"})
    next_link = page(response).select_one(".govuk-pagination__next a")["href"]
    args = parse_qs(urlsplit(next_link).query)
    assert "status" not in args and args["q"] == ["CGS"]


def test_the_list_takes_the_same_number_of_queries_for_2_or_60_applications(
    db, officer, make_application, funding_round, count_queries
):
    """Filtered by approach and a search (the total counted beside the page's ids) and by area alone
    (the total read from the round's kept counts): the same statements for 2 applications as for 60."""
    areas = list(db.session.scalars(select(LocalAuthority)))
    for _ in range(2):
        application = make_application()
        application.local_authorities = areas
        # Both listed: an empty page needs no second statement for its rows (paging's deferred join).
        application.approaches = [_reference_data(db, PlanApproach, "people")]
    urls = {"counted": _url(funding_round, approach="people", local_authority="plymouth", q="CGS", sort="organisation"),
            "kept": _url(funding_round, local_authority="plymouth", sort="organisation")}

    def statements() -> dict[str, int]:
        list_counts.settle()  # as the commit that made them would
        counted = {}
        for name, url in urls.items():
            with count_queries() as run:
                response = officer.get(url)
                assert response.status_code == 200
            counted[name] = len(run)
            assert len(_references(response)) == min(25, len(funding_round.applications))
        return counted

    few = statements()
    for _ in range(58):
        application = make_application()
        application.local_authorities = areas
        application.approaches = [_reference_data(db, PlanApproach, "people")]
    db.session.flush()
    db.session.expire(funding_round, ["applications"])
    many = statements()
    assert many == few
    report(f"round list: {few['counted']} queries for 2 applications, {many['counted']} for 60 (total counted); "
           f"{few['kept']} and {many['kept']} (total kept)")


@pytest.mark.visible_text(allow=["<script>alert('title')</script>", "<img src=x onerror=alert(1)>"])  # as typed
def test_project_titles_and_organisation_names_are_escaped(officer, make_application, funding_round):
    make_application(
        project_title="<script>alert('title')</script>",
        organisation=OrganisationFactory(name="<img src=x onerror=alert(1)>"),
    )
    html = officer.get(_url(funding_round)).get_data(as_text=True)
    assert "<script>alert('title')</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x" in html
