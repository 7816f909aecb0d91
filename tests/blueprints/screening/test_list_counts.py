"""The officers' list reads its totals and status counts from the round's kept counts
(grants.interfaces.screening.list_counts), and sorts by organisation on a kept sort key: what an officer
reads stays right as applications are screened, withdrawn or decided, as organisations are renamed, and
for a round whose counts are not kept."""

from __future__ import annotations

from sqlalchemy import delete, select, text

from grants.interfaces.applications import submission
from grants.interfaces.screening import applications as screening
from grants.interfaces.screening import list_counts
from grants.models.applications import ApplicationListCount, ApplicationListRound, ApplicationStatus
from grants.models.reference import LocalAuthority
from tests import list_counts_check
from tests.blueprints.screening.test_lists import _references, _url
from tests.factories import OrganisationFactory
from tests.helpers import page

S = ApplicationStatus


def _shown(officer, funding_round, **args) -> str:
    """The list's "Showing … of …" line, as the officer reads it."""
    response = officer.get(_url(funding_round, **args))
    assert response.status_code == 200
    return page(response).select_one("main p.govuk-body").get_text(" ", strip=True)


def _status_counts(officer, funding_round) -> list[str]:
    response = officer.get(_url(funding_round))
    return [" ".join(item.get_text(" ", strip=True).split()) for item in page(response).select("main ul li")
            if ":" in item.get_text()]


def _area(db, code: str) -> LocalAuthority:
    return db.session.scalar(select(LocalAuthority).where(LocalAuthority.code == code))


def test_the_totals_follow_screening_withdrawal_and_areas(db, officer, users, make_application, funding_round):
    plymouth, cornwall = _area(db, "plymouth"), _area(db, "cornwall")
    bids = [make_application(local_authorities=[plymouth] if n % 2 else [cornwall]) for n in range(5)]
    make_application(status=S.DRAFT, local_authorities=[plymouth])  # a draft is never listed
    list_counts.settle()
    assert db.session.get(ApplicationListRound, funding_round.id) is not None  # kept, so read
    assert _shown(officer, funding_round) == "Showing 1 to 5 of 5 applications"
    assert _shown(officer, funding_round, local_authority="plymouth") == "Showing 1 to 2 of 2 applications"

    screening.screen(bids[1], False, "Outside the area", users["grants_officer"])
    submission.withdraw(bids[3], users["applicant"])
    assert _shown(officer, funding_round, local_authority="plymouth", status="submitted") == "No applications found."
    assert _shown(officer, funding_round, local_authority="plymouth", status="ineligible") \
        == "Showing 1 to 1 of 1 applications"
    assert _shown(officer, funding_round, local_authority="cornwall") == "Showing 1 to 3 of 3 applications"
    assert "Submitted: 3" in _status_counts(officer, funding_round)
    assert "Ineligible: 1" in _status_counts(officer, funding_round)
    assert "Withdrawn: 1" in _status_counts(officer, funding_round)

    bids[0].local_authorities = [plymouth, cornwall]  # now in both areas
    db.session.flush()
    assert _shown(officer, funding_round, local_authority="plymouth") == "Showing 1 to 3 of 3 applications"


def test_a_deep_page_and_the_last_page_with_kept_totals(db, officer, make_application, funding_round):
    for _ in range(27):
        make_application()
    list_counts.settle()
    assert _shown(officer, funding_round, page=2) == "Showing 26 to 27 of 27 applications"
    assert officer.get(_url(funding_round, page=3)).status_code == 404  # past the last page, from the count


def test_renaming_an_organisation_moves_its_applications_in_the_list(db, officer, make_application, funding_round):
    names = ["Bodmin Recovery Hub", "Camborne Families Together", "St Ives Youth Outreach"]
    made = [make_application(organisation=OrganisationFactory(name=name)) for name in names]
    assert _references(officer.get(_url(funding_round, sort="organisation"))) == [a.reference for a in made]
    made[2].organisation.name = "Aaron's Lantern Trust"  # now first by name
    db.session.flush()
    assert _references(officer.get(_url(funding_round, sort="organisation"))) \
        == [made[2].reference, made[0].reference, made[1].reference]
    assert _references(officer.get(_url(funding_round, sort="organisation", order="desc"))) \
        == [made[1].reference, made[0].reference, made[2].reference]


def test_a_round_without_kept_counts_is_counted_from_its_rows(db, officer, make_application, funding_round):
    for status in (S.SUBMITTED, S.SUBMITTED, S.INELIGIBLE):
        make_application(status=status)
    list_counts.settle()
    db.session.execute(delete(ApplicationListRound).where(ApplicationListRound.round_id == funding_round.id))
    assert db.session.scalar(select(ApplicationListCount).where(ApplicationListCount.round_id == funding_round.id)) \
        is None  # its counts went with it
    assert _shown(officer, funding_round) == "Showing 1 to 3 of 3 applications"
    assert "Submitted: 2" in _status_counts(officer, funding_round)


def test_the_suites_check_finds_a_change_the_counts_were_not_told_of(db, make_application, funding_round):
    """The check every test ends with (tests/list_counts_check.py) finds a plain-SQL change of status and
    a sort key left behind; it is cleared before this test ends, so that its own check passes."""
    application = make_application()
    list_counts.settle()
    assert list_counts_check.problems() == []
    db.session.execute(text("UPDATE applications SET status = 'ineligible' WHERE id = :id"), {"id": application.id})
    found = list_counts_check.problems()
    number = funding_round.id
    assert found == [f"kept but not so: [({number}, 'submitted', 0, 1)]; "
                     f"so but not kept: [({number}, 'ineligible', 0, 1)]"]
    assert list_counts_check.problems() == []  # the check counted the round again as it compared
    db.session.execute(text("UPDATE applications SET organisation_sort = 'zzz' WHERE id = :id"),
                       {"id": application.id})
    assert [problem for problem in list_counts_check.problems() if "sort key of application" in problem]
    db.session.execute(text("UPDATE applications SET organisation_sort = (SELECT lower(name) FROM organisations "
                            "WHERE organisations.id = applications.organisation_id) WHERE id = :id"),
                       {"id": application.id})
    assert list_counts_check.problems() == []


def test_a_statement_renaming_organisations_keys_their_applications_again(db, officer, make_application,
                                                                          funding_round):
    from sqlalchemy import update

    from grants.models.organisations import Organisation

    made = [make_application(organisation=OrganisationFactory(name=name)) for name in ("Alpha Trust", "Beta Trust")]
    db.session.execute(update(Organisation).where(Organisation.id == made[0].organisation_id)
                       .values(name="Zeta Trust").execution_options(synchronize_session=False))
    assert _references(officer.get(_url(funding_round, sort="organisation"))) \
        == [made[1].reference, made[0].reference]
