"""SROI parameter sets: storing the defaults, the list and a set's page, copying, changing a draft
(refusals, optimistic locking), publishing and withdrawing, who may do what, and the audit log."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select

from grants.blueprints.social_return.parameter_forms import saved_inputs
from grants.interfaces.social_return import parameters as sroi
from grants.modelling.sroi_defaults import DEFAULT_PARAMETERS
from grants.models.audit import AuditEvent
from grants.models.social_return import ParameterSetStatus, SroiParameterSet
from tests.helpers import error_messages, page, post


@pytest.fixture
def default_set(db):
    return sroi.ensure_default_set()


@pytest.fixture
def draft(db, default_set, users):
    row = sroi.copy_set(default_set, users["admin"])
    db.session.flush()
    return row


def _events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _form(row, **changes) -> dict:
    return {**saved_inputs(sroi.parameters_of(row)), "lock_version": str(row.lock_version), **changes}


def _edit(client, row, **changes):
    return post(client, f"/social-return/parameters/{row.id}/edit", _form(row, **changes))


def test_storing_the_defaults_is_idempotent(db):
    db.session.execute(delete(SroiParameterSet))  # the suite's database has it already, as `reference load` leaves it
    first = sroi.ensure_default_set()
    again = sroi.ensure_default_set()
    assert again.id == first.id
    assert db.session.scalar(select(func.count(SroiParameterSet.id))) == 1
    assert first.status is ParameterSetStatus.PUBLISHED and first.published_at is not None
    assert sroi.parameters_of(first) == DEFAULT_PARAMETERS
    assert sroi.published_sets() == [first]
    assert len(_events(db, "sroi_parameters.seeded")) == 1


def test_the_list_shows_each_set(default_set, draft, as_role):
    response = as_role("panel_member").get("/social-return/parameters")
    assert response.status_code == 200
    rows = [" ".join(r.get_text().split()) for r in page(response).select("#parameter-sets tbody tr")]
    assert len(rows) == 2
    assert rows[0].startswith(f"{draft.name}, version 2 2 Draft Not published Version 1")
    assert "Published" in rows[1] and "the system" in rows[1]


def test_a_set_page_shows_values_sources_and_assumptions(default_set, as_role):
    response = as_role("commissioner").get(f"/social-return/parameters/{default_set.id}")
    assert response.status_code == 200
    soup = page(response)
    crime = " ".join(soup.select_one("#value-crime-opiate").get_text().split())
    assert "£8,691" in crime and "£5,215 to £13,037" in crime and "2011-12" in crime
    assert "National Treatment Agency for Substance Misuse" in crime
    assert "Assumption, set by the PCC Grants project" in crime
    assert "£26,074" in crime  # the note with the derivation
    qaly = " ".join(soup.select_one("#value-value_per_qaly").get_text().split())
    assert "£70,000" in qaly and "HM Treasury" in qaly
    assert "3.5%" in soup.select_one("#value-discount_rate").get_text()
    assert soup.select_one("#value-discount_rate a")["href"].startswith("https://www.gov.uk/")
    assert "Unverified" not in soup.get_text() and soup.select_one("#deflator-series")
    calendar = {row.th.get_text(): row.td.get_text() for row in soup.select("#deflator-calendar tbody tr")}
    assert calendar["2024"] == "100" and calendar["2022"] == "90.5005"
    derived = {row.th.get_text(): row.td.get_text() for row in soup.select("#deflator-series tbody tr")}
    assert derived["2022-23"] == "91.9" and "2024-25" not in derived
    for category in ("crime", "health_care", "social_care", "quality_of_life"):
        assert len(soup.select(f"#category-{category} tbody tr")) >= 4
    # a panel member sees no buttons to change anything
    assert not soup.select("#copy, #publish, #withdraw")


def test_copy_makes_the_next_version_as_a_draft(db, default_set, users, as_role):
    client = as_role("admin")
    response = post(client, f"/social-return/parameters/{default_set.id}/copy")
    assert response.status_code == 302
    copy = db.session.scalar(select(SroiParameterSet).where(SroiParameterSet.version == 2))
    assert response.headers["Location"].endswith(f"/social-return/parameters/{copy.id}/edit")
    assert (copy.name, copy.status, copy.based_on_id) == (default_set.name, ParameterSetStatus.DRAFT, default_set.id)
    assert copy.created_by_id == users["admin"].id
    assert sroi.parameters_of(copy).values == DEFAULT_PARAMETERS.values
    assert _events(db, "sroi_parameters.copied")[0].actor_id == users["admin"].id
    # a copy of the copy is version 3
    assert sroi.copy_set(copy, users["admin"]).version == 3


def test_an_edit_is_saved_and_audited_with_before_and_after(db, draft, users, as_role):
    response = _edit(as_role("admin"), draft, **{"crime-opiate-value": "9,000", "deadweight-value": "15",
                                                "deadweight-high": "40"})
    assert response.status_code == 302, error_messages(response)
    db.session.refresh(draft)
    saved = sroi.parameters_of(draft)
    assert saved.value("crime.opiate") == Decimal("9000")
    assert saved.value("deadweight") == Decimal("0.15") and saved.values["deadweight"].high == Decimal("0.4")
    # a changed assumption now says who set it
    assert saved.values["crime.opiate"].set_by == users["admin"].full_name
    assert saved.values["health_care.opiate"] == DEFAULT_PARAMETERS.values["health_care.opiate"]
    [event] = _events(db, "sroi_parameters.updated")
    assert set(event.changes) == {"crime.opiate", "deadweight"}
    assert event.changes["crime.opiate"]["before"]["value"] == "8691"
    assert event.changes["crime.opiate"]["after"]["value"] == "9000"
    shown = as_role("admin").get(f"/social-return/parameters/{draft.id}")
    text = " ".join(page(shown).select_one("#value-crime-opiate").get_text().split())
    assert f"Assumption, set by {users['admin'].full_name}" in text and "£9,000" in text


@pytest.mark.parametrize("changes, message, input_id", [
    ({"crime-opiate-value": "20000"}, "Crime avoided, opiate clients must be between its low and high values",
     "crime-opiate-value"),
    ({"deadweight-high": "120"}, "Deadweight (high) must be between 0% and 100%", "deadweight-high"),
    ({"social_care-alcohol-low": "lots"}, "Social care, alcohol only clients (low) must be a number, like 8691",
     "social_care-alcohol-low"),
    ({"crime-alcohol-assumption": "", "crime-alcohol-title": "Cost of crime"},
     "Enter the publisher of the source of Crime avoided, alcohol only clients, or mark it as an assumption",
     "crime-alcohol-publisher"),
    ({"value_per_qaly-title": ""},
     "Enter the title of the source of Value per QALY, or mark it as an assumption", "value_per_qaly-title"),
    ({"crime-opiate-price_year": "1999-00"},
     "Enter the price year of Crime avoided, opiate clients as a financial year from 2010-11 to 2023-24, like 2021-22",
     "crime-opiate-price_year"),
    ({"crime-opiate-url": "javascript:alert(1)"},
     "The link to the source of Crime avoided, opiate clients must start with https:// or http://",
     "crime-opiate-url"),
])
def test_a_bad_edit_is_refused_on_its_input_and_nothing_is_saved(db, draft, as_role, changes, message, input_id):
    before = (dict(draft.parameters), draft.lock_version)
    response = _edit(as_role("admin"), draft, **{"crime-opiate-value": "9000", **changes})
    assert response.status_code == 200
    assert message in error_messages(response)
    soup = page(response)
    link = soup.select_one(f'.govuk-error-summary a[href="#{input_id}"]')
    assert link is not None and soup.select_one(f"#{input_id}") is not None
    assert soup.select_one(f"#{input_id}-error") is not None
    # what was typed is shown back
    for name, typed in {"crime-opiate-value": "9000", **changes}.items():
        if not name.endswith("assumption"):
            assert soup.select_one(f"#{name}")["value"] == typed
    db.session.refresh(draft)
    assert (draft.parameters, draft.lock_version) == before
    assert not _events(db, "sroi_parameters.updated")


def test_a_stale_edit_is_refused_and_the_newer_values_are_shown(db, draft, users, as_role):
    client = as_role("admin")
    form = _form(draft, **{"crime-opiate-value": "9000"})
    # someone else saves first
    changes = {"crime.opiate": {**_entry(draft, "crime.opiate"), "value": Decimal("10000")}}
    sroi.update_draft(draft, draft.lock_version, changes, users["admin"])
    db.session.flush()
    response = post(client, f"/social-return/parameters/{draft.id}/edit", form)
    assert response.status_code == 200
    assert error_messages(response)[0].startswith("Someone else changed this parameter set")
    soup = page(response)
    assert soup.select_one("#crime-opiate-value")["value"] == "10000"
    assert soup.select_one("input[name=lock_version]")["value"] == str(draft.lock_version)
    db.session.refresh(draft)
    assert sroi.parameters_of(draft).value("crime.opiate") == Decimal("10000")


def _entry(row, key) -> dict:
    item = sroi.parameters_of(row).values[key]
    return {"value": item.value, "low": item.low, "high": item.high, "assumption": item.assumption,
            "note": item.note, "price_year": item.price_year or "",
            **{name: getattr(item.source, name) if item.source else "" for name in sroi.SOURCE_FIELDS}}


def test_a_published_set_cannot_be_changed(db, default_set, users, as_role):
    client = as_role("admin")
    response = client.get(f"/social-return/parameters/{default_set.id}/edit", follow_redirects=True)
    assert "Published sets cannot be changed: make a copy" in response.get_data(as_text=True)
    response = _edit(client, default_set, **{"crime-opiate-value": "9000"})
    assert response.status_code == 302
    with pytest.raises(sroi.SroiError, match="Published sets cannot be changed"):
        sroi.update_draft(default_set, default_set.lock_version, {}, users["admin"])
    assert sroi.parameters_of(default_set) == DEFAULT_PARAMETERS


def test_publish_and_withdraw(db, default_set, draft, users, as_role):
    client = as_role("admin")
    # the only published set cannot be withdrawn
    response = post(client, f"/social-return/parameters/{default_set.id}/withdraw", follow_redirects=True)
    assert "This is the only published set" in response.get_data(as_text=True)
    db.session.refresh(default_set)
    assert default_set.status is ParameterSetStatus.PUBLISHED

    response = post(client, f"/social-return/parameters/{draft.id}/publish")
    assert response.status_code == 302
    db.session.refresh(draft)
    assert draft.status is ParameterSetStatus.PUBLISHED
    assert draft.published_by_id == users["admin"].id and draft.published_at is not None
    assert sroi.published_sets()[0].id == draft.id
    # publishing twice is refused
    response = post(client, f"/social-return/parameters/{draft.id}/publish", follow_redirects=True)
    assert "only a draft can be published" in response.get_data(as_text=True)

    response = post(client, f"/social-return/parameters/{default_set.id}/withdraw")
    db.session.refresh(default_set)
    assert default_set.status is ParameterSetStatus.WITHDRAWN
    assert sroi.published_sets() == [draft]
    with pytest.raises(sroi.SroiError, match="only a published set can be withdrawn"):
        sroi.withdraw(default_set, users["admin"])
    [published] = _events(db, "sroi_parameters.published")
    assert published.changes["status"] == {"before": "draft", "after": "published"}
    [withdrawn] = _events(db, "sroi_parameters.withdrawn")
    assert withdrawn.changes["status"] == {"before": "published", "after": "withdrawn"}


@pytest.mark.parametrize("role", ["panel_member", "grants_officer", "finance_officer", "commissioner"])
def test_only_an_administrator_changes_sets(db, default_set, draft, as_role, role):
    client = as_role(role)
    assert client.get(f"/social-return/parameters/{draft.id}").status_code == 200
    assert client.get(f"/social-return/parameters/{draft.id}/edit").status_code == 403
    for action in ("copy", "publish", "edit"):
        assert post(client, f"/social-return/parameters/{draft.id}/{action}").status_code == 403
    assert post(client, f"/social-return/parameters/{default_set.id}/withdraw").status_code == 403


def test_an_applicant_cannot_see_parameter_sets(default_set, as_role):
    client = as_role("applicant")
    assert client.get("/social-return/parameters").status_code == 403
    assert client.get(f"/social-return/parameters/{default_set.id}").status_code == 403


@pytest.mark.visible_text(allow=["<script>alert('x')</script>"])  # the note as typed
def test_a_note_with_a_script_is_shown_as_text(db, draft, as_role):
    note = "<script>alert('x')</script>"
    response = _edit(as_role("admin"), draft, **{"crime-opiate-note": note})
    assert response.status_code == 302, error_messages(response)
    for url in (f"/social-return/parameters/{draft.id}", f"/social-return/parameters/{draft.id}/edit"):
        html = as_role("admin").get(url).get_data(as_text=True)
        assert "<script>alert(" not in html
        assert "&lt;script&gt;alert(" in html


def test_a_missing_set_is_not_found(as_role):
    assert as_role("admin").get("/social-return/parameters/999999").status_code == 404
