"""The decision notice's pages: the commissioner reads, edits and signs a draft; staff read it; the
public reads signed notices (never drafts), prints them, and reads the grants made."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.extensions import db as _db
from grants.interfaces.awards.portfolio_awards import publishable_awards
from grants.interfaces.decisions import notices
from grants.models.audit import AuditEvent
from grants.models.awards import AwardStatus
from grants.models.types import utcnow
from tests.factories import AwardFactory, OrganisationFactory
from tests.helpers import counting_statements, error_messages, page, post
from tests.visible_text import seen_text


def _form(notice, **changes) -> dict:
    return {"version": str(notice.version), **{name: getattr(notice, name) for name in notices.NARRATIVE_FIELDS},
            **changes}


# Staff: reading, editing and signing a draft -----------------------------------------------------

def test_the_round_decision_page_links_to_the_drafted_notice(decided, decide, as_role):
    notice = decide()
    response = as_role("commissioner").get(f"/panel/rounds/{decided.funding_round.id}/decision")
    text = seen_text(response)
    assert f"Decision notice {notice.number} has been drafted from this decision" in text
    link = page(response).find("a", string=f"Read, edit and sign decision notice {notice.number}")
    assert link["href"] == f"/decisions/notices/{notice.id}"


def test_the_recommendation_page_links_officers_to_the_notice(decided, decide, as_role):
    notice = decide()
    response = as_role("grants_officer").get(f"/panel/rounds/{decided.funding_round.id}/recommendation")
    link = page(response).find("a", string=f"Read decision notice {notice.number}")
    assert link["href"] == f"/decisions/notices/{notice.id}"
    assert "draft, not yet signed" in seen_text(response)


def test_the_commissioner_previews_edits_and_signs(decide, as_role, commissioner):
    notice = decide()
    client = as_role("commissioner")
    preview = client.get(f"/decisions/notices/{notice.id}")
    text = seen_text(preview)
    assert "Draft" in text and "It is not published until the commissioner signs it" in text
    assert notice.number in text and "Grants awarded" in text and "£7,000.00" in text
    assert "A panel member declared a conflict of interest in CGS-2026-0003" in text

    saved = post(client, f"/decisions/notices/{notice.id}/edit",
                 _form(notice, summary="The Commissioner awards two grants.\n\nA second paragraph."))
    assert saved.status_code == 302 and saved.headers["Location"] == f"/decisions/notices/{notice.id}"
    shown = client.get(saved.headers["Location"])
    assert "Your changes to the decision notice have been saved" in seen_text(shown)
    paragraphs = [p.get_text() for p in page(shown).select("#summary + p, #summary + p + p")]
    assert paragraphs == ["The Commissioner awards two grants.", "A second paragraph."]

    refused = post(client, f"/decisions/notices/{notice.id}/sign", {"version": str(notice.version)})
    assert error_messages(refused) == ["Confirm that you have read the decision notice and sign it as your decision"]
    assert notice.signed_at is None

    signed = post(client, f"/decisions/notices/{notice.id}/sign", {"version": str(notice.version), "confirm": "y"})
    assert signed.status_code == 302
    _db.session.refresh(notice)
    assert notice.signed_at is not None and notice.signed_by_id == commissioner.id
    confirmed = seen_text(client.get(signed.headers["Location"]))
    assert f"Decision notice {notice.number} is signed and published" in confirmed
    events = {event.action: event for event in _db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == "DecisionNotice", AuditEvent.entity_id == str(notice.id)))}
    assert set(events) == {"decision_notice.drafted", "decision_notice.updated", "decision_notice.signed"}
    assert events["decision_notice.updated"].changes["summary"]["after"] == \
        "The Commissioner awards two grants.\n\nA second paragraph."
    assert events["decision_notice.signed"].actor_id == commissioner.id


def test_an_empty_part_is_named_and_what_was_typed_is_kept(decide, as_role):
    notice = decide()
    response = post(as_role("commissioner"), f"/decisions/notices/{notice.id}/edit",
                    _form(notice, reasons="   ", summary="My new summary, not yet saved."))
    assert response.status_code == 200
    assert error_messages(response) == ["Enter the reasons for the decision"]
    assert page(response).find("textarea", attrs={"name": "summary"}).get_text().strip() == \
        "My new summary, not yet saved."
    _db.session.refresh(notice)
    assert notice.summary != "My new summary, not yet saved."


def test_a_stale_edit_is_refused_and_keeps_the_typed_text(decide, as_role, commissioner):
    notice = decide()
    client = as_role("commissioner")
    opened = _form(notice, summary="My summary, typed while someone else saved.")
    notices.update_notice(notice, 1, {**_form(notice), "summary": "Their summary, saved first."}, commissioner)
    _db.session.flush()

    response = post(client, f"/decisions/notices/{notice.id}/edit", opened)
    assert response.status_code == 200
    assert error_messages(response) == [notices.STALE_MESSAGE]
    html = page(response)
    assert html.find("textarea", attrs={"name": "summary"}).get_text().strip() == \
        "My summary, typed while someone else saved."
    assert "Their summary, saved first." in html.select_one("#saved-summary").get_text()
    assert html.find("input", attrs={"name": "version"})["value"] == "2"
    _db.session.refresh(notice)
    assert notice.summary == "Their summary, saved first."

    # Saving again, having seen the other change, replaces it.
    again = post(client, f"/decisions/notices/{notice.id}/edit",
                 {**opened, "version": html.find("input", attrs={"name": "version"})["value"]})
    assert again.status_code == 302
    _db.session.refresh(notice)
    assert notice.summary == "My summary, typed while someone else saved."


def test_signing_a_notice_changed_since_it_was_read_is_refused(decide, as_role, commissioner):
    notice = decide()
    notices.update_notice(notice, 1, {**_form(notice), "decision": "Changed since."}, commissioner)
    _db.session.flush()
    response = post(as_role("commissioner"), f"/decisions/notices/{notice.id}/sign", {"version": "1", "confirm": "y"})
    assert response.status_code == 200
    assert error_messages(response) == ["Someone else changed this decision notice after you opened it. "
                                        "Read it again below before you sign it"]
    _db.session.refresh(notice)
    assert notice.signed_at is None


def test_a_signed_notice_offers_no_way_to_change_it(decide, as_role, commissioner):
    notice = decide()
    notices.sign_notice(notice, 1, commissioner)
    _db.session.flush()
    client = as_role("commissioner")
    for response in (client.get(f"/decisions/notices/{notice.id}/edit"),
                     post(client, f"/decisions/notices/{notice.id}/edit", _form(notice, summary="Later.")),
                     client.get(f"/decisions/notices/{notice.id}/sign"),
                     post(client, f"/decisions/notices/{notice.id}/sign", {"version": "2", "confirm": "y"})):
        assert response.status_code == 302 and response.headers["Location"] == f"/decisions/notices/{notice.id}"
    shown = client.get(f"/decisions/notices/{notice.id}")
    assert "This decision notice has been signed, so it can no longer be changed" in seen_text(shown)
    assert page(shown).find("a", string="Edit the notice") is None
    _db.session.refresh(notice)
    assert notice.summary != "Later."


@pytest.mark.parametrize("role", ["grants_officer", "finance_officer", "admin"])
def test_other_staff_read_drafts_but_cannot_edit_or_sign(decide, as_role, role):
    notice = decide()
    client = as_role(role)
    draft = client.get(f"/decisions/notices/{notice.id}")
    assert draft.status_code == 200 and "Only the commissioner can edit and sign it" in seen_text(draft)
    assert client.get(f"/decisions/notices/{notice.id}/edit").status_code == 403
    assert post(client, f"/decisions/notices/{notice.id}/sign", {"version": "1", "confirm": "y"}).status_code == 403
    assert notice.number in seen_text(client.get("/decisions/notices"))


@pytest.mark.parametrize("role", ["applicant", "panel_member"])
def test_applicants_and_panel_members_cannot_read_drafts(decide, as_role, role):
    notice = decide()
    assert as_role(role).get(f"/decisions/notices/{notice.id}").status_code == 403
    assert as_role(role).get("/decisions/notices").status_code == 403


def test_a_notice_that_does_not_exist_is_not_found(as_role):
    assert as_role("commissioner").get("/decisions/notices/999999").status_code == 404
    assert as_role("commissioner").get("/decisions/notices/999999/edit").status_code == 404


# The public pages --------------------------------------------------------------------------------

def test_a_draft_is_never_public(decide, client):
    notice = decide()
    assert client.get(f"/decisions/{notice.id}").status_code == 404
    listing = seen_text(client.get("/decisions"))
    assert notice.number not in listing and "No signed decisions found" in listing


def test_signed_notices_are_listed_newest_first_with_the_order_2011(decided, decide, make_notice, client,
                                                                    commissioner):
    older = make_notice(AwardFactory().funding_round, number="PCC/D/2025-26/007",
                        signed_at=utcnow() - timedelta(days=30))
    notice = decide()
    notices.sign_notice(notice, 1, commissioner)
    _db.session.flush()
    response = client.get("/decisions")
    assert response.status_code == 200
    text = seen_text(response)
    assert "Elected Local Policing Bodies (Specified Information) Order 2011" in text
    titles = [a.get_text() for a in page(response).select("#decisions-list a")]
    assert titles == [notice.title, older.title]
    assert f"Decision {notice.number}, signed" in text
    # The list reads what it shows, not each notice's grants and texts (which grow with its round).
    _db.session.expire_all()
    with counting_statements() as statements:
        assert client.get("/decisions").status_code == 200
    assert not [s for s in statements if "decision_notices.grants" in s or "decision_notices.reasons" in s]


def test_the_public_notice_is_printable_on_the_letterhead(decide, client, commissioner):
    notice = decide()
    notices.sign_notice(notice, 1, commissioner)
    _db.session.flush()
    response = client.get(f"/decisions/{notice.id}")
    assert response.status_code == 200
    html = page(response)
    letterhead = html.select_one("#letterhead")
    assert letterhead is not None and notice.number in letterhead.get_text()
    assert "use your browser’s print command" in seen_text(response)
    assert html.select_one(".opcc-no-print") is not None
    rows = [[cell.get_text(strip=True) for cell in row.select("td")] for row in html.select("#grants-table tbody tr")]
    assert rows == [["CGS-2026-0001", "Community Safety Fund 2026 bidder 1", "Project 1", "£4,000.00"],
                    ["CGS-2026-0002", "Community Safety Fund 2026 bidder 2", "Project 2", "£3,000.00"]]
    assert "2 grants totalling £7,000.00" in seen_text(response)
    assert f"Signed {notice.signed_at.day} " in seen_text(response)
    assert "by Alison Hernandez" in seen_text(response)  # the decision maker, not the staff account's name
    for heading in ("Summary", "Decision", "Reasons for the decision", "Financial implications", "Legal basis",
                    "Conflicts of interest", "Grants awarded"):
        assert html.find("h2", string=heading) is not None, heading


def test_the_rounds_public_page_links_to_its_signed_notice(decided, decide, client, commissioner):
    notice = decide()
    round_page = f"/rounds/{decided.funding_round.id}"
    assert "read decision" not in seen_text(client.get(round_page))
    notices.sign_notice(notice, 1, commissioner)
    _db.session.flush()
    link = page(client.get(round_page)).find("a", string=f"read decision {notice.number}")
    assert link is not None and link["href"] == f"/decisions/{notice.id}"


def test_the_start_page_and_footer_link_to_decisions(client):
    html = page(client.get("/"))
    assert html.select_one('.govuk-footer a[href="/decisions"]') is not None
    assert html.find("a", string="grants made")["href"] == "/decisions/grants"


def test_grants_made_lists_only_accepted_grants_from_rounds_with_a_signed_notice(make_notice, client):
    published = AwardFactory(status=AwardStatus.ACCEPTED, amount=Decimal("4200.00"),
                             organisation=OrganisationFactory(name="Harbour Recovery", contact_name="Jo Private"),
                             standard_conditions=["purpose", "safeguarding"],
                             special_conditions="Food hygiene training before the first session.")
    funding_round = published.funding_round
    make_notice(funding_round, number="PCC/D/2026-27/011")
    for status, name in ((AwardStatus.OFFERED, "Offered Group"), (AwardStatus.CLOSED, "Closed Group"),
                         (AwardStatus.WITHDRAWN, "Withdrawn Group"), (AwardStatus.LAPSED, "Lapsed Group")):
        award = AwardFactory(status=status, organisation=OrganisationFactory(name=name))
        award.application.funding_round = funding_round
        award.round_id = funding_round.id
    draft_only = AwardFactory(organisation=OrganisationFactory(name="Draft Notice Group"))
    make_notice(draft_only.funding_round, signed=False, number="PCC/D/2026-27/012")
    AwardFactory(organisation=OrganisationFactory(name="No Notice Group"))
    _db.session.flush()

    response = client.get("/decisions/grants")
    assert response.status_code == 200
    html = page(response)
    recipients = sorted(row.select_one("td").get_text(strip=True) for row in html.select("#grants-made tbody tr"))
    # An offer not yet accepted is no grant made yet: the list is the 360Giving open data's set.
    assert recipients == ["Closed Group", "Harbour Recovery"]
    assert recipients == sorted(award.organisation.name for award in publishable_awards()
                                if award.round_id == funding_round.id)
    text = seen_text(response)
    assert "A grant appears here once the organisation has accepted the offer" in text
    assert "Total of the grants listed on all pages: £8,200.00" in text
    harbour = next(row for row in html.select("#grants-made tbody tr") if "Harbour Recovery" in row.get_text())
    cells = [cell.get_text(" ", strip=True) for cell in harbour.select("td")]
    assert cells[2] == "£4,200.00"
    assert "Use for the agreed purpose only" in cells[3] and "Safeguarding policy in place" in cells[3]
    assert "Special conditions: Food hygiene training before the first session." in cells[3]
    assert funding_round.name in cells[5] and "Decision PCC/D/2026-27/011" in cells[5]
    assert "Jo Private" not in text and "Alex Contact" not in text  # no contact's name is published
