"""Partners: anyone who may see pooled budgets may list them; only an administrator adds one."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grants.interfaces.pooled_budgets import partners as pooled_partners
from grants.models.audit import AuditEvent
from grants.models.pooled_budgets import Partner, PartnerKind
from tests.helpers import error_messages, page, post


def test_viewers_see_the_partners_without_the_form(db, as_role):
    pooled_partners.ensure_partners()
    db.session.flush()
    soup = page(as_role("finance_officer").get("/pooled-budgets/partners"))
    assert pooled_partners.OPCC_NAME in soup.select_one("#partners").get_text()
    assert soup.select_one("form#add-partner, input#name") is None


def test_an_admin_adds_a_partner(db, as_role):
    client = as_role("admin")
    assert page(client.get("/pooled-budgets/partners")).select_one("input#name")
    response = post(client, "/pooled-budgets/partners", {"name": "NHS Devon", "kind": "other"})
    assert response.status_code == 302, error_messages(response)
    partner = db.session.scalar(select(Partner).filter_by(name="NHS Devon"))
    assert partner.kind is PartnerKind.OTHER
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "partner.created"))
    assert event.entity_id == str(partner.id)


def test_a_duplicate_or_missing_name_is_refused(db, as_role):
    client = as_role("admin")
    post(client, "/pooled-budgets/partners", {"name": "NHS Devon", "kind": "other"})
    response = post(client, "/pooled-budgets/partners", {"name": "nhs  devon", "kind": "other"})
    assert error_messages(response) == ["There is already a partner called nhs devon"]
    assert error_messages(post(client, "/pooled-budgets/partners", {"name": " ", "kind": "other"})) == [
        "Enter the partner’s name"]
    assert len(list(db.session.scalars(select(Partner).filter_by(kind=PartnerKind.OTHER)))) == 1


def test_only_an_admin_may_add(db, as_role):
    for role in ("finance_officer", "commissioner"):
        assert post(as_role(role), "/pooled-budgets/partners", {"name": "X", "kind": "other"}).status_code == 403
    assert db.session.scalar(select(Partner).filter_by(name="X")) is None


@pytest.mark.visible_text(allow=["<b>Bold</b>"])  # the name typed, shown as typed
def test_partner_names_are_escaped(db, as_role):
    post(as_role("admin"), "/pooled-budgets/partners", {"name": "<b>Bold</b> Trust", "kind": "other"})
    html = as_role("commissioner").get("/pooled-budgets/partners").get_data(as_text=True)
    assert "<b>Bold</b>" not in html and "&lt;b&gt;Bold&lt;/b&gt; Trust" in html
