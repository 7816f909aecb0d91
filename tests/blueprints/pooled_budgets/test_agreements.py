"""Pooled-budget agreements: the list, making one (and refusals), the agreement page, changing it
with optimistic locking, who may do what, and the audit log."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from grants.interfaces.pooled_budgets import agreements as pooled
from grants.interfaces.pooled_budgets import partners as pooled_partners
from grants.models.audit import AuditEvent
from grants.models.pooled_budgets import Agreement, Partner, PartnerKind
from tests.factories import make_agreement
from tests.helpers import error_messages, page, post

S9 = "Crime and disorder reduction grant under section 9 of the Police Reform and Social Responsibility Act 2011"


@pytest.fixture
def partners(db):
    pooled_partners.ensure_partners()
    db.session.flush()
    opcc = db.session.scalar(select(Partner).filter_by(kind=PartnerKind.OPCC))
    councils = list(db.session.scalars(select(Partner).filter_by(kind=PartnerKind.LOCAL_AUTHORITY)
                                       .order_by(Partner.id)))
    return opcc, councils


def _form(partners, **changes) -> dict:
    opcc, councils = partners
    return {"title": "Treatment and recovery pool", "reference": "PB-2026-01", "legal_basis": S9,
            "partner_ids": [str(opcc.id), str(councils[0].id), str(councils[1].id)],
            "host_partner_id": str(opcc.id), "fund_manager": "OPCC Chief Finance Officer", "start_year": "2026",
            "end_year": "2028", "lines": "Community treatment\nRecovery support", "status": "draft",
            "review_dates": "31/3/2027", "tolerance_percent": "5", **changes}


def _events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_ensure_partners_creates_the_opcc_and_every_council_once(db):
    first = pooled_partners.ensure_partners()
    db.session.flush()
    assert pooled_partners.ensure_partners() == []
    names = {p.name for p in first}
    assert pooled_partners.OPCC_NAME in names
    assert "Plymouth City Council" in names
    assert db.session.scalar(select(func.count(Partner.id)).filter_by(kind=PartnerKind.OPCC)) == 1
    assert _events(db, "partner.created")


def test_the_new_agreement_form_offers_the_default_lines_and_legal_bases(db, partners, as_role):
    response = as_role("finance_officer").get("/pooled-budgets/new")
    assert response.status_code == 200
    soup = page(response)
    assert "Young people's service" in soup.select_one("textarea#lines").get_text()
    assert S9 in soup.get_text()
    assert soup.select_one("select#start_year option[value='2026']").get_text() == "2026-27"


def test_a_finance_officer_makes_an_agreement(db, partners, as_role):
    response = post(as_role("finance_officer"), "/pooled-budgets/new", _form(partners))
    assert response.status_code == 302, error_messages(response)
    agreement = db.session.scalar(select(Agreement).filter_by(reference="PB-2026-01"))
    assert agreement.legal_basis == S9
    assert [line.name for line in agreement.lines] == ["Community treatment", "Recovery support"]
    assert len(agreement.members) == 3 and agreement.host_partner_id == partners[0].id
    assert agreement.review_dates == ["2027-03-31"]
    assert agreement.tolerance_percent == Decimal("5")
    [event] = _events(db, "agreement.created")
    assert event.changes["reference"]["after"] == "PB-2026-01"


def test_another_legal_basis_is_free_text(db, partners, as_role):
    response = post(as_role("finance_officer"), "/pooled-budgets/new",
                    _form(partners, legal_basis="other", legal_basis_other="Memorandum of understanding"))
    assert response.status_code == 302, error_messages(response)
    assert db.session.scalar(select(Agreement.legal_basis)) == "Memorandum of understanding"


@pytest.mark.parametrize("changes, message", [
    ({"end_year": "2025"}, "The last financial year must be 2026-27 or later"),
    ({"host_partner_id": "999999"}, "The host must be one of the partners"),
    ({"title": "  "}, "Enter the agreement’s title"),
    ({"fund_manager": ""}, "Enter the pooled-fund manager"),
    ({"lines": ""}, "Enter at least one budget line"),
    ({"lines": "Recovery\nrecovery"}, "Each budget line must have a different name"),
    ({"legal_basis": "other", "legal_basis_other": ""}, "Enter the legal basis"),
    ({"tolerance_percent": "five"}, "Tolerance must be a number, like 25"),
    ({"review_dates": "31/2/2027"}, "“31/2/2027” is not a date like 31/3/2027"),
])
def test_bad_agreements_are_refused_with_a_specific_message(db, partners, as_role, changes, message):
    response = post(as_role("finance_officer"), "/pooled-budgets/new", _form(partners, **changes))
    assert response.status_code == 200
    assert message in error_messages(response)
    assert db.session.scalar(select(func.count(Agreement.id))) == 0


def test_the_host_must_be_a_partner(db, partners, as_role):
    opcc, councils = partners
    response = post(as_role("finance_officer"), "/pooled-budgets/new",
                    _form(partners, host_partner_id=str(councils[3].id)))
    assert error_messages(response) == ["The host must be one of the partners"]


def test_a_reference_in_use_is_refused(db, partners, as_role):
    existing = make_agreement(reference="PB-2026-01")
    response = post(as_role("finance_officer"), "/pooled-budgets/new", _form(partners, reference="pb-2026-01"))
    assert error_messages(response) == [f"Reference pb-2026-01 is already used by “{existing.title}”: choose another"]
    assert db.session.scalar(select(func.count(Agreement.id))) == 1


def test_the_list_shows_each_agreement_and_filters_by_year(db, as_role):
    agreement = make_agreement(start_year=2026, years=3)
    make_agreement(start_year=2030, years=1, reference="PB-LATER")
    soup = page(as_role("commissioner").get("/pooled-budgets"))
    text = " ".join(soup.select_one("#agreements").get_text().split())
    assert agreement.reference in text and "2026-27 to 2028-29" in text and "£100,000.00" in text
    assert "PB-LATER" in text
    filtered = " ".join(page(as_role("commissioner").get("/pooled-budgets?year=2027")).get_text().split())
    assert agreement.reference in filtered and "PB-LATER" not in filtered


def test_the_agreement_page_shows_shares_adding_up_exactly(db, as_role):
    agreement = make_agreement(partners=3)
    soup = page(as_role("finance_officer").get(f"/pooled-budgets/{agreement.id}"))
    rows = soup.select("#contributions tbody tr")
    cells = [" ".join(row.select("td")[0].get_text(" ").split()) for row in rows]
    # £100,000 in three: £33,333.34 + £33,333.33 + £33,333.33, and 33.334% + 33.333% + 33.333%.
    assert cells[:3] == ["£33,333.34 33.334%", "£33,333.33 33.333%", "£33,333.33 33.333%"]
    assert cells[3] == "£100,000.00 100%"
    assert not soup.select(".govuk-warning-text")
    assert soup.find("a", href=f"/pooled-budgets/{agreement.id}/years/2026")
    assert soup.find("a", href=f"/pooled-budgets/{agreement.id}/export.xlsx")
    assert soup.find("a", href=f"/pooled-budgets/{agreement.id}/contributions/2026")


def test_contributions_not_matching_the_total_are_a_warning(db, as_role):
    agreement = make_agreement()
    agreement.contributions[0].amount += Decimal("10.00")
    db.session.flush()
    soup = page(as_role("commissioner").get(f"/pooled-budgets/{agreement.id}"))
    warning = " ".join(soup.select_one(".govuk-warning-text").get_text().split())
    assert "Contributions for 2026-27 add up to £100,010.00: the agreed total is £100,000.00" in warning
    assert not soup.find("a", href=f"/pooled-budgets/{agreement.id}/contributions/2026")  # view only


def test_a_finance_officer_changes_an_agreement(db, as_role):
    agreement = make_agreement()
    client = as_role("finance_officer")
    soup = page(client.get(f"/pooled-budgets/{agreement.id}/edit"))
    assert soup.select_one("input#title")["value"] == agreement.title
    data = {field["name"]: field.get("value", "") for field in soup.select("form input") if field.get("type") != "radio"
            and field.get("type") != "checkbox"}
    data.update(title="Renamed pool", legal_basis="other", legal_basis_other="Section 75 arrangement",
                partner_ids=[str(m.partner_id) for m in agreement.members],
                host_partner_id=str(agreement.host_partner_id),
                start_year="2026", end_year="2028", status="active", review_dates="", tolerance_percent="7.5")
    response = post(client, f"/pooled-budgets/{agreement.id}/edit", data)
    assert response.status_code == 302, error_messages(response)
    assert agreement.title == "Renamed pool" and agreement.tolerance_percent == Decimal("7.5")
    [event] = _events(db, "agreement.updated")
    assert event.changes["title"] == {"before": "Drug and alcohol treatment pool", "after": "Renamed pool"}


def test_a_stale_edit_shows_the_newer_values_and_saves_nothing(db, users, as_role):
    agreement = make_agreement()
    client = as_role("finance_officer")
    version = agreement.version
    pooled.update_agreement(agreement, version, {"title": "Changed by someone else"}, users["admin"])
    db.session.flush()
    data = {"version": str(version), "title": "My title", "reference": agreement.reference,
            "legal_basis": "other", "legal_basis_other": "Section 75 arrangement",
            "partner_ids": [str(m.partner_id) for m in agreement.members],
            "host_partner_id": str(agreement.host_partner_id), "fund_manager": "Someone", "start_year": "2026",
            "end_year": "2028", "status": "active", "tolerance_percent": "5"}
    response = post(client, f"/pooled-budgets/{agreement.id}/edit", data)
    assert response.status_code == 200
    soup = page(response)
    assert "Someone else changed this agreement" in soup.select_one("#version").get_text()
    assert soup.select_one("input#title")["value"] == "Changed by someone else"
    assert agreement.title == "Changed by someone else"


def test_removing_a_partner_with_contributions_is_refused(db, users):
    agreement = make_agreement()
    with pytest.raises(pooled.PooledError, match="A partner with contributions cannot be removed"):
        pooled.set_members(agreement, [m.partner_id for m in agreement.members[:2]], users["finance_officer"])


def test_a_line_with_monthly_figures_cannot_be_removed(db, users):
    from grants.models.pooled_budgets import MonthlyFigure

    agreement = make_agreement()
    line = agreement.lines[0]
    line.figures.append(MonthlyFigure(year=2026, month=1, actual=Decimal("10")))
    db.session.flush()
    with pytest.raises(pooled.PooledError, match="has monthly figures"):
        pooled.remove_line(line, users["finance_officer"])
    pooled.remove_line(agreement.lines[1], users["finance_officer"])
    db.session.flush()
    assert [line.name for line in agreement.lines] == ["Community treatment"]
    assert _events(db, "budget_line.removed")


@pytest.mark.visible_text(allow=["<script>alert(1)</script>"])  # the title typed, shown as typed
def test_user_text_is_escaped(db, as_role):
    agreement = make_agreement(notes="")
    agreement.title = "<script>alert(1)</script>"
    db.session.flush()
    html = as_role("finance_officer").get(f"/pooled-budgets/{agreement.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("role", ["applicant", "panel_member", "grants_officer"])
def test_other_roles_are_refused(db, as_role, role):
    agreement = make_agreement()
    for url in ("/pooled-budgets", f"/pooled-budgets/{agreement.id}", "/pooled-budgets/partners"):
        assert as_role(role).get(url).status_code == 403


@pytest.mark.parametrize("role", ["commissioner", "admin"])
def test_commissioner_and_admin_may_only_look(db, as_role, role):
    agreement = make_agreement()
    client = as_role(role)
    assert client.get(f"/pooled-budgets/{agreement.id}").status_code == 200
    for url in ("/pooled-budgets/new", f"/pooled-budgets/{agreement.id}/edit",
                f"/pooled-budgets/{agreement.id}/contributions/2026", f"/pooled-budgets/{agreement.id}/risk-share"):
        assert client.get(url).status_code == 403
        assert post(client, url, {}).status_code == 403


def test_adding_a_partner_alone_changes_the_version_and_is_audited(db, users):
    agreement = make_agreement(partners=2)
    pooled_partners.ensure_partners()
    db.session.flush()
    newcomer = db.session.scalar(select(Partner).where(Partner.kind == PartnerKind.LOCAL_AUTHORITY,
                                                       Partner.id.not_in([m.partner_id for m in agreement.members])))
    version = agreement.version
    pooled.update_agreement(agreement, version, {"partner_ids": [*(m.partner_id for m in agreement.members),
                                                                 newcomer.id]}, users["finance_officer"])
    assert agreement.version == version + 1
    assert [m.partner_id for m in agreement.members][-1] == newcomer.id
    [event] = _events(db, "agreement.updated")
    assert newcomer.id in event.changes["partners"]["after"]
