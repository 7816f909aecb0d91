"""Shared form behaviour."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from grants.blueprints.organisations.forms import OrganisationForm


def test_text_of_only_spaces_counts_as_empty(app):
    with app.test_request_context():
        form = OrganisationForm(formdata=MultiDict({"name": "   ", "town": "\t"}), meta={"csrf": False})
        form.validate()
        assert form.name.errors == ["Enter your organisation's name"]
        assert form.town.errors == ["Enter town or city"]


def test_text_is_trimmed(app):
    with app.test_request_context():
        form = OrganisationForm(formdata=MultiDict({"name": "  Harbour Trust  "}), meta={"csrf": False})
        assert form.name.data == "Harbour Trust"
