"""Who may open what: every endpoint is listed here with the roles allowed, and checked.

A new endpoint that is not in ACCESS fails ``test_every_endpoint_is_listed``; a decorator that
disagrees with the table fails ``test_declared_rules_match_the_table``; and every endpoint is
requested as a visitor and as each role, expecting a redirect to sign in, 403, 404 or success.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from grants.interfaces.social_return.parameters import ensure_default_set
from grants.models.accounts import Role
from grants.models.applications import (
    ApplicationDocument,
    ApplicationPartner,
    ApplicationStatus,
    Clarification,
    DocumentKind,
)
from grants.models.awards import AwardStatus, InstalmentStatus
from grants.models.mail import OutboxMessage
from grants.models.organisations import OrganisationInvite, hash_token
from grants.models.panel import PanelMember, ScoringAssignment
from grants.models.sign_in import Passkey
from grants.models.types import utcnow
from tests.blueprints.claims.access_objects import made as claim_objects
from tests.factories import ApplicationFactory, AwardFactory, FundingRoundFactory, make_agreement, make_scenario
from tests.figures import report
from tests.helpers import csrf_token

PUBLIC = "public"
ANY = "any signed-in user"
APPLICANT, PANEL, OFFICER, FINANCE, COMMISSIONER, ADMIN = (
    Role.APPLICANT, Role.PANEL_MEMBER, Role.GRANTS_OFFICER, Role.FINANCE_OFFICER, Role.COMMISSIONER, Role.ADMIN,
)

# endpoint: who may use it
ACCESS: dict[str, object] = {
    "static": PUBLIC,
    "main.start": PUBLIC,
    "main.accessibility": PUBLIC,
    "main.privacy": PUBLIC,
    "main.cookies": PUBLIC,
    "main.healthz": PUBLIC,
    "main.readyz": PUBLIC,
    "main.home": ANY,
    "auth.login": PUBLIC,
    "auth.logout": PUBLIC,
    "auth.register": PUBLIC,
    "auth.register_confirm": PUBLIC,
    "auth.reset_request": PUBLIC,
    "auth.reset_password": PUBLIC,
    "auth.account": ANY,
    "auth.change_password": ANY,
    "auth.sign_out_everywhere": ANY,
    # The step after the password and setting up a factor: for someone part-way through signing
    # in (or signed in), checked inside; anyone else is sent back to sign in.
    "auth.second_step": PUBLIC,
    "auth.passkey_sign_in_options": PUBLIC,
    "auth.passkey_sign_in": PUBLIC,
    "auth.set_up": PUBLIC,
    "auth.set_up_app": PUBLIC,
    "auth.passkey_options": PUBLIC,
    "auth.add_passkey": PUBLIC,
    "auth.two_factor": ANY,
    "auth.recovery_codes": ANY,
    "auth.remove_app": ANY,
    "auth.remove_passkey": ANY,
    "reference.index": PUBLIC,
    "rounds.index": PUBLIC,
    "rounds.show": PUBLIC,
    "rounds.eligibility": PUBLIC,
    "rounds.eligibility_result": PUBLIC,
    "rounds.manage": {OFFICER, ADMIN},
    "rounds.manage_round": {OFFICER, ADMIN},
    "rounds.create": {OFFICER},
    "rounds.edit": {OFFICER},
    "rounds.publish": {OFFICER},
    "rounds.delete": {OFFICER},
    "rounds.extend": {OFFICER},
    "rounds.override": {ADMIN},
    "round_forms.download": {OFFICER, ADMIN},
    "round_forms.show": {OFFICER, ADMIN},
    "round_forms.add_question": {OFFICER, ADMIN},
    "round_forms.change_question": {OFFICER, ADMIN},
    "round_forms.remove_question": {OFFICER, ADMIN},
    "round_forms.move_question": {OFFICER, ADMIN},
    "round_forms.add_section": {OFFICER, ADMIN},
    "round_forms.change_section": {OFFICER, ADMIN},
    "round_forms.remove_section": {OFFICER, ADMIN},
    "round_forms.move_section": {OFFICER, ADMIN},
    "round_forms.copy": {OFFICER, ADMIN},
    "round_forms.reset": {OFFICER, ADMIN},
    "round_forms.preview": {OFFICER, ADMIN},
    "round_forms.question_library_page": {OFFICER, ADMIN},
    "round_forms.import_form": {OFFICER, ADMIN},
    "rubrics.index": {OFFICER, ADMIN},
    "rubrics.show": {OFFICER, ADMIN},
    "rubrics.create": {OFFICER},
    "rubrics.edit": {OFFICER},
    "rubrics.new_version": {OFFICER},
    "rubrics.delete": {OFFICER},
    "organisations.index": {OFFICER, ADMIN},
    "organisations.mine": {APPLICANT},
    "organisations.create": {APPLICANT},
    "organisations.show": {APPLICANT, OFFICER, ADMIN},
    "organisations.edit": {APPLICANT, OFFICER},
    "organisations.invite": {APPLICANT},
    "organisations.revoke_invite": {APPLICANT},
    "invites.accept": ANY,
    "screening.index": {OFFICER, ADMIN},
    "screening.round_applications": {OFFICER, ADMIN},
    "screening.export_round": {OFFICER, ADMIN},
    "screening.application": {OFFICER, ADMIN},
    "screening.screen": {OFFICER, ADMIN},
    "screening.ask_clarification": {OFFICER, ADMIN},
    "screening.shortlisting_list": {OFFICER, ADMIN},
    "screening.shortlist": {OFFICER, ADMIN},
    "applications.clarification": {APPLICANT},
    "applications.dashboard": {APPLICANT},
    "applications.start": {APPLICANT},
    "applications.task_list": {APPLICANT},
    "applications.section": {APPLICANT},
    "applications.check": {APPLICANT},
    "applications.submit": {APPLICANT},
    "applications.confirmation": {APPLICANT},
    "applications.withdraw": {APPLICANT},
    "applications.documents": {APPLICANT},
    "applications.delete_document": {APPLICANT},
    "applications.download_document": {APPLICANT, OFFICER, ADMIN},
    "applications.partners": {APPLICANT},
    "applications.add_partner": {APPLICANT},
    "applications.change_partner": {APPLICANT},
    "applications.remove_partner": {APPLICANT},
    "applications.invite_partner": {APPLICANT},
    "applications.accept_partner_invitation": {APPLICANT},
    "admin.users": {ADMIN},
    "admin.new_user": {ADMIN},
    "admin.user": {ADMIN},
    "admin.set_active": {ADMIN},
    "admin.two_factor": {ADMIN},
    "admin.reset_two_factor": {ADMIN},
    "admin.audit_log": {ADMIN},
    "admin.outbox": {ADMIN},
    "admin.outbox_message": {ADMIN},
    "admin.outbox_resend": {ADMIN},
    "admin.email_templates_list": {ADMIN},
    "admin.email_template": {ADMIN},
    "admin.email_template_edit": {ADMIN},
    "admin.email_template_restore": {ADMIN},
    "downloads.index": {OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "downloads.ask": {OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "downloads.show": {OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "downloads.file": {OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "admin.personal_data_summary": {ADMIN},
    "admin.export_personal_data": {ADMIN},
    "admin.erase_personal_data": {ADMIN},
    "panel.recommendation": {OFFICER, COMMISSIONER, ADMIN},
    "panel.run_recommendation": {OFFICER},
    "panel.decision": {COMMISSIONER},
    "panel.feedback": {OFFICER},
    "panel.rounds": {OFFICER, COMMISSIONER, ADMIN},
    "panel.round": {OFFICER, COMMISSIONER, ADMIN},
    "panel.settings": {OFFICER},
    "panel.add_member": {OFFICER},
    "panel.remove_member": {OFFICER},
    "panel.choose_members": {OFFICER},
    "panel.assignments": {OFFICER, COMMISSIONER, ADMIN},
    "panel.run_assignment": {OFFICER},
    "panel.assign": {OFFICER},
    "panel.unassign": {OFFICER},
    "panel.results": {OFFICER, COMMISSIONER, ADMIN},
    "panel.bid_scores": {OFFICER, COMMISSIONER, ADMIN},
    "panel.moderate": {OFFICER},
    "panel.export": {OFFICER, COMMISSIONER, ADMIN},
    "panel.queue": {PANEL},
    "panel.declare": {PANEL},
    "panel.score": {PANEL},
    "panel.scored_bid": {PANEL},
    "panel.bid_document": {PANEL},
    "awards.index": {OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "awards.new": {OFFICER},
    "awards.show": {OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "awards.offer_letter": {OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "awards.edit": {OFFICER},
    "awards.extend": {OFFICER},
    "awards.withdraw": {OFFICER},
    "grantee.index": {APPLICANT},
    "grantee.show": {APPLICANT},
    "grantee.offer": {APPLICANT},
    "awards.payments": {FINANCE, OFFICER, ADMIN},
    "awards.return_review": {OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "awards.review_return": {OFFICER},
    "awards.overdue_returns": {OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "grantee.return_task_list": {APPLICANT},
    "grantee.return_section": {APPLICANT},
    "grantee.return_check": {APPLICANT},
    "grantee.submit_return": {APPLICANT},
    "grantee.return_document": {APPLICANT, OFFICER, ADMIN},
    "awards.approve_instalment": {FINANCE},
    "awards.pay_instalment": {FINANCE},
    "awards.approve_batch": {FINANCE},
    "awards.pay_batch": {FINANCE},
    "deadlines.index": {APPLICANT, OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "deadlines.new_calendar": {APPLICANT, OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "deadlines.stop_calendar": {APPLICANT, OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "deadlines.feed": PUBLIC,  # the secret token in its address is the key: a calendar app cannot sign in
    "pooled_budgets.index": {FINANCE, COMMISSIONER, ADMIN},
    "pooled_budgets.new": {FINANCE},
    "pooled_budgets.agreement": {FINANCE, COMMISSIONER, ADMIN},
    "pooled_budgets.edit": {FINANCE},
    "pooled_budgets.contributions": {FINANCE},
    "pooled_budgets.risk_share": {FINANCE},
    "pooled_budgets.partners": {FINANCE, COMMISSIONER, ADMIN},
    "pooled_budgets.add_partner": {ADMIN},
    "pooled_budgets.year": {FINANCE, COMMISSIONER, ADMIN},
    "pooled_budgets.edit_figures": {FINANCE},
    "pooled_budgets.close_year": {FINANCE},
    "pooled_budgets.export_xlsx": {FINANCE, COMMISSIONER, ADMIN},
    "pooled_budgets.export_csv": {FINANCE, COMMISSIONER, ADMIN},
    "pooled_budgets.export_year": {FINANCE, COMMISSIONER, ADMIN},
    "pooled_budgets.import_template": {FINANCE, COMMISSIONER, ADMIN},
    "pooled_budgets.import_actuals": {FINANCE},
    "awards.hold_instalment": {OFFICER},
    "awards.release_instalment": {OFFICER},
    "awards.new_variation": {OFFICER},
    "awards.variation": {OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "awards.decide_variation": {OFFICER},
    "awards.close": {OFFICER},
    "awards.repayment": {OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "awards.settle_repayment": {OFFICER, FINANCE},
    "grantee.new_variation": {APPLICANT},
    "grantee.variation": {APPLICANT},
    "awards.dashboard": {OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "awards.plan_delivery": {OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "awards.commitment_awards": {OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "awards.open_data": {OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "awards.open_data_json": {OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "awards.open_data_xlsx": {OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "social_return.parameter_sets": {PANEL, OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "social_return.parameter_set": {PANEL, OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "social_return.copy_set": {ADMIN},
    "social_return.edit_set": {ADMIN},
    "social_return.publish_set": {ADMIN},
    "social_return.withdraw_set": {ADMIN},
    "social_return.calculator": {PANEL, OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "social_return.export": {PANEL, OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "social_return.preset": {PANEL, OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "social_return.reconciliation": {PANEL, OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "cocommissioning.index": {FINANCE, COMMISSIONER, ADMIN},
    "cocommissioning.new": {FINANCE, COMMISSIONER, ADMIN},
    "cocommissioning.scenario": {FINANCE, COMMISSIONER, ADMIN},
    "cocommissioning.edit": {FINANCE, COMMISSIONER, ADMIN},
    "cocommissioning.copy": {FINANCE, COMMISSIONER, ADMIN},
    "cocommissioning.mark_preferred": {COMMISSIONER},
    "cocommissioning.clear_preferred": {COMMISSIONER},
    "cocommissioning.drop_out": {FINANCE, COMMISSIONER, ADMIN},
    "cocommissioning.sensitivity": {FINANCE, COMMISSIONER, ADMIN},
    "cocommissioning.compare": {FINANCE, COMMISSIONER, ADMIN},
    "cocommissioning.export": {FINANCE, COMMISSIONER, ADMIN},
    "cocommissioning.export_comparison": {FINANCE, COMMISSIONER, ADMIN},
    "cocommissioning.figures": {FINANCE, COMMISSIONER, ADMIN},
    "cocommissioning.edit_area": {COMMISSIONER, ADMIN},
    # Office settings (issue 21)
    "admin.settings": {ADMIN},
    # Bank details (issue 21): an organisation's own; finance verifies
    "bank_details.mine": {APPLICANT},
    "bank_details.index": {FINANCE, ADMIN},
    "bank_details.verify": {FINANCE, ADMIN},
    "awards.second_approve_instalment": {FINANCE},
    # Payment runs and finance codes (issue 21)
    "awards.create_payment_run": {FINANCE},
    "awards.payment_runs": {FINANCE, ADMIN},
    "awards.payment_run": {FINANCE, ADMIN},
    "awards.mark_payment_run_paid": {FINANCE},
    "awards.cancel_payment_run": {FINANCE},
    "awards.payment_run_bacs": {FINANCE},
    "awards.payment_run_journal": {FINANCE},
    "awards.finance_codes": {FINANCE, ADMIN},
    # Claims (issue 21)
    "grantee.start_claim": {APPLICANT},
    "grantee.claim": {APPLICANT},
    "grantee.claim_check": {APPLICANT},
    "grantee.submit_claim": {APPLICANT},
    "grantee.claim_evidence": {APPLICANT, OFFICER, FINANCE, ADMIN},
    "grantee.remove_claim_evidence": {APPLICANT},
    "awards.claim": {OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "awards.check_claim": {OFFICER},
    "awards.claims": {OFFICER, FINANCE, ADMIN},
    # Subsidy control (issue 21)
    "applications.subsidy_control": {APPLICANT},
    "applications.confidentiality_section": {APPLICANT},
    "subsidy.organisation": {OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "subsidy.database_list": {OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "subsidy.database_export": {OFFICER, FINANCE, COMMISSIONER, ADMIN},
    # Decision notices (issue 21)
    "decisions.index": PUBLIC,
    "decisions.notice": PUBLIC,
    "decisions.grants_made": PUBLIC,
    "decisions.notices": {OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "decisions.draft": {OFFICER, FINANCE, COMMISSIONER, ADMIN},
    "decisions.edit": {COMMISSIONER},
    "decisions.sign": {COMMISSIONER},
    # Due diligence and the registers (issue 21)
    "due_diligence.checklist": {OFFICER, ADMIN},
    "due_diligence.add_item": {OFFICER, ADMIN},
    "due_diligence.change_item": {OFFICER, ADMIN},
    "due_diligence.remove_item": {OFFICER, ADMIN},
    "due_diligence.move_item": {OFFICER, ADMIN},
    "due_diligence.application": {OFFICER, ADMIN},
    "due_diligence.finding": {OFFICER, ADMIN},
    "due_diligence.registers_page": {ADMIN},
    # Messages to a group (issue 23)
    "bulk_messages.index": {OFFICER, ADMIN},
    "bulk_messages.new": {OFFICER, ADMIN},
    "bulk_messages.send": {OFFICER, ADMIN},
    "bulk_messages.show": {OFFICER, ADMIN},
    # Message threads (issue 23): the organisation's members and the grants team; never panel members
    "messages.thread": {APPLICANT, OFFICER, ADMIN},
    "messages.attachment": {APPLICANT, OFFICER, ADMIN},
    "messages.index": {OFFICER, ADMIN},
}

# Let in, yet 404: the objects fixture's document row has no file behind it (the download is
# checked with a real file in tests/blueprints/applications/test_documents.py).
NOT_FOUND_WHEN_LET_IN = {"applications.download_document",
                         # the fixture's document is an application's, not the return's (a return's
                         # files are opened in tests/blueprints/grantee/test_return_documents.py)
                         "grantee.return_document",
                         # the claim's evidence has no file behind it (opened in tests/blueprints/claims)
                         "grantee.claim_evidence",
                         # a person's own passkeys only: the fixture's is the applicant's
                         "auth.remove_passkey",
                         # no feed token in the address (tests/blueprints/deadlines opens a real one)
                         "deadlines.feed",
                         # the fixture's round has one stage: no expressions of interest to shortlist
                         # (tests/test_two_stage_rounds.py opens them on a two-stage round)
                         "screening.shortlisting_list", "screening.shortlist",
                         # no such attachment (files sent with messages are opened in tests/messages)
                         "messages.attachment",
                         # a file is only its requester's (the grants officer's here), and it is not made
                         # yet (tests/blueprints/downloads opens made ones)
                         "downloads.show", "downloads.file"}

# Users the matrix signs in as; applicant_b belongs to another organisation than the objects used.
ACTORS = ["applicant", "panel_member", "grants_officer", "finance_officer", "commissioner", "admin"]
ROLE_OF = {
    "applicant": APPLICANT,
    "panel_member": PANEL,
    "grants_officer": OFFICER,
    "finance_officer": FINANCE,
    "commissioner": COMMISSIONER,
    "admin": ADMIN,
}


def test_every_endpoint_is_listed(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - ACCESS.keys() == set(), "add these endpoints to ACCESS"
    assert ACCESS.keys() - endpoints == set(), "these endpoints no longer exist"


def test_declared_rules_match_the_table(app):
    for endpoint, expected in ACCESS.items():
        if endpoint == "static":
            continue
        rule = getattr(app.view_functions[endpoint], "access_rule", None)
        assert rule is not None, f"{endpoint} declares no access rule"
        if expected == PUBLIC:
            assert rule.public, endpoint
        elif expected == ANY:
            assert not rule.public and not rule.roles, endpoint
        else:
            assert not rule.public and rule.roles == expected, endpoint


@pytest.fixture
def objects(db, users):
    """One object of each kind, all belonging to organisation A or its applicant."""
    org = users["org_a"]
    invite = OrganisationInvite(
        organisation=org, email="friend@example.org", token_hash=hash_token("invite-token"),
        invited_by_id=users["applicant"].id, expires_at=utcnow() + timedelta(days=7),
    )
    message = OutboxMessage(recipient="someone@example.org", subject="Hello", body="Body")
    db.session.add_all([invite, message])
    funding_round = FundingRoundFactory()
    application = ApplicationFactory(
        funding_round=funding_round, organisation=org, status=ApplicationStatus.SUBMITTED,
        reference="CGS-2026-0001", submitted_at=utcnow(),
    )
    document = ApplicationDocument(
        application=application, kind=DocumentKind.OTHER, original_filename="plan.pdf",
        stored_name="access-test-document", content_type="application/pdf", size_bytes=4, sha256="0" * 64,
    )
    clarification = Clarification(application=application, question="How many sessions a week?")
    # A partner organisation on it, whose invitation link is the "token" too (tests/test_partners.py
    # covers partners' contacts).
    application_partner = ApplicationPartner(
        application=application, name="Partner Org", role="Outreach", budget_share=Decimal("500.00"),
        contact_email="partner.contact@example.org", token_hash=hash_token("invite-token"),
        invited_at=utcnow(), invite_expires_at=utcnow() + timedelta(days=7),
    )
    db.session.add_all([document, clarification, application_partner])
    db.session.flush()
    # A bid that passed screening, with the standard panel member on the round and assigned to it.
    bid = ApplicationFactory(
        funding_round=funding_round, status=ApplicationStatus.UNDER_ASSESSMENT, reference="CGS-2026-0002",
        submitted_at=utcnow(), amount_requested=Decimal("3000.00"),
    )
    agreement = make_agreement()
    # An accepted award of organisation A, with its first instalment due and its returns.
    award = AwardFactory(organisation=org, status=AwardStatus.ACCEPTED, accepted_at=utcnow(),
                         accepted_name="Alex Contact", accepted_position="Chair")
    award.instalments[0].status = InstalmentStatus.DUE
    db.session.add_all([
        PanelMember(round_id=funding_round.id, user_id=users["panel_member"].id),
        ScoringAssignment(application_id=bid.id, user_id=users["panel_member"].id, round_id=funding_round.id),
    ])
    # A variation of the award waiting for a decision, and a repayment due.
    from grants.models.awards import Repayment, Variation, VariationKind

    variation = Variation(award=award, kind=VariationKind.AMOUNT, before={"amount": "4000.00"},
                          proposed={"amount": "4500.00"}, reason="More sessions", requested_by_grantee=True)
    repayment = Repayment(award=award, amount=Decimal("100.00"), reason="Underspend", due_date=utcnow().date())
    # A passkey of organisation A's applicant: anyone else removing it gets 404.
    passkey = Passkey(user_id=users["applicant"].id, credential_id=b"access-test", public_key=b"key", name="Laptop")
    db.session.add_all([variation, repayment, passkey])
    db.session.flush()
    from grants.interfaces.bank_details import details as bank_details

    entered = bank_details.enter(org, bank_details.Entered("Organisation A", "309430", "00733445"), users["applicant"])
    from grants.models.awards import PaymentRun

    payment_run = PaymentRun(reference="RUN-2026-0001")
    db.session.add(payment_run)
    db.session.flush()
    # subsidy objects made (issue 21)
    # decision objects made (issue 21)
    from datetime import date

    from grants.models.decisions import DecisionNotice
    from grants.models.panel import FundingDecision, FundingRecommendationRecord

    decided_round = FundingRoundFactory(name="Decided round", decided_at=utcnow() - timedelta(days=2))
    recommendation = FundingRecommendationRecord(round_id=decided_round.id, rules={}, result={"decisions": []})
    db.session.add(recommendation)
    db.session.flush()
    funding_decision = FundingDecision(round_id=decided_round.id, recommendation_id=recommendation.id, funded=[],
                                       approved_by_id=users["commissioner"].id)
    db.session.add(funding_decision)
    db.session.flush()
    # Signed, so that its public page opens (a draft's is "not found").
    notice = DecisionNotice(
        round_id=decided_round.id, decision_id=funding_decision.id, number="PCC/D/2026-27/001",
        title="Decided round – award of grants", decision_maker_name="Alison Hernandez",
        decision_maker_office="Police and Crime Commissioner", decision_date=date(2026, 6, 1), summary="Summary",
        decision="Decision", reasons="Reasons", financial_implications="Money", legal_basis="Section 9",
        conflicts_of_interest="None declared", grants=[], signed_at=utcnow(), signed_by_id=users["commissioner"].id,
    )
    db.session.add(notice)
    db.session.flush()
    # a file asked for in the background (issue 23)
    from grants.models.mail import ExportFile

    export_file = ExportFile(kind="360giving-xlsx", requested_by_id=users["grants_officer"].id)
    db.session.add(export_file)
    # due diligence objects made (issue 21)
    from grants.interfaces.due_diligence.checklists import default_checklist
    from grants.models.due_diligence import CheckOutcome, DueDiligenceCheck

    funding_round.due_diligence = default_checklist()
    # Marked on the bid, so that posting to its remove page is refused (the item stays for every request).
    db.session.add(DueDiligenceCheck(application_id=application.id, item_id="insurance", outcome=CheckOutcome.MET))
    db.session.flush()
    # bulk message objects made (issue 23)
    from sqlalchemy import select

    from grants.models.messages import BulkMessage, BulkMessageRecipient
    from grants.models.reference import PlanCommitment

    bulk_message = BulkMessage(group="round_panel", round_id=funding_round.id, group_label="Every panel member",
                               subject="Panel meeting", body="See you there", sent_by_id=users["grants_officer"].id)
    bulk_message.recipients.append(BulkMessageRecipient(email=users["panel_member"].email, name="Panel Member",
                                                        user_id=users["panel_member"].id))
    db.session.add(bulk_message)
    db.session.flush()
    return {
        "passkey_id": passkey.id,
        "round_id": funding_round.id,
        "rubric_id": funding_round.rubric_id,
        "application_id": application.id,
        "bid_id": bid.id,
        "award_id": award.id,
        "agreement_id": agreement.id,
        "partner_id": agreement.members[1].partner_id,
        "year": agreement.start_year,
        "instalment_id": award.instalments[0].id,
        "return_id": award.returns[0].id,
        "variation_id": variation.id,
        "repayment_id": repayment.id,
        "document_id": document.id,
        "clarification_id": clarification.id,
        "application_partner_id": application_partner.id,
        "key": "project",
        "section_key": "activities",
        "organisation_id": org.id,
        "invite_id": invite.id,
        "token": "invite-token",
        "user_id": users["applicant"].id,
        "message_id": message.id,
        "filename": "css/application.css",
        "set_id": ensure_default_set().id,
        "scenario_id": make_scenario(users["commissioner"], name="Access scenario").id,
        "area_code": "dorset",
        "commitment_id": db.session.scalar(select(PlanCommitment.id).order_by(PlanCommitment.id).limit(1)),
        # The round's application form (the standard one): its first section and first question, moved down.
        "kind": "application",
        "section_id": "project",
        "question_id": "title",
        "direction": "down",
        "details_id": entered.id,
        "run_id": payment_run.id,
        # Claims (issue 21)
        **claim_objects(award),
        # subsidy objects (issue 21)
        # decision objects (issue 21)
        "notice_id": notice.id,
        # due diligence objects (issue 21)
        "item_id": "insurance",
        # bulk message objects (issue 23)
        "bulk_message_id": bulk_message.id,
        # message threads (issue 23): no such attachment
        "attachment_id": 999_999,
        # email templates and downloads (issue 23)
        "email_key": "application_submitted",
        "export_key": "360giving-xlsx",
        "export_id": export_file.id,
    }


def _url(app, rule, objects) -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{arg: objects[arg] for arg in rule.arguments})


def _rules(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"), key=lambda r: r.rule
    )


def _request(client, rule, url):
    if "GET" in rule.methods:
        return client.get(url)
    return client.post(url, data={"csrf_token": csrf_token(client)})


def test_access_matrix(app, users, objects, as_role):
    checked = 0
    failures = []
    for rule in _rules(app):
        expected = ACCESS[rule.endpoint]
        url = _url(app, rule, objects)

        response = _request(app.test_client(), rule, url)
        if expected != PUBLIC:
            if not (response.status_code == 302 and response.headers["Location"].startswith("/sign-in")):
                failures.append(f"anonymous {rule.endpoint}: {response.status_code}")
        elif response.status_code in {401, 403, 500}:
            failures.append(f"anonymous {rule.endpoint}: {response.status_code}")
        checked += 1

        for actor in ACTORS:
            allowed = expected in {PUBLIC, ANY} or ROLE_OF[actor] in expected
            response = _request(as_role(actor), rule, url)
            let_in_404 = response.status_code == 404 and rule.endpoint in NOT_FOUND_WHEN_LET_IN
            if allowed and response.status_code in {401, 403, 404, 405, 500} and not let_in_404:
                failures.append(f"{actor} {rule.endpoint}: {response.status_code}, expected to be let in")
            if not allowed and response.status_code != 403:
                failures.append(f"{actor} {rule.endpoint}: {response.status_code}, expected 403")
            checked += 1
    assert not failures, "\n".join(failures)
    report(f"access matrix: {checked} (endpoint, user) pairs checked")


# Endpoints taking an organisation's object: another organisation's applicant gets 404.
OBJECT_ENDPOINTS = [
    ("GET", "/organisations/{organisation_id}"),
    ("GET", "/organisations/{organisation_id}/edit"),
    ("POST", "/organisations/{organisation_id}/edit"),
    ("POST", "/organisations/{organisation_id}/invites"),
    ("POST", "/organisations/{organisation_id}/invites/{invite_id}/revoke"),
    ("GET", "/applications/{application_id}/partners"),
    ("GET", "/applications/{application_id}/partners/add"),
    ("POST", "/applications/{application_id}/partners/add"),
    ("GET", "/applications/{application_id}/partners/{application_partner_id}/change"),
    ("POST", "/applications/{application_id}/partners/{application_partner_id}/change"),
    ("GET", "/applications/{application_id}/partners/{application_partner_id}/remove"),
    ("POST", "/applications/{application_id}/partners/{application_partner_id}/remove"),
    ("POST", "/applications/{application_id}/partners/{application_partner_id}/invite"),
]


@pytest.mark.parametrize("method, template", OBJECT_ENDPOINTS)
def test_another_organisations_records_are_not_found(as_role, objects, method, template):
    client = as_role("applicant_b")
    url = template.format(**objects)
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data={"csrf_token": csrf_token(client), "email": "x@example.org"})
    assert response.status_code == 404


def test_object_ids_that_do_not_exist_are_not_found(as_role):
    assert as_role("grants_officer").get("/organisations/999999").status_code == 404
    assert as_role("admin").get("/admin/users/999999").status_code == 404
    assert as_role("admin").get("/admin/outbox/999999").status_code == 404


def test_anonymous_visitor_to_a_staff_page_is_sent_to_sign_in(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=%2Fadmin%2Fusers"


def test_applicant_opening_a_staff_page_gets_403_in_the_layout(as_role):
    response = as_role("applicant").get("/admin/users")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "You do not have permission to see this page" in html
    assert "Commissioners Grants" in html  # the service's own layout


def test_deactivated_user_is_signed_out(as_role, users, db):
    client = as_role("grants_officer")
    users["grants_officer"].active = False
    db.session.flush()
    assert client.get("/home").status_code == 302


def test_every_post_form_on_every_page_carries_a_csrf_token(app, users, objects, as_role):
    """A browser sends the token that is in the form it submits: every POST form on every page an
    allowed user can open must have one (the matrix above posts with a token read elsewhere)."""
    from tests.helpers import page

    missing = []
    checked = 0
    for rule in _rules(app):
        if "GET" not in rule.methods:
            continue
        expected = ACCESS[rule.endpoint]
        actors = ACTORS if expected in {PUBLIC, ANY} else [a for a in ACTORS if ROLE_OF[a] in expected]
        for actor in actors[:2]:
            response = as_role(actor).get(_url(app, rule, objects))
            if response.status_code != 200 or "text/html" not in response.content_type:
                continue
            for form in page(response).select("form"):
                if (form.get("method") or "get").lower() != "post":
                    continue
                checked += 1
                if form.select_one("input[name=csrf_token]") is None:
                    missing.append(f"{actor} {rule.endpoint}: form to {form.get('action') or '(this page)'}")
    assert not missing, "\n".join(missing)
    report(f"POST forms checked for a CSRF token: {checked}")


def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(app, users, objects, as_role):
    """Every state-changing endpoint refuses a request with no CSRF token (400), even from a user
    who may use it, and writes nothing: no audit event, no email."""
    from sqlalchemy import func, select

    from grants.extensions import db as _db
    from grants.models.audit import AuditEvent
    from grants.models.mail import OutboxMessage

    def counts():
        return (_db.session.scalar(select(func.count()).select_from(AuditEvent)),
                _db.session.scalar(select(func.count()).select_from(OutboxMessage)))

    before = counts()
    wrong = []
    checked = 0
    for rule in _rules(app):
        if "POST" not in rule.methods:
            continue
        expected = ACCESS[rule.endpoint]
        actors = ACTORS if expected in {PUBLIC, ANY} else [a for a in ACTORS if ROLE_OF[a] in expected]
        client = as_role(actors[0]) if actors else app.test_client()
        response = client.post(_url(app, rule, objects), data={})
        checked += 1
        if response.status_code != 400:
            wrong.append(f"{rule.endpoint}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert counts() == before
    report(f"POST endpoints refusing a missing CSRF token: {checked}")


def test_no_get_changes_anything(app, users, objects, as_role):
    """Opening any page, as anyone allowed to, writes nothing: every table's row count and the
    sum of every versioned table's versions stay as they were."""
    from sqlalchemy import func, select

    from grants.extensions import db as _db
    from grants.interfaces.awards import portfolio_totals
    from grants.interfaces.screening import list_counts

    def state():
        found = {}
        for table in _db.metadata.sorted_tables:
            found[table.name] = _db.session.scalar(select(func.count()).select_from(table))
            if "version" in table.c:
                found[table.name + ".version"] = _db.session.scalar(select(func.sum(table.c.version)))
        return found

    clients = {actor: as_role(actor) for actor in ACTORS}  # signing in opens sessions: before the count
    portfolio_totals.settle()  # the fixture's awards are added up as its commit would (it makes them uncommitted)
    list_counts.settle()
    before = state()
    opened = 0
    for rule in _rules(app):
        if "GET" not in rule.methods:
            continue
        expected = ACCESS[rule.endpoint]
        actors = ACTORS if expected in {PUBLIC, ANY} else [a for a in ACTORS if ROLE_OF[a] in expected]
        for actor in actors:
            clients[actor].get(_url(app, rule, objects))
            opened += 1
    _db.session.expire_all()
    assert state() == before
    report(f"GET requests that changed nothing: {opened}")


# A partner organisation's accepted contact (organisation B's applicant, on organisation A's bid): the
# pages for viewing it and contributing to its answers and documents, and nothing of the lead's.
PARTNER_CONTACT_ALLOWED = [
    "/applications/{application_id}",
    "/applications/{application_id}/sections/{key}",
    "/applications/{application_id}/documents",
]
PARTNER_CONTACT_NOT_FOUND = [
    ("GET", "/applications/{application_id}/check"),
    ("POST", "/applications/{application_id}/submit"),
    ("GET", "/applications/{application_id}/confirmation"),
    ("GET", "/applications/{application_id}/withdraw"),
    ("POST", "/applications/{application_id}/withdraw"),
    ("GET", "/applications/{application_id}/clarifications/{clarification_id}"),
    ("GET", "/applications/{application_id}/sections/organisation"),
    ("GET", "/organisations/{organisation_id}"),
    *[entry for entry in OBJECT_ENDPOINTS if "/partners" in entry[1]],
]


@pytest.fixture
def partner_contact(db, users, objects, as_role):
    partner = db.session.get(ApplicationPartner, objects["application_partner_id"])
    partner.contact_email = users["applicant_b"].email
    partner.user_id, partner.accepted_at = users["applicant_b"].id, utcnow()
    db.session.flush()
    return as_role("applicant_b")


@pytest.mark.parametrize("template", PARTNER_CONTACT_ALLOWED)
def test_a_partner_contact_may_open_the_bid(partner_contact, objects, template):
    assert partner_contact.get(template.format(**objects)).status_code in {200, 302}


@pytest.mark.parametrize("method, template", PARTNER_CONTACT_NOT_FOUND)
def test_a_partner_contact_may_not_act_for_the_lead(partner_contact, objects, method, template):
    url = template.format(**objects)
    if method == "GET":
        response = partner_contact.get(url)
    else:
        response = partner_contact.post(url, data={"csrf_token": csrf_token(partner_contact)})
    assert response.status_code == 404
