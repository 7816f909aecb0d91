"""A year's contributions and line budgets, saved together or not at all, and the risk share."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.interfaces.pooled_budgets import agreements as pooled
from grants.models.audit import AuditEvent
from grants.models.pooled_budgets import ContributionBasis, RiskShareRule
from tests.factories import make_agreement
from tests.helpers import error_messages, page, post


def _year_form(agreement, year=2026, lines=("60000", "40000"), **partners) -> dict:
    """The contributions form as the page fills it, with ``partners`` overriding rows by position:
    p0={"amount": "…"} etc."""
    data = {f"line-{line.id}": amount for line, amount in zip(agreement.lines, lines, strict=True)}
    saved = {c.partner_id: c for c in agreement.contributions if c.year == year}
    for position, member in enumerate(agreement.members):
        pid, c = member.partner_id, saved[member.partner_id]
        row = {"basis": c.basis.value, "amount": str(c.amount), "share": "", "profile": c.profile.value,
               "version": str(c.version), **partners.get(f"p{position}", {})}
        data.update({f"{key}-{pid}": value for key, value in row.items()})
    return data


def _snapshot(agreement, year=2026):
    return (sorted((c.partner_id, c.basis.value, c.amount, c.share_percent) for c in agreement.contributions
                   if c.year == year),
            sorted((b.line_id, b.amount) for line in agreement.lines for b in line.budgets if b.year == year))


def test_the_page_shows_the_year_as_saved(db, as_role):
    agreement = make_agreement()
    soup = page(as_role("finance_officer").get(f"/pooled-budgets/{agreement.id}/contributions/2026"))
    pid = agreement.members[0].partner_id
    assert soup.select_one(f"#amount-{pid}")["value"] == "33333.34"
    assert soup.select_one(f"#line-{agreement.lines[0].id}")["value"] == "60000.00"
    assert soup.select_one(f"label[for=amount-{pid}]")


def test_a_year_outside_the_agreement_is_not_offered(db, as_role):
    agreement = make_agreement()
    response = as_role("finance_officer").get(f"/pooled-budgets/{agreement.id}/contributions/2040")
    assert response.status_code == 302


def test_shares_and_new_budgets_are_saved_together(db, as_role):
    agreement = make_agreement()
    form = _year_form(agreement, lines=("70000", "50000"),
                      p0={"amount": "60000"}, p1={"basis": "share", "share": "50", "amount": ""},
                      p2={"basis": "share", "share": "50", "amount": "", "profile": "monthly"})
    response = post(as_role("finance_officer"), f"/pooled-budgets/{agreement.id}/contributions/2026", form)
    assert response.status_code == 302, error_messages(response)
    result, instalments = pooled.contributions_for_year(agreement, 2026)
    assert result.problems == ()
    opcc, first, second = (m.partner_id for m in agreement.members)
    assert result.amounts == {opcc: 6_000_000, first: 3_000_000, second: 3_000_000}
    assert len(instalments[second]) == 12 and sum(instalments[second]) == 3_000_000
    assert pooled.year_total(agreement, 2026) == Decimal("120000")
    actions = {e.action for e in db.session.scalars(select(AuditEvent))}
    assert {"contribution.set", "line_budget.set"} <= actions


@pytest.mark.parametrize("rows, lines, message", [
    ({"p0": {"amount": "40000"}}, ("60000", "40000"),
     "Contributions for 2026-27 add up to £106,666.66: the agreed total is £100,000.00"),
    ({}, ("60000", "50000"), "Contributions for 2026-27 add up to £100,000.00: the agreed total is £110,000.00"),
    ({"p1": {"basis": "share", "share": "40", "amount": ""}, "p2": {"basis": "share", "share": "50", "amount": ""}},
     ("60000", "40000"), "Shares for 2026-27 add up to 90%: they must add up to 100%"),
    ({"p0": {"amount": "-5"}}, ("60000", "40000"), "Enter Office of the Police and Crime Commissioner’s "
     "contribution, £0 or more"),
    ({"p0": {"amount": "lots"}}, ("60000", "40000"), "Office of the Police and Crime Commissioner’s contribution "
     "must be a number, like 12500"),
    ({}, ("60000", "4x0"), "Budget for Recovery support must be a number, like 12500"),
    ({}, ("60000", "-1"), "Budget for Recovery support must be £0 or more"),
    ({"p1": {"basis": "share", "share": "ten", "amount": ""}}, ("60000", "40000"),
     "{p1}’s share must be a number, like 25"),
])
def test_an_inconsistent_year_is_refused_and_nothing_is_saved(db, as_role, rows, lines, message):
    agreement = make_agreement()
    before = _snapshot(agreement)
    form = _year_form(agreement, lines=lines, **rows)
    message = message.format(p1=agreement.members[1].partner.name)
    response = post(as_role("finance_officer"), f"/pooled-budgets/{agreement.id}/contributions/2026", form)
    assert response.status_code == 200
    assert message in " ".join(error_messages(response))
    db.session.expire_all()
    assert _snapshot(agreement) == before
    assert not list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "contribution.set")))
    # What was typed is shown back.
    assert page(response).select_one(f"#line-{agreement.lines[1].id}")["value"] == lines[1]


def test_set_contribution_keeps_the_others_and_must_still_add_up(db, users):
    agreement = make_agreement()
    partner = agreement.members[1].partner
    saved = next(c for c in agreement.contributions if c.partner_id == partner.id and c.year == 2026)
    with pytest.raises(pooled.PooledError, match="add up to"):
        pooled.set_contribution(agreement, partner, 2026, "fixed", Decimal("1.00"), None, "annual", saved.version,
                                users["finance_officer"])
    pooled.set_contribution(agreement, partner, 2026, "fixed", saved.amount, None, "annual", saved.version,
                            users["finance_officer"])
    assert saved.profile.value == "annual" and saved.basis is ContributionBasis.FIXED


def test_a_stale_contribution_is_refused(db, users):
    agreement = make_agreement()
    partner = agreement.members[1].partner
    saved = next(c for c in agreement.contributions if c.partner_id == partner.id and c.year == 2026)
    with pytest.raises(pooled.PooledError, match="Someone else changed") as refused:
        pooled.set_contribution(agreement, partner, 2026, "fixed", saved.amount, None, "annual", saved.version - 1,
                                users["finance_officer"])
    assert refused.value.stale


# Risk share --------------------------------------------------------------------------------------

def _risk_form(agreement, rule="fixed", percents=("50", "30", "20"), caps=("", "", "")) -> dict:
    data = {"rule": rule, "version": str(agreement.version)}
    for member, percent, cap in zip(agreement.members, percents, caps, strict=True):
        data[f"percent-{member.partner_id}"] = percent
        data[f"cap-{member.partner_id}"] = cap
    return data


def test_fixed_percentages_and_caps_are_saved(db, as_role):
    agreement = make_agreement()
    response = post(as_role("finance_officer"), f"/pooled-budgets/{agreement.id}/risk-share",
                    _risk_form(agreement, caps=("", "5000", "0")))
    assert response.status_code == 302, error_messages(response)
    assert agreement.risk_share_rule is RiskShareRule.FIXED
    assert [m.risk_share_percent for m in agreement.members] == [Decimal("50"), Decimal("30"), Decimal("20")]
    assert [m.risk_cap for m in agreement.members] == [None, Decimal("5000"), Decimal("0")]
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "agreement.risk_share_set"))
    assert event.changes["risk_share_rule"] == {"before": "pro_rata", "after": "fixed"}
    soup = page(as_role("commissioner").get(f"/pooled-budgets/{agreement.id}"))
    assert "£5,000.00" in soup.select_one("#risk-share").get_text()


@pytest.mark.parametrize("percents, caps, message", [
    (("50", "30", "10"), ("", "", ""), "Fixed percentages add up to 90%: they must add up to 100%"),
    (("50", "30", "20"), ("", "-1", ""), "’s cap must be £0 or more"),
    (("50", "30", "2x"), ("", "", ""), "’s percentage must be a number, like 25"),
])
def test_bad_risk_share_is_refused(db, as_role, percents, caps, message):
    agreement = make_agreement()
    response = post(as_role("finance_officer"), f"/pooled-budgets/{agreement.id}/risk-share",
                    _risk_form(agreement, percents=percents, caps=caps))
    assert response.status_code == 200
    assert any(message in text for text in error_messages(response)), error_messages(response)
    db.session.expire_all()
    assert agreement.risk_share_rule is RiskShareRule.PRO_RATA
    assert all(m.risk_cap is None and m.risk_share_percent is None for m in agreement.members)


def test_a_stale_risk_share_is_refused(db, as_role):
    agreement = make_agreement()
    form = _risk_form(agreement, rule="host")
    form["version"] = str(agreement.version - 1)
    response = post(as_role("finance_officer"), f"/pooled-budgets/{agreement.id}/risk-share", form)
    assert any("Someone else changed" in text for text in error_messages(response))
    assert agreement.risk_share_rule is RiskShareRule.PRO_RATA


@pytest.mark.parametrize("changed", ["line budget", "contribution"])
def test_a_year_changed_meanwhile_is_refused_whole_and_the_newer_figures_shown(db, as_role, changed):
    agreement = make_agreement()
    client = as_role("finance_officer")
    soup = page(client.get(f"/pooled-budgets/{agreement.id}/contributions/2026"))
    form = {field["name"]: field.get("value", "") for field in soup.select("main form input[name]")
            if field.get("type") != "radio" or field.has_attr("checked")}
    for select_ in soup.select("main form select[name]"):
        chosen = select_.select_one("option[selected]") or select_.select_one("option")
        form[select_["name"]] = chosen["value"]
    # Someone else saves first: a line budget or a contribution gets a new version.
    line = agreement.lines[1]
    if changed == "line budget":
        next(b for b in line.budgets if b.year == 2026).amount = Decimal("39000.00")
    else:
        next(c for c in agreement.contributions if c.year == 2026).profile = pooled.InstalmentProfile.ANNUAL
    db.session.flush()
    before = _snapshot(agreement)
    form["line-" + str(agreement.lines[0].id)] = "61000"  # and this user's change, which must not land
    form[f"amount-{agreement.members[0].partner_id}"] = "34333.34"
    response = client.post(f"/pooled-budgets/{agreement.id}/contributions/2026", data=form)
    assert any("Someone else changed" in text for text in error_messages(response))
    assert _snapshot(agreement) == before
    shown = page(response).select_one(f"#line-{agreement.lines[0].id}")["value"]
    assert shown in {"60000.00", "60000", "60,000.00"}  # the saved figure, not the refused one


def test_each_error_in_the_year_links_to_its_input(db, as_role):
    agreement = make_agreement()
    line = agreement.lines[0]
    pid = agreement.members[1].partner_id
    form = _year_form(agreement, lines=("abc", "40000"), p1={"amount": "-5"})
    response = post(as_role("finance_officer"), f"/pooled-budgets/{agreement.id}/contributions/2026", form)
    links = {a.get_text(" ", strip=True): a["href"] for a in page(response).select(".govuk-error-summary__list a")}
    assert any(href == f"#line-{line.id}" for href in links.values()), links
    assert any(href == f"#amount-{pid}" for href in links.values()), links
    for href in links.values():
        assert page(response).select_one(href) is not None  # every link goes to an input on the page
