"""Who is in each group: the people it should reach, and no one else."""

from __future__ import annotations

from decimal import Decimal

import pytest

from grants.interfaces.bulk_messages import sending
from grants.interfaces.bulk_messages.groups import GROUPS, recipients
from grants.models.applications import ApplicationStatus
from grants.models.awards import AwardStatus
from tests.factories import ApplicationFactory, AwardFactory, OrganisationFactory


def emails(kind: str, funding_round=None) -> list[str]:
    return [person.email for person in recipients(GROUPS[kind], funding_round)]


def test_round_applicants_are_the_members_and_contacts_of_organisations_that_submitted(world):
    assert emails("round_applicants", world.round) == [
        # Kernow's contact address is its member's in capitals: one email, to the member.
        "lead@kernow.example.org",
        "jo@tamar.example.org", "office@tamar.example.org",
    ]


def test_round_applicants_leave_out_drafts_withdrawals_deactivated_members_and_other_rounds(world):
    found = emails("round_applicants", world.round)
    for absent in ("drafter@drafting.example.org", "hello@drafting.example.org", "hello@withdrawn.example.org",
                   "old@tamar.example.org", "sam@bodmin.example.org", "hello@bodmin.example.org"):
        assert absent not in found
    assert emails("round_applicants", world.other_round) == ["sam@bodmin.example.org", "hello@bodmin.example.org"]


def test_a_recipient_says_who_they_are_and_which_organisation(world):
    people = {person.email: person for person in recipients(GROUPS["round_applicants"], world.round)}
    member, contact = people["jo@tamar.example.org"], people["office@tamar.example.org"]
    assert member.name == "Jo Pascoe, Tamar Valley Recovery"
    assert (member.organisation_id, member.user_id is not None) == (world.tamar.id, True)
    assert contact.name == "Tamar Valley Recovery contact, Tamar Valley Recovery"
    assert (contact.organisation_id, contact.user_id) == (world.tamar.id, None)


def test_an_organisation_applying_twice_is_written_to_once(world):
    ApplicationFactory(funding_round=world.round, organisation=world.tamar, status=ApplicationStatus.SUBMITTED,
                       submitted_at=world.round.opens_at)
    assert emails("round_applicants", world.round).count("jo@tamar.example.org") == 1


def test_the_same_address_in_two_organisations_is_written_to_once(world):
    both = OrganisationFactory(name="Aardvark Group", contact_email="JO@tamar.example.org")
    ApplicationFactory(funding_round=world.round, organisation=both, status=ApplicationStatus.SUBMITTED,
                       submitted_at=world.round.opens_at)
    found = [email.lower() for email in emails("round_applicants", world.round)]
    assert found.count("jo@tamar.example.org") == 1


def test_round_panel_is_its_active_members_only(world, users):
    assert emails("round_panel", world.round) == [users["panel_member"].email]
    assert emails("round_panel", world.other_round) == ["other.panel@example.org"]


def test_returns_overdue_is_grantees_with_a_running_grant_whose_return_is_late(world):
    # Penwith's first return is five days late; Street Pastors' is not due; Scilly's offer is not accepted.
    assert emails("returns_overdue") == ["cook@penwith.example.org", "hello@penwith.example.org"]


def test_a_return_sent_in_time_takes_the_grantee_out_of_the_overdue_group(world):
    from grants.models.awards import ReturnStatus

    world.overdue_award.returns[0].status = ReturnStatus.SUBMITTED
    assert emails("returns_overdue") == []


def test_round_grantees_are_organisations_that_accepted_an_offer(world):
    decided = world.overdue_award.funding_round
    offered_only = ApplicationFactory(funding_round=decided, status=ApplicationStatus.SUCCESSFUL,
                                      amount_requested=Decimal("3000.00"), submitted_at=decided.opens_at,
                                      organisation=OrganisationFactory(name="Offered Only",
                                                                       contact_email="hello@offered.example.org"))
    AwardFactory(application=offered_only, status=AwardStatus.OFFERED)
    assert emails("round_grantees", decided) == ["cook@penwith.example.org", "hello@penwith.example.org"]


def test_the_group_in_words_names_the_round(world):
    assert GROUPS["round_applicants"].describe(world.round) == "Every applicant in Commissioners Grant 2026"
    assert GROUPS["returns_overdue"].describe(None) == "Every grantee with a monitoring return overdue"


def test_preview_refuses_an_empty_group_in_words(world):
    empty = ApplicationFactory(status=ApplicationStatus.DRAFT).funding_round
    with pytest.raises(sending.BulkMessageProblem, match="No one is in this group: every applicant in "):
        sending.preview("round_applicants", empty, "Hello", "Body")


@pytest.mark.parametrize(("group", "use_round", "subject", "body", "field", "message"), [
    ("", True, "Hello", "Body", "group", "Select who to send the message to"),
    ("everyone", True, "Hello", "Body", "group", "Select who to send the message to"),
    ("round_panel", False, "Hello", "Body", "round_id", "Select the funding round"),
    ("round_panel", True, "  ", "Body", "subject", "Enter a subject"),
    ("round_panel", True, "x" * 151, "Body", "subject", "Subject must be 150 characters or fewer"),
    ("round_panel", True, "Hello", "", "body", "Enter the message"),
    ("round_panel", True, "Hello", "x" * 10_001, "body", "Message must be 10,000 characters or fewer"),
])
def test_preview_refuses_a_message_that_cannot_be_sent(world, group, use_round, subject, body, field, message):
    with pytest.raises(sending.BulkMessageProblem) as refused:
        sending.preview(group, world.round if use_round else None, subject, body)
    assert (refused.value.field, str(refused.value)) == (field, message)


def test_preview_shows_the_email_as_typed_with_the_office_footer(world, app):
    shown = sending.preview("round_panel", world.round, "Panel meeting", "Hello all,\r\n\r\nSee you on Tuesday.")
    assert shown.subject == "Panel meeting"
    assert shown.body == (
        "Hello all,\n\nSee you on Tuesday.\n\n---\nThis message was sent by the Office of the Police and Crime "
        f"Commissioner for Devon, Cornwall and the Isles of Scilly (OPCC). Replies to this email go to "
        f"{app.config['MAIL_SENDER']}.")
    assert shown.group_label == "Every panel member in Commissioners Grant 2026"
