"""The shipped email templates (grants/data/emails/*.toml), every one of them: each default renders, each
example fills every placeholder from real records without writing or making a working secret link, and
an administrator's edit is what the next real email says."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from grants import email_templates
from grants.email_templates import Template
from grants.extensions import db
from grants.interfaces.bank_details.vault import seal
from grants.models.applications import ApplicationPartner, ApplicationStage, ApplicationStatus, Clarification
from grants.models.bank_details import BankDetails, BankDetailsStatus
from grants.models.mail import OutboxMessage
from grants.models.organisations import OrganisationInvite
from grants.models.types import utcnow
from tests.factories import ApplicationFactory
from tests.helpers import page, post

KEYS = sorted(email_templates.definitions())


def _default(key: str) -> Template:
    email = email_templates.definition(key)
    return Template(email.subject, email.body, None, "Default", None, None)


def _newest_email(recipient: str) -> OutboxMessage:
    message = db.session.scalars(db.select(OutboxMessage).filter_by(recipient=recipient)
                                 .order_by(OutboxMessage.id.desc())).first()
    assert message is not None, f"no email to {recipient}"
    return message


@pytest.mark.parametrize("key", KEYS)
def test_each_default_renders_whole_with_a_value_for_each_placeholder(db, key):
    subject, body = email_templates.fill(key, email_templates.sample_values(key), _default(key))

    for text in (subject, body):
        assert "((" not in text and "))" not in text, text  # every placeholder filled, none mistyped
    assert subject.strip() and "\n" not in subject
    assert body.strip()


@pytest.mark.parametrize("key", KEYS)
def test_each_example_runs_on_an_empty_database_without_writing(db, key):
    values = email_templates.example_values(key)

    assert values is None or not _missing(key, values)
    assert not (db.session.new or db.session.dirty or db.session.deleted)


def _missing(key: str, values: dict) -> list[str]:
    given = {name.lower() for name in values}
    return [name for name in email_templates.definition(key).placeholders if name.lower() not in given]


# The examples of the emails converted in issue 23 from Jinja templates, with records to read ----------

@pytest.fixture
def records(users):
    """One record of each kind the account, invitation, screening and bank details emails are about."""
    officer, applicant, organisation = users["grants_officer"], users["applicant"], users["org_a"]
    now = utcnow()
    screened = dict(organisation=organisation, submitted_at=now - timedelta(days=3), screened_at=now,
                    screened_by_id=officer.id)
    eligible = ApplicationFactory(status=ApplicationStatus.UNDER_ASSESSMENT, reference="CGS-2026-0101", **screened)
    ApplicationFactory(status=ApplicationStatus.INELIGIBLE, reference="CGS-2026-0102",
                       screening_reason="The project is outside the area", **screened)
    eoi = dict(organisation=organisation, stage=ApplicationStage.EXPRESSION_OF_INTEREST,
               submitted_at=now - timedelta(days=3), shortlisted_at=now, shortlisted_by_id=officer.id)
    ApplicationFactory(status=ApplicationStatus.SUCCESSFUL, reference="CGS-2026-0103", shortlist_reason=None, **eoi)
    ApplicationFactory(status=ApplicationStatus.UNSUCCESSFUL, reference="CGS-2026-0104",
                       shortlist_reason="Too few people would benefit", **eoi)
    partnered = ApplicationFactory(organisation=organisation)
    db.session.add(Clarification(application=eligible, question="Who runs it?", asked_by_id=officer.id, asked_at=now,
                                 answer="We do", answered_by_id=applicant.id, answered_at=now))
    db.session.add(OrganisationInvite(organisation=organisation, email="new.member@example.org", token_hash="a" * 64,
                                      invited_by_id=applicant.id, expires_at=now + timedelta(days=7)))
    db.session.add(ApplicationPartner(application=partnered, name="Partner Trust", contact_name="Pat Partner",
                                      contact_email="pat@example.org", token_hash="b" * 64, invited_at=now,
                                      invite_expires_at=now + timedelta(days=14), invited_by_id=applicant.id))
    db.session.add(BankDetails(organisation_id=organisation.id, account_name=seal("Organisation A"),
                               sort_code=seal("123456"), account_number=seal("12345678"),
                               status=BankDetailsStatus.VERIFIED, entered_at=now, entered_by_id=applicant.id,
                               decided_at=now, decided_by_id=users["finance_officer"].id))
    db.session.flush()
    return users


CONVERTED = ["account_already_registered", "account_confirm_registration", "account_registered", "password_reset",
             "staff_invite", "second_factor_reset", "organisation_invite", "partner_invite", "application_eligible",
             "application_ineligible", "clarification_asked", "clarification_answered", "eoi_shortlisted",
             "eoi_not_shortlisted", "bank_details_entered", "bank_details_decided"]


@pytest.mark.parametrize("key", CONVERTED)
def test_the_example_fills_every_placeholder_from_the_newest_record(records, key):
    db.session.flush()
    values = _example(key)

    assert _missing(key, values) == []
    assert not (db.session.new or db.session.dirty or db.session.deleted)
    subject, body = email_templates.fill(key, values, _default(key))
    assert "((" not in subject + body


def _example(key: str) -> dict[str, email_templates.Value]:
    values = email_templates.example_values(key)
    assert values is not None, f"no example of {key}"
    return values


def test_the_examples_name_real_records(records):
    assert email_templates.fill("bank_details_decided", _example("bank_details_decided"))[0] == \
        "Your bank details have changed: Organisation A"
    ineligible = _example("application_ineligible")
    assert (ineligible["reference"], ineligible["reason"]) == ("CGS-2026-0102", "The project is outside the area")
    answered = _example("clarification_answered")
    assert answered["asked by you"] is True and answered["officer name"] == records["grants_officer"].full_name


@pytest.mark.parametrize(("key", "path", "refused"), [
    ("password_reset", "/reset-password/example", 400),
    ("staff_invite", "/reset-password/example", 400),
    ("account_confirm_registration", "/register/example", 400),
    ("organisation_invite", "/invites/example", 404),
    ("partner_invite", "/applications/partner-invitations/example", 404),
])
def test_a_preview_never_holds_a_working_secret_link(records, as_role, key, path, refused):
    link = _example(key)["link"]

    assert link == f"http://localhost{path}"
    # Followed by someone signed in (an invitation needs an account), the link is refused.
    assert as_role("applicant_no_org").get(path).status_code == refused


# An administrator's edit is what the next email says ----------------------------------------------

def test_an_edited_password_reset_email_is_what_the_next_reset_sends(client, users):
    admin, person = users["admin"], users["finance_officer"]
    email_templates.save(
        "password_reset", "((service name)): your new password link",
        "Hello ((full name)),\n\nChoose a new password within ((link lifetime)) here:\n((link))\n\n((office name))",
        admin, based_on=None)

    response = post(client, "/reset-password", {"email": person.email})

    assert "Check your email" in page(response).h1.text
    message = _newest_email(person.email)
    assert message.subject == "Commissioners Grants: your new password link"
    assert message.body.startswith(f"Hello {person.full_name},\n\nChoose a new password within 1 hour here:\n"
                                   "http://localhost/reset-password/")
    assert "We received a request" not in message.body  # the default's words are gone
    link = re.search(r"http://localhost(/reset-password/\S+)", message.body).group(1)
    assert client.get(link).status_code == 200  # the link the edited email carries still works


def test_an_edited_conditional_shows_only_the_branch_that_applies(as_role, users):
    admin, officer = users["admin"], users["grants_officer"]
    email_templates.save(
        "second_factor_reset", "Two-factor sign-in reset",
        "((full name)): ((must set up again??Set it up again.))((may turn on again??Turn it on if you like.))",
        admin, based_on=None)

    response = post(as_role("admin"), f"/admin/users/{officer.id}/reset-two-factor")

    assert response.status_code == 302
    message = _newest_email(officer.email)
    assert message.subject == "Two-factor sign-in reset"
    assert message.body == f"{officer.full_name}: Set it up again.\n"


def test_with_no_edit_the_email_is_the_default_wording(client, users):
    person = users["finance_officer"]

    post(client, "/reset-password", {"email": person.email})

    message = _newest_email(person.email)
    assert message.subject == "Reset your Commissioners Grants password"
    assert "Use this link to set a new password. It works once, for 1 hour:\nhttp://localhost/reset-password/" \
        in message.body
