"""A first-time applicant, over HTTP, from the start page to a submitted application, answering
the eligibility questions once.

The start page lists the open round with its closing date; the eligibility answers survive
registration (and are carried by the emailed link to another browser); the organisation form comes
filled in with the type and income they gave and the contact from their account; saving it starts
the application to the round they chose; each list then says what to do next.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from grants.formatting import london_datetime
from grants.models.applications import REQUIRED_DOCUMENTS, Application, ApplicationStatus
from tests.blueprints.applications.answers import VALID
from tests.factories import FundingRoundFactory
from tests.helpers import emailed_link, page, post
from tests.test_uploads import pdf_bytes

NAME, EMAIL, PASSWORD = "Morwenna Trelawny", "morwenna@st-ives-recovery.example.org", "gannet-lighthouse-75"
ROUND = "Safer Harbours Fund 2027"
ANSWERS = {"legal_type": "cio", "in_area": "yes", "annual_income": "18500", "amount": "4200"}
# What the organisation form asks that the eligibility check did not.
NEW_DETAILS = {"name": "St Ives Recovery Network", "charity_number": "1187654", "address_line_1": "4 Fore Street",
               "town": "St Ives", "postcode": "TR26 1AB"}


def _text(response) -> str:
    return " ".join(page(response).select_one("main").get_text(" ").split())


def _form_values(soup) -> dict:
    """What the page's form sends as it stands, as a browser would (checked boxes, typed values)."""
    values: dict[str, list[str]] = {}
    form = soup.select_one("main form[method=post]")
    for field in form.select("input[name], textarea[name], select[name]"):
        kind = field.get("type", "text")
        if kind in {"radio", "checkbox"} and not field.has_attr("checked"):
            continue
        if kind in {"submit", "file"}:
            continue
        if field.name == "textarea":
            value = field.get_text()
        elif field.name == "select":
            chosen = field.select_one("option[selected]")
            value = chosen["value"] if chosen else ""
        else:
            value = field.get("value", "")
        values.setdefault(field["name"], []).append(value)
    values.pop("csrf_token", None)
    return values


def _radio_checked(soup, name: str) -> str | None:
    checked = soup.select_one(f'input[name="{name}"][checked]')
    return checked["value"] if checked else None


def _upload(client, application_id: int, kind: str) -> None:
    response = post(client, f"/applications/{application_id}/documents",
                    {"kind": kind, "file": (io.BytesIO(pdf_bytes()), f"{kind}.pdf")},
                    content_type="multipart/form-data")
    response.request.input_stream.close()
    assert response.status_code == 302, _text(response)


def test_a_newcomer_goes_from_the_start_page_to_a_submitted_application(app, db):
    # 5pm UK time (BST) on a day the test will not reach.
    closes = datetime(2031, 7, 31, 16, 0, tzinfo=UTC)
    funding_round = FundingRoundFactory(name=ROUND, closes_at=closes)
    browser = app.test_client()

    # The start page: the open round, when it closes, and where to start.
    start = page(browser.get("/"))
    text = " ".join(start.select_one("main").get_text(" ").split())
    assert "Funding rounds open now" in text and ROUND in text
    assert f"Closes {london_datetime(closes)} (UK time)" in text
    assert "31 July 2031" in text and "5" in london_datetime(closes)  # in UK time: 5pm, not 4pm
    check_link = next(a for a in start.select("main a") if "Check if you can apply" in a.get_text())
    assert " ".join(check_link.get_text(" ").split()) == f"Check if you can apply to {ROUND}"
    assert check_link["href"] == f"/rounds/{funding_round.id}/eligibility"

    # The eligibility check, answered once.
    assert "Check if you can apply" in _text(browser.get(check_link["href"]))
    result = post(browser, check_link["href"], ANSWERS)
    assert page(result).h1.get_text(strip=True) == "You can apply to this round"
    assert "We keep your answers: you will not be asked them again" in _text(result)
    create_account = next(a["href"] for a in page(result).select("main a")
                          if a.get_text(strip=True) == "Create an account")
    next_path = parse_qs(urlsplit(create_account).query)["next"][0]

    # Registration: the emailed link is opened in another browser (a phone's mail app, say).
    assert "Create an account" in _text(browser.get(create_account))
    sent = post(browser, create_account, {"full_name": NAME, "email": EMAIL})
    assert "Check your email" in _text(sent)
    phone = app.test_client()
    link = emailed_link(EMAIL, "/register/")
    created = post(phone, link, {"password": PASSWORD, "confirm_password": PASSWORD})
    assert created.status_code == 302 and created.headers["Location"] == next_path == "/organisations/new"

    # The organisation form: type and income from the answers, the contact from the account.
    form_page = phone.get("/organisations/new")
    soup = page(form_page)
    assert "Your account has been created" in " ".join(soup.get_text(" ").split())
    text = _text(form_page)
    assert f"Applying to {ROUND}" in text
    assert "We have filled in your organisation's type and annual income from your answers" in text
    assert "Will the work take place" not in text  # the check's questions are not asked again
    assert _radio_checked(soup, "legal_type") == "cio"
    assert soup.select_one("#annual_income")["value"] == "18500.00"
    assert soup.select_one("#contact_name")["value"] == NAME
    assert soup.select_one("#contact_email")["value"] == EMAIL
    assert soup.select_one("main form button").get_text(strip=True) == "Save and start your application"

    # Only what the check did not ask is typed; saving starts the application to the round.
    saved = post(phone, "/organisations/new", _form_values(soup) | NEW_DETAILS)
    assert saved.status_code == 302, _text(saved)
    application_id = int(re.fullmatch(r"/applications/(\d+)", saved.headers["Location"]).group(1))
    tasks = phone.get(saved.headers["Location"])
    assert (f"St Ives Recovery Network has been set up and your application to {ROUND} has started"
            in " ".join(page(tasks).get_text(" ").split()))
    assert ROUND in _text(tasks)

    # Every list says what to do next.
    finish = f"Finish and submit by {london_datetime(closes)}"
    assert finish in _text(phone.get("/applications"))
    assert finish in _text(phone.get("/home"))

    # The organisation section is already filled in: it is confirmed, not typed again.
    section_page = page(phone.get(f"/applications/{application_id}/sections/organisation"))
    assert _radio_checked(section_page, "legal_type") == "cio"
    confirmed = post(phone, f"/applications/{application_id}/sections/organisation",
                     _form_values(section_page) | {"action-continue": "1"})
    assert confirmed.status_code == 302, _text(confirmed)
    for key in [k for k in VALID if k != "organisation"]:
        answered = post(phone, f"/applications/{application_id}/sections/{key}", {**VALID[key], "action-continue": "1"})
        assert answered.status_code == 302, (key, _text(answered))
    # A CIO answers subsidy control too: its project is free to the people it helps, so ‘No’.
    subsidy = post(phone, f"/applications/{application_id}/subsidy-control", {"economic": "no"})
    assert subsidy.status_code == 302, _text(subsidy)
    for kind in REQUIRED_DOCUMENTS:
        _upload(phone, application_id, kind.value)
    assert "You have completed 11 of 11 sections" in _text(phone.get(f"/applications/{application_id}"))

    submitted = post(phone, f"/applications/{application_id}/submit")
    assert submitted.status_code == 302, _text(submitted)
    application = db.session.get(Application, application_id)
    assert application.status is ApplicationStatus.SUBMITTED
    assert application.organisation.legal_type.value == "cio"

    listed = _text(phone.get("/applications"))
    assert application.reference in listed and "Submitted" in listed
    assert "Nothing to do: we are checking your application" in listed
    home = _text(phone.get("/home"))
    assert finish not in home and "See all your applications" in home
