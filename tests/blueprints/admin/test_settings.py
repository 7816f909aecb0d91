"""Office settings: an administrator changes the figures and names the service quotes, each checked,
none changed when any is wrong, every change audited; unset settings read as their shipped defaults."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.interfaces.admin import settings
from grants.models.audit import AuditEvent
from grants.models.settings import OfficeSetting
from tests.helpers import error_messages, page, post


def _form_values(response) -> dict[str, str]:
    soup = page(response)
    return {spec.key: soup.select_one(f"input[name={spec.key}]")["value"] for spec in settings.SPECS}


def _all_values(**changes) -> dict[str, str]:
    return {**settings.all_settings(), **changes}


def test_defaults_are_shown_with_their_labels_and_hints(as_role, db):
    response = as_role("admin").get("/admin/settings")
    assert response.status_code == 200
    values = _form_values(response)
    assert values["mfa_limit"] == "315000.00"
    assert values["mfa_limit_source"] == "Subsidy Control Act 2022, section 36(1)"
    assert values["decision_maker_name"] == "Alison Hernandez"
    labels = [" ".join(label.get_text().split()) for label in page(response).select("label.govuk-label")]
    assert "Minimal financial assistance limit" in labels
    assert settings.money_setting("mfa_limit") == Decimal("315000.00")


def test_a_change_is_saved_read_back_and_audited(as_role, db):
    client = as_role("admin")
    response = post(client, "/admin/settings", _all_values(mfa_limit="£320,000", decision_maker_name="A. N. Other"),
                    follow_redirects=True)
    assert "Settings saved" in page(response).get_text()
    assert settings.money_setting("mfa_limit") == Decimal("320000.00")
    assert settings.setting("decision_maker_name") == "A. N. Other"
    assert _form_values(response)["mfa_limit"] == "320000.00"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "settings.changed")).one()
    assert event.changes["mfa_limit"] == {"before": "315000.00", "after": "320000.00"}
    assert set(event.changes) == {"mfa_limit", "decision_maker_name"}


def test_saving_the_same_values_changes_nothing(as_role, db):
    response = post(as_role("admin"), "/admin/settings", _all_values(), follow_redirects=True)
    assert "Nothing was changed" in page(response).get_text()
    assert db.session.scalars(select(OfficeSetting)).all() == []
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "settings.changed")).all() == []


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("mfa_limit", "lots",
         "Minimal financial assistance limit must be an amount in pounds, like 315000 or 315,000.00"),
        ("mfa_limit", "-5", "Minimal financial assistance limit must be more than £0"),
        ("mfa_limit", "0", "Minimal financial assistance limit must be more than £0"),
        ("mfa_limit", "1.005", "Minimal financial assistance limit must be in pounds and pence, with no more than 2 "
                               "decimal places"),
        ("subsidy_transparency_threshold", "NaN", "Subsidy database threshold must be more than £0"),
        ("decision_maker_name", "", "Enter the decision maker's name"),
        ("decision_number_prefix", "X" * 21, "Decision number prefix must be 20 characters or fewer"),
    ],
)
def test_a_wrong_value_is_refused_and_nothing_is_saved(as_role, db, key, value, message):
    response = post(as_role("admin"), "/admin/settings",
                    _all_values(**{key: value, "decision_maker_office": "Changed too"}))
    assert response.status_code == 200
    assert error_messages(response) == [message]
    # What was typed is kept, and nothing, not even the good change beside it, was saved.
    assert _form_values(response)[key] == value
    assert _form_values(response)["decision_maker_office"] == "Changed too"
    assert settings.setting("decision_maker_office") == settings.SPEC_BY_KEY["decision_maker_office"].default
    assert db.session.scalars(select(OfficeSetting)).all() == []


def test_only_administrators_may_change_settings(as_role, db):
    for role in ("grants_officer", "finance_officer", "commissioner"):
        assert as_role(role).get("/admin/settings").status_code == 403
        assert post(as_role(role), "/admin/settings", _all_values(mfa_limit="1")).status_code == 403
    assert settings.money_setting("mfa_limit") == Decimal("315000.00")


def test_the_service_refuses_a_setting_that_does_not_exist(db, users):
    with pytest.raises(settings.SettingsError) as refused:
        settings.save_settings({"no_such": "x"}, users["admin"])
    assert refused.value.problems == {"no_such": "There is no setting called no_such"}
    with pytest.raises(KeyError):
        settings.money_setting("decision_maker_name")


def test_every_default_is_a_value_the_form_would_take(db, users):
    """A default the check refuses would make the settings page impossible to save."""
    for spec in settings.SPECS:
        assert settings._checked(spec, spec.default) == spec.default, spec.key
