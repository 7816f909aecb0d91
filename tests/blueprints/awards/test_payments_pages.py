"""The finance queues, approving and paying instalments, holds, and the payments sections of the
staff and grantee award pages, over HTTP."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from flask import render_template

from grants.interfaces.awards import payments
from grants.models.awards import AwardStatus, InstalmentStatus
from grants.models.types import utcnow
from tests.factories import AwardFactory
from tests.helpers import error_messages, page, post

TODAY = payments.uk_today()


@pytest.fixture
def award(db, users):
    """An accepted £4,000 award of organisation A: instalment 1 (£2,000) due, instalment 2 waiting."""
    award = AwardFactory(organisation=users["org_a"], status=AwardStatus.ACCEPTED,
                         accepted_at=utcnow() - timedelta(days=20), accepted_name="Alex Contact",
                         accepted_position="Chair")
    award.instalments[0].status = InstalmentStatus.DUE
    db.session.flush()
    return award


def url(award, instalment, action: str) -> str:
    return f"/awards/{award.id}/instalments/{instalment.id}/{action}"


def approve(award, users, number=1):
    instalment = award.instalments[number - 1]
    # By the second finance officer: the one who approves cannot record the payment.
    payments.approve(instalment, users["finance_approver"])
    return instalment


def flashed(response) -> str:
    banner = page(response).select_one(".govuk-notification-banner")
    return " ".join(banner.get_text().split()) if banner else ""


# The queues --------------------------------------------------------------------------------------

def test_finance_sees_the_queues_with_totals(db, as_role, users, award):
    approve(award, users)
    other = AwardFactory(organisation=users["org_b"], status=AwardStatus.ACCEPTED, accepted_at=utcnow())
    other.instalments[0].status = InstalmentStatus.DUE
    db.session.flush()
    response = as_role("finance_officer").get("/awards/payments")
    assert response.status_code == 200
    soup = page(response)
    totals = {row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.select("td")]
              for row in soup.select("table")[0].select("tbody tr")}
    assert totals["Due for approval"] == ["1", "£2,000.00"]
    assert totals["Approved, waiting for payment"] == ["1", "£2,000.00"]
    assert totals["On hold"] == ["0", "£0.00"]
    due = soup.select_one("#due").find_next("table")
    assert other.application.reference in due.get_text() and "Organisation B" in due.get_text()
    assert due.select_one("button").get_text(" ", strip=True) == (
        f"Approve instalment 1 of {other.application.reference}")
    approved = soup.select_one("#approved").find_next("table")
    assert "Record payment" in approved.get_text()


def test_grants_officers_see_the_queues_with_hold_actions_only(as_role, award):
    soup = page(as_role("grants_officer").get("/awards/payments"))
    due = soup.select_one("#due").find_next("table")
    assert "Put on hold" in due.get_text() and "Approve" not in due.get_text()


@pytest.mark.parametrize("role", ["applicant", "panel_member", "commissioner"])
def test_others_may_not_open_the_queues(as_role, role):
    assert as_role(role).get("/awards/payments").status_code == 403


# Approving ---------------------------------------------------------------------------------------

def test_finance_approves_and_a_second_click_is_told(as_role, users, award):
    client = as_role("finance_officer")
    first = award.instalments[0]
    response = post(client, url(award, first, "approve"))
    assert response.status_code == 302 and response.headers["Location"] == "/awards/payments#due"
    assert first.status is InstalmentStatus.APPROVED and first.approved_by_id == users["finance_officer"].id
    client.get(response.headers["Location"])  # the page the browser goes on to, showing that it was approved
    response = post(client, url(award, first, "approve"), follow_redirects=True)
    assert f"has already been approved by {users['finance_officer'].full_name}" in flashed(response)


def test_approving_a_held_instalment_is_refused(as_role, users, award):
    payments.hold(award.instalments[0], "Return 1 is overdue", users["grants_officer"])
    response = post(as_role("finance_officer"), url(award, award.instalments[0], "approve"), follow_redirects=True)
    assert "is on hold: it cannot be approved until it is released" in flashed(response)
    assert award.instalments[0].status is InstalmentStatus.DUE


def test_approving_an_instalment_not_due_is_refused(as_role, award):
    response = post(as_role("finance_officer"), url(award, award.instalments[1], "approve"), follow_redirects=True)
    assert "is not due yet" in flashed(response)


@pytest.mark.parametrize("role", ["grants_officer", "panel_member", "applicant", "admin"])
def test_only_finance_approves(as_role, award, role):
    assert post(as_role(role), url(award, award.instalments[0], "approve")).status_code == 403
    assert award.instalments[0].status is InstalmentStatus.DUE


def test_an_instalment_of_another_award_is_not_found(as_role, users, award):
    other = AwardFactory(organisation=users["org_b"])
    finance, officer = as_role("finance_officer"), as_role("grants_officer")
    assert post(finance, url(award, other.instalments[0], "approve")).status_code == 404
    assert finance.get(url(award, other.instalments[0], "pay")).status_code == 404
    assert officer.get(url(other, award.instalments[0], "hold")).status_code == 404
    assert post(officer, url(other, award.instalments[0], "release")).status_code == 404
    assert finance.get(f"/awards/999999/instalments/{award.instalments[0].id}/pay").status_code == 404


# Paying ------------------------------------------------------------------------------------------

def test_finance_records_a_payment(as_role, users, award):
    first = approve(award, users)
    client = as_role("finance_officer")
    form = page(client.get(url(award, first, "pay")))
    assert form.select_one("h1").get_text(strip=True) == "Record payment of instalment 1"
    response = post(client, url(award, first, "pay"), {
        "paid_on": [str(TODAY.day), str(TODAY.month), str(TODAY.year)], "reference": " BACS 0042 "})
    assert response.status_code == 302 and response.headers["Location"] == "/awards/payments#approved"
    assert (first.status, first.paid_on, first.payment_reference) == (InstalmentStatus.PAID, TODAY, "BACS 0042")


@pytest.mark.parametrize("data, messages", [
    ({}, ["Enter the date the payment was made", "Enter the payment reference"]),
    ({"paid_on": ["31", "2", "2027"], "reference": "X"}, ["Date paid must be a real date"]),
    ({"paid_on": ["", "2", "2027"], "reference": "X"}, ["Date paid must include a day"]),
    ({"reference": "R" * 61, "paid_on": ["1", "1", "2026"]}, ["Payment reference must be 60 characters or fewer"]),
])
def test_bad_payment_details_are_shown_in_the_error_summary(as_role, users, award, data, messages):
    first = approve(award, users)
    response = post(as_role("finance_officer"), url(award, first, "pay"), data)
    assert response.status_code == 200
    assert error_messages(response) == messages
    assert first.status is InstalmentStatus.APPROVED


def test_a_future_payment_date_is_refused_beside_the_date(as_role, users, award):
    first = approve(award, users)
    tomorrow = TODAY + timedelta(days=1)
    response = post(as_role("finance_officer"), url(award, first, "pay"),
                    {"paid_on": [str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)], "reference": "R1"})
    assert error_messages(response) == ["Date paid must be today or in the past"]
    assert page(response).select_one(".govuk-error-summary a")["href"] == "#paid_on-day"
    assert first.status is InstalmentStatus.APPROVED


def test_a_payment_beyond_the_award_is_refused_in_the_error_summary(db, as_role, users, award):
    finance = users["finance_officer"]
    payments.record_payment(approve(award, users), TODAY, "R1", finance)
    award.instalments[1].status = InstalmentStatus.DUE
    second = approve(award, users, 2)
    award.amount = Decimal("3500.00")  # as a variation might leave it
    db.session.flush()
    response = post(as_role("finance_officer"), url(award, second, "pay"),
                    {"paid_on": [str(TODAY.day), str(TODAY.month), str(TODAY.year)], "reference": "R2"})
    assert error_messages(response) == [
        "Paying instalment 2 (£2,000.00) would take the payments on this award to £4,000.00, more than the award of "
        "£3,500.00: £2,000.00 has been paid already, so £1,500.00 is left"]
    assert second.status is InstalmentStatus.APPROVED


def test_an_instalment_not_approved_shows_why_it_cannot_be_paid(as_role, award):
    client = as_role("finance_officer")
    response = client.get(url(award, award.instalments[0], "pay"))
    assert response.status_code == 200
    assert "has not been approved for payment yet" in page(response).get_text()
    assert page(response).select_one("form input[name=reference]") is None
    response = post(client, url(award, award.instalments[0], "pay"), {"reference": "R1"}, follow_redirects=True)
    assert "has not been approved for payment yet" in flashed(response)
    assert award.instalments[0].status is InstalmentStatus.DUE


def test_paying_twice_is_told(as_role, users, award):
    first = approve(award, users)
    client = as_role("finance_officer")
    data = {"paid_on": [str(TODAY.day), str(TODAY.month), str(TODAY.year)], "reference": "R1"}
    post(client, url(award, first, "pay"), data, follow_redirects=True)
    response = post(client, url(award, first, "pay"), {**data, "reference": "R2"}, follow_redirects=True)
    assert "has already been paid" in flashed(response) and "reference R1" in flashed(response)
    assert first.payment_reference == "R1"


def test_after_an_action_the_user_goes_back_to_the_page_they_came_from_on_this_site(as_role, users, award):
    client = as_role("finance_officer")
    response = post(client, url(award, award.instalments[0], "approve"), {"next": f"/awards/{award.id}#payments"})
    assert response.headers["Location"] == f"/awards/{award.id}#payments"
    award.instalments[1].status = InstalmentStatus.DUE
    for unsafe in ("https://evil.example.com/", "//evil.example.com/", "/\\evil.example.com"):
        response = post(client, url(award, award.instalments[1], "approve"), {"next": unsafe})
        assert response.headers["Location"].startswith("/awards/payments"), unsafe


@pytest.mark.parametrize("role", ["grants_officer", "commissioner", "applicant"])
def test_only_finance_records_payments(as_role, users, award, role):
    first = approve(award, users)
    assert as_role(role).get(url(award, first, "pay")).status_code == 403
    assert post(as_role(role), url(award, first, "pay"), {"reference": "R1"}).status_code == 403


# Holds -------------------------------------------------------------------------------------------

def test_an_officer_holds_and_releases_an_instalment(as_role, award):
    client = as_role("grants_officer")
    first = award.instalments[0]
    assert page(client.get(url(award, first, "hold"))).select_one("textarea[name=reason]") is not None
    response = post(client, url(award, first, "hold"), {"reason": "Return 1 is overdue"})
    assert response.status_code == 302 and response.headers["Location"] == "/awards/payments#held"
    assert first.held and first.hold_reason == "Return 1 is overdue"
    soup = page(client.get("/awards/payments"))
    assert "Return 1 is overdue" in soup.select_one("#held").find_next("table").get_text()
    response = post(client, url(award, first, "release"))
    assert response.status_code == 302 and not first.held


def test_a_hold_needs_a_reason(as_role, award):
    response = post(as_role("grants_officer"), url(award, award.instalments[0], "hold"), {"reason": "  "})
    assert error_messages(response) == ["Enter why the instalment is on hold"]
    assert not award.instalments[0].held


def test_holding_twice_or_releasing_a_free_instalment_is_told(as_role, award):
    client = as_role("grants_officer")
    first = award.instalments[0]
    post(client, url(award, first, "hold"), {"reason": "Overdue"}, follow_redirects=True)
    response = post(client, url(award, first, "hold"), {"reason": "Again"}, follow_redirects=True)
    assert "is already on hold" in flashed(response) and first.hold_reason == "Overdue"
    post(client, url(award, first, "release"), follow_redirects=True)
    response = post(client, url(award, first, "release"), follow_redirects=True)
    assert "is not on hold" in flashed(response)


@pytest.mark.parametrize("role", ["finance_officer", "panel_member", "applicant"])
def test_only_grants_officers_hold_and_release(as_role, award, role):
    assert as_role(role).get(url(award, award.instalments[0], "hold")).status_code == 403
    assert post(as_role(role), url(award, award.instalments[0], "hold"), {"reason": "x"}).status_code == 403
    assert post(as_role(role), url(award, award.instalments[0], "release")).status_code == 403
    assert not award.instalments[0].held


# The award pages' payments sections ---------------------------------------------------------------

def render_section(app, template: str, award, user) -> str:
    with app.test_request_context(f"/awards/{award.id}"):
        return render_template(template, award=award, current_user=user)


def held_and_part_paid(award, users):
    """Instalment 1 paid; instalment 2 due and held with an internal reason."""
    payments.record_payment(approve(award, users), TODAY, "BACS-SECRET-REF", users["finance_officer"])
    award.instalments[1].status = InstalmentStatus.DUE
    payments.hold(award.instalments[1], "Internal: the red rating on return 1", users["grants_officer"])


def test_the_staff_section_shows_the_schedule_totals_and_the_users_actions(app, db, users, award):
    held_and_part_paid(award, users)
    html = render_section(app, "awards/_payments.html", award, users["grants_officer"])
    soup = page_of(html)
    assert soup.select_one("h2").get_text(strip=True) == "Payments"
    text = " ".join(soup.get_text().split())
    assert "Paid £2,000.00" in text and "Left to pay £2,000.00" in text
    assert "BACS-SECRET-REF" in text and f"Approved by {users['finance_approver'].full_name}" in text
    assert "Held: Internal: the red rating on return 1" in text and "On hold" in text
    buttons = [b.get_text(" ", strip=True) for b in soup.select("button")]
    assert buttons == [f"Release instalment 2 of {award.application.reference}"]
    assert soup.select_one("input[name=next]")["value"] == f"/awards/{award.id}#payments"

    finance_view = page_of(render_section(app, "awards/_payments.html", award, users["finance_officer"]))
    assert finance_view.select("button") == []  # the only unpaid instalment is held
    commissioner_view = page_of(render_section(app, "awards/_payments.html", award, users["commissioner"]))
    assert "Actions" not in commissioner_view.get_text()


def test_the_staff_section_offers_finance_the_next_step(app, users, award):
    soup = page_of(render_section(app, "awards/_payments.html", award, users["finance_officer"]))
    assert [b.get_text(" ", strip=True) for b in soup.select("button")] == [
        f"Approve instalment 1 of {award.application.reference}"]
    approve(award, users)
    soup = page_of(render_section(app, "awards/_payments.html", award, users["finance_officer"]))
    assert "Record payment" in soup.get_text()


def test_the_grantee_section_hides_internal_details(app, users, award):
    held_and_part_paid(award, users)
    html = render_section(app, "grantee/_payments.html", award, users["applicant"])
    text = " ".join(page_of(html).get_text().split())
    assert "Paid to you so far £2,000.00" in text and "Still to be paid £2,000.00" in text
    assert f"{TODAY.day} {TODAY:%B %Y}" in text  # the date paid
    assert "On hold until your monitoring return is received and accepted" in text
    for internal in ("red rating", "BACS-SECRET-REF", users["finance_approver"].full_name,
                     users["grants_officer"].full_name, "Approve", "Release"):
        assert internal not in html
    assert page_of(html).select("form") == []



def page_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def test_the_award_pages_show_their_payments_sections(as_role, users, award):
    held_and_part_paid(award, users)
    staff = as_role("grants_officer").get(f"/awards/{award.id}")
    assert staff.status_code == 200
    section = page(staff).select_one("section[aria-labelledby=payments]")
    assert "Internal: the red rating on return 1" in section.get_text()
    grantee = as_role("applicant").get(f"/grants/{award.id}")
    assert grantee.status_code == 200
    section = page(grantee).select_one("section[aria-labelledby=payments]")
    assert "On hold until your monitoring return is received and accepted" in section.get_text()
    assert "red rating" not in grantee.get_data(as_text=True)


def test_releasing_from_the_award_page_comes_back_to_it(as_role, users, award):
    held_and_part_paid(award, users)
    client = as_role("grants_officer")
    form = page(client.get(f"/awards/{award.id}")).select_one("section[aria-labelledby=payments] form")
    response = post(client, form["action"], {"next": form.select_one("input[name=next]")["value"]})
    assert response.headers["Location"] == f"/awards/{award.id}#payments"
    assert not award.instalments[1].held
