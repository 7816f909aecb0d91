"""Making a grant offer through the staff pages: the awards list, the offer form (its defaults and
every refusal shown on its field), the award page and the printable offer letter, and who may do what."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from grants.award_conditions import STANDARD_CONDITIONS
from grants.extensions import db as _db
from grants.interfaces.awards.offers import end_of_day, london_today
from grants.modelling.calendar import add_months
from grants.models.applications import ApplicationSection, ApplicationStatus
from grants.models.audit import AuditEvent
from grants.models.awards import Award, AwardStatus, InstalmentTrigger
from grants.models.mail import OutboxMessage
from grants.models.reference import PlanApproach
from grants.models.types import utcnow
from tests import custom_application_form as custom
from tests.factories import ApplicationFactory, AwardFactory, FundingRoundFactory, UserFactory
from tests.helpers import error_messages, page, post

TYPED_MARKUP = "<script>alert('x')</script>"  # special conditions an officer typed, shown as typed
pytestmark = pytest.mark.visible_text(allow=[TYPED_MARKUP])

START, END = date(2027, 4, 1), date(2028, 3, 31)


def parts(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


@pytest.fixture
def decided_round(db):
    return FundingRoundFactory(name="Safer Streets 2026", opens_at=utcnow() - timedelta(days=120),
                               closes_at=utcnow() - timedelta(days=90), published_at=utcnow() - timedelta(days=121),
                               decided_at=utcnow() - timedelta(days=30), total_budget=Decimal("10000.00"))


@pytest.fixture
def approach(db):
    return _db.session.scalars(select(PlanApproach).order_by(PlanApproach.position)).first()


@pytest.fixture
def successful(db, users, decided_round, approach):
    """Organisation A's successful bid for £4,000, from 1 April 2027 to 31 March 2028."""
    application = ApplicationFactory(funding_round=decided_round, organisation=users["org_a"],
                                     status=ApplicationStatus.SUCCESSFUL, amount_requested=Decimal("4000.00"),
                                     reference="CGS-2026-0101", project_title="Recovery café",
                                     submitted_at=utcnow() - timedelta(days=60), approaches=[approach])
    _db.session.add(ApplicationSection(application=application, key="delivery", complete=True,
                                       answers={"start_date": parts(START), "end_date": parts(END)}))
    _db.session.flush()
    return application


@pytest.fixture
def officer(as_role):
    return as_role("grants_officer")


def offer_data(users, approach=None, **changes) -> dict:
    """A complete offer form: £4,000 in two halves, the first on acceptance."""
    data = {
        "amount": "4000.00", "amount_reason": "",
        "start_date": parts(START), "end_date": parts(END),
        "standard_conditions": list(STANDARD_CONDITIONS), "special_conditions": "",
        "monitoring_frequency": "quarterly", "officer_id": str(users["grants_officer"].id),
        "offer_deadline": parts(london_today() + timedelta(days=28)),
        "commitments": [str(approach.commitments[0].id)] if approach else [],
        "instalments-0-amount": "2000.00", "instalments-0-due_date": parts(START),
        "instalments-0-trigger": "on_acceptance",
        "instalments-1-amount": "2000.00", "instalments-1-due_date": parts(date(2027, 9, 30)),
        "instalments-1-trigger": "after_return",
    }
    data.update(changes)
    return data


def _summary_links(response) -> dict[str, str]:
    """Error summary message → the id it links to."""
    html = page(response)
    summary = html.select_one(".govuk-error-summary")
    links = {" ".join(a.get_text().split()): a["href"] for a in summary.select("a")} if summary else {}
    assert all(html.select_one(href) for href in links.values()), "a link to nothing"
    return links


def _count(model) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


# The awards list ---------------------------------------------------------------------------------

def test_the_list_shows_applications_ready_to_award_and_the_awards_with_their_status(officer, users, successful):
    lapsed = AwardFactory(organisation=users["org_b"], offer_deadline=utcnow() - timedelta(hours=1),
                          officer_id=users["grants_officer"].id)
    response = officer.get("/awards")
    assert response.status_code == 200
    ready = page(response).select_one("#ready ~ div table")
    assert "CGS-2026-0101" in ready.get_text() and "Make an offer" in ready.get_text()
    row = page(response).select_one("#awards-table tbody tr").get_text(" ")
    assert "Organisation B" in row and "£4,000.00" in row
    assert "Lapsed" in row  # still "offered" in the table, but past its deadline
    assert "Offer lapsed: extend or withdraw it" in row
    assert users["grants_officer"].full_name in row
    assert lapsed.funding_round.name in row


def test_the_list_can_be_filtered_by_round(officer, users, successful):
    other = AwardFactory(organisation=users["org_b"])
    shown = page(officer.get(f"/awards?round={successful.round_id}")).get_text()
    assert "CGS-2026-0101" in shown and other.application.reference not in shown
    everything = page(officer.get("/awards?round=999999")).get_text()  # an unknown round: all of them
    assert "CGS-2026-0101" in everything and other.application.reference in everything


# The offer form ----------------------------------------------------------------------------------

def test_the_form_starts_from_the_amount_asked_and_half_now_half_after_the_first_return(officer, successful, users):
    response = officer.get(f"/awards/new/{successful.id}")
    assert response.status_code == 200
    html = page(response)
    assert html.select_one("#amount")["value"] == "4000.00"
    assert [html.select_one(f"#instalments-{i}-amount")["value"] for i in range(3)] == ["2000.00", "2000.00", ""]
    assert html.select_one("#instalments-0-due_date-year")["value"] == "2027"
    assert html.select_one("#instalments-1-due_date-month")["value"] == "09"  # half way: 30 September
    assert html.select_one("#instalments-1-trigger option[selected]")["value"] == "after_return"
    assert len(html.select("input[name=standard_conditions][checked]")) == len(STANDARD_CONDITIONS)
    assert html.select_one("#start_date-day")["value"] == "01"
    deadline = london_today() + timedelta(days=28)
    assert html.select_one("#offer_deadline-day")["value"] == f"{deadline.day:02d}"
    assert html.select_one("#officer_id option[selected]")["value"] == str(users["grants_officer"].id)
    assert "£10,000.00 of it is not held" in html.get_text()  # the round's headroom
    assert len(html.select("input[name=commitments]")) == len(successful.approaches[0].commitments)


@pytest.mark.parametrize("start, end", [(["1", "April", "2027"], ["31", "Mar", "2028"]),
                                        (["1/4/2027", "", ""], ["31 March 2028", "", ""])])
def test_dates_answered_with_month_names_or_whole_give_the_offers_dates(officer, successful, start, end):
    """The application's date boxes accept a month's name and a whole date in the day box: the
    offer form starts from those dates, not from today."""
    successful.section("delivery").answers = {"start_date": start, "end_date": end}
    _db.session.flush()
    html = page(officer.get(f"/awards/new/{successful.id}"))
    assert [html.select_one(f"#start_date-{box}")["value"] for box in ("day", "month", "year")] == ["01", "04", "2027"]
    assert html.select_one("#instalments-1-due_date-month")["value"] == "09"


def _dates_shown(html) -> tuple[list[str], list[str]]:
    return tuple([html.select_one(f"#{name}-{box}")["value"] for box in ("day", "month", "year")]
                 for name in ("start_date", "end_date"))


def test_the_dates_are_the_answers_to_the_project_start_and_end_questions_of_the_applications_form(
        officer, successful):
    """A round's own form asks the dates where and as it likes; the standard form's "delivery"
    answers, still there, are not its own and are not read."""
    custom.answering(successful, {"timing": {"begins": parts(custom.START), "finishes": parts(custom.END)}})
    _db.session.flush()
    html = page(officer.get(f"/awards/new/{successful.id}"))
    assert _dates_shown(html) == (["03", "05", "2027"], ["29", "02", "2028"])


@pytest.mark.parametrize("start, end", [
    (parts(START), None),  # no end date
    (parts(END), parts(START)),  # the end before the start
    (["31", "February", "2027"], parts(END)),  # not a date
    (["", "", ""], parts(END)),
])
def test_without_two_dates_in_order_the_offer_runs_a_year_from_today(officer, successful, start, end):
    successful.section("delivery").answers = {"start_date": start, **({"end_date": end} if end else {})}
    _db.session.flush()
    today = london_today()
    last = add_months(today, 12) - timedelta(days=1)
    html = page(officer.get(f"/awards/new/{successful.id}"))
    assert _dates_shown(html) == tuple([f"{day.day:02d}", f"{day.month:02d}", str(day.year)] for day in (today, last))


def test_the_default_halves_add_up_to_the_penny(officer, successful):
    successful.amount_requested = Decimal("4000.01")
    _db.session.flush()
    html = page(officer.get(f"/awards/new/{successful.id}"))
    assert [html.select_one(f"#instalments-{i}-amount")["value"] for i in range(2)] == ["2000.01", "2000.00"]


def test_an_offer_is_made_and_the_organisation_emailed(officer, users, successful, approach):
    UserFactory(email="treasurer@example.org", organisation=users["org_a"])
    UserFactory(email="left@example.org", organisation=users["org_a"], active=False)  # not emailed
    response = post(officer, f"/awards/new/{successful.id}",
                    offer_data(users, approach, special_conditions="Send us your updated safeguarding policy"))
    assert response.status_code == 302, error_messages(response)
    award = _db.session.scalars(select(Award).where(Award.application_id == successful.id)).one()
    assert response.headers["Location"] == f"/awards/{award.id}"
    assert award.status is AwardStatus.OFFERED and award.amount == Decimal("4000.00")
    assert (award.start_date, award.end_date) == (START, END)
    assert award.standard_conditions == list(STANDARD_CONDITIONS)
    assert award.special_conditions == "Send us your updated safeguarding policy"
    assert award.officer_id == users["grants_officer"].id
    assert award.offer_deadline == end_of_day(london_today() + timedelta(days=28))
    assert [(i.amount, i.trigger) for i in award.instalments] == [
        (Decimal("2000.00"), InstalmentTrigger.ON_ACCEPTANCE), (Decimal("2000.00"), InstalmentTrigger.AFTER_RETURN)]
    assert len(award.returns) == 4 and award.returns[-1].final
    assert [c.id for c in award.commitments] == [approach.commitments[0].id]
    assert _db.session.scalar(select(AuditEvent.action).where(AuditEvent.entity_id == str(award.id))) == "award.offered"

    mail = list(_db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    assert {m.recipient for m in mail} == {users["org_a"].contact_email, "applicant.a@example.org",
                                          "treasurer@example.org"}
    assert all(f"http://localhost/grants/{award.id}/offer" in m.body for m in mail)
    assert "£4,000.00" in mail[0].body and "CGS-2026-0101" in mail[0].subject

    shown = page(officer.get(response.headers["Location"])).get_text(" ")
    assert "has been offered £4,000.00" in shown
    assert "Waiting for acceptance by" in shown


def _refused(officer, successful, data):
    before = (_count(Award), _count(OutboxMessage), _count(AuditEvent))
    response = post(officer, f"/awards/new/{successful.id}", data)
    assert response.status_code == 200
    assert (_count(Award), _count(OutboxMessage), _count(AuditEvent)) == before  # nothing written
    return response


@pytest.mark.parametrize("changes, message, href", [
    ({"amount": "3500.00", "instalments-0-amount": "1750.00", "instalments-1-amount": "1750.00"},
     "Give the reason the award differs from the £4,000.00 asked for", "#amount_reason"),
    ({"end_date": parts(date(2027, 3, 1))}, "End date must be on or after the start date", "#end_date-day"),
    ({"instalments-1-amount": "1999.99"},
     "The instalments add up to £3,999.99: they must add up to the award of £4,000.00", "#instalments-0-amount"),
    ({"instalments-1-due_date": parts(date(2028, 4, 1))}, "Instalment 2 must be due within the award period",
     "#instalments-0-amount"),
    ({"offer_deadline": parts(london_today() - timedelta(days=1))}, "The offer deadline must be in the future",
     "#offer_deadline-day"),
])
def test_each_refusal_is_shown_on_its_field(officer, users, successful, changes, message, href):
    response = _refused(officer, successful, offer_data(users, **changes))
    assert _summary_links(response) == {message: href}
    assert page(response).select_one("title").get_text().startswith("Error:")


def test_an_offer_over_the_rounds_budget_is_refused_and_nothing_is_written(officer, users, successful, decided_round):
    AwardFactory(organisation=users["org_b"], amount=Decimal("7000.00"),
                 application=ApplicationFactory(funding_round=decided_round, status=ApplicationStatus.SUCCESSFUL,
                                                reference="CGS-2026-0102", amount_requested=Decimal("7000.00")))
    html = page(officer.get(f"/awards/new/{successful.id}"))
    assert "£3,000.00 of it is not held" in html.get_text()
    response = _refused(officer, successful, offer_data(users))
    assert _summary_links(response) == {
        "The round has £3,000.00 left of its £10,000.00 budget: an award of £4,000.00 would go over it by £1,000.00":
        "#amount"}


def test_what_was_typed_is_checked_first(officer, users, successful):
    data = offer_data(users, amount="", start_date=["", "", ""], officer_id="999999", monitoring_frequency="",
                      **{"instalments-2-amount": "100", "instalments-3-due_date": parts(START),
                         "instalments-4-amount": "ten pounds", "instalments-4-due_date": ["31", "2", "2027"]})
    response = _refused(officer, successful, data)
    assert error_messages(response) == [
        "Enter the amount to award",
        "Enter the date the grant starts",
        "Enter the date instalment 3 is due",
        "Enter the amount of instalment 4",
        "Instalment amount must be a number, like 12500",
        "Due date must be a real date",
        "Select how often the grantee sends monitoring returns",
        "Select the officer responsible",
    ]


def test_blank_schedule_rows_are_ignored_and_later_rows_count(officer, users, successful):
    data = offer_data(users, **{"instalments-1-amount": "", "instalments-1-due_date": ["", "", ""],
                                "instalments-3-amount": "2000.00", "instalments-3-due_date": parts(END),
                                "instalments-3-trigger": "on_date"})
    assert post(officer, f"/awards/new/{successful.id}", data).status_code == 302
    award = _db.session.scalars(select(Award)).one()
    assert [(i.number, i.due_date, i.trigger) for i in award.instalments] == [
        (1, START, InstalmentTrigger.ON_ACCEPTANCE), (2, END, InstalmentTrigger.ON_DATE)]


@pytest.mark.parametrize("status", [ApplicationStatus.SUBMITTED, ApplicationStatus.UNSUCCESSFUL])
def test_only_a_successful_application_without_an_award_can_be_offered(officer, users, successful, status):
    successful.status = status
    _db.session.flush()
    response = officer.get(f"/awards/new/{successful.id}")
    assert response.status_code == 302 and response.headers["Location"] == "/awards"
    assert "only successful applications can" in page(officer.get("/awards")).get_text()


def test_a_second_award_on_the_same_application_is_refused(officer, users, successful):
    assert post(officer, f"/awards/new/{successful.id}", offer_data(users)).status_code == 302
    response = post(officer, f"/awards/new/{successful.id}", offer_data(users))
    assert response.status_code == 302
    assert "CGS-2026-0101 already has an award" in page(officer.get("/awards")).get_text()
    assert _count(Award) == 1


def test_an_application_that_does_not_exist_is_not_found(officer):
    assert officer.get("/awards/new/999999").status_code == 404
    assert officer.get("/awards/999999").status_code == 404


# The award page and the offer letter -------------------------------------------------------------

@pytest.fixture
def offered(officer, users, successful, approach):
    data = offer_data(users, approach, amount="3500.00", amount_reason="The venue hire is already funded",
                      special_conditions=TYPED_MARKUP + "\nSend photos of the café",
                      standard_conditions=["purpose", "records"],
                      **{"instalments-0-amount": "1750.00", "instalments-1-amount": "1750.00"})
    assert post(officer, f"/awards/new/{successful.id}", data).status_code == 302
    return _db.session.scalars(select(Award)).one()


def test_the_award_page_summarises_the_offer(officer, offered, approach):
    response = officer.get(f"/awards/{offered.id}")
    html = page(response)
    text = " ".join(html.select_one("main").get_text(" ").split())
    assert "£3,500.00 (£4,000.00 asked for)" in text
    assert "The venue hire is already funded" in text
    assert "1 April 2027 to 31 March 2028" in text
    assert STANDARD_CONDITIONS["records"] in text and STANDARD_CONDITIONS["safeguarding"] not in text
    assert approach.commitments[0].text in text
    assert html.select_one(f"a[href='/screening/applications/{offered.application_id}']")
    for endpoint in ("edit", "extend", "withdraw", "offer-letter"):
        assert html.select_one(f"a[href='/awards/{offered.id}/{endpoint}']"), endpoint


def test_the_offer_letter_has_the_agreement_and_escapes_what_was_typed(officer, offered, users):
    response = officer.get(f"/awards/{offered.id}/offer-letter")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;<br>Send photos" in html
    text = " ".join(page(response).select_one("main").get_text(" ").split())
    assert "Office of the Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly" in text
    assert "Organisation A" in text
    assert "£3,500.00 (three thousand, five hundred pounds)" in text
    assert STANDARD_CONDITIONS["purpose"] in text and STANDARD_CONDITIONS["records"] in text
    assert STANDARD_CONDITIONS["acknowledge"] not in text
    assert "£1,750.00" in text and "After a satisfactory monitoring return" in text
    assert "Not accepted yet" in text
    assert "1 April 2027 to 30 June 2027 30 July 2027" in text  # the first quarterly return


def test_the_offer_letter_hides_the_service_chrome_in_print(officer, offered):
    html = page(officer.get(f"/awards/{offered.id}/offer-letter"))
    assert html.select_one(".opcc-agreement")
    assert "print command" in html.select_one(".opcc-no-print ~ .opcc-no-print").get_text()


# Who may do what ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["finance_officer", "commissioner", "admin"])
def test_other_staff_can_look_but_not_change(as_role, users, offered, successful, role):
    client = as_role(role)
    for url in ("/awards", f"/awards/{offered.id}", f"/awards/{offered.id}/offer-letter"):
        assert client.get(url).status_code == 200, url
    shown = page(client.get(f"/awards/{offered.id}"))
    assert not shown.select_one(f"a[href='/awards/{offered.id}/edit']")
    # The application is linked only for those who may open it.
    linked = shown.select_one(f"a[href='/screening/applications/{offered.application_id}']") is not None
    assert linked is (role == "admin") and "CGS-2026-0101" in shown.get_text()
    for url in (f"/awards/{offered.id}/edit", f"/awards/{offered.id}/extend", f"/awards/{offered.id}/withdraw"):
        assert client.get(url).status_code == 403, url
        assert post(client, url, {"reason": "No"}).status_code == 403, url
    assert post(client, f"/awards/new/{successful.id}", offer_data(users)).status_code == 403
    assert _count(Award) == 1


@pytest.mark.parametrize("role", ["panel_member", "applicant"])
def test_panel_members_and_applicants_cannot_see_staff_award_pages(as_role, offered, role):
    client = as_role(role)
    for url in ("/awards", f"/awards/{offered.id}", f"/awards/{offered.id}/offer-letter",
                f"/awards/{offered.id}/edit"):
        assert client.get(url).status_code == 403, url
