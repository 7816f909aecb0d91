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


def test_making_forms_does_not_change_the_shared_field_declarations(app):
    # Binding once per form must leave the class's declaration alone, or every request would add
    # another filter to every text field for the life of the process.
    declared = OrganisationForm.name
    before = (list(declared.kwargs.get("filters", ())), list(declared.kwargs.get("validators", ())))
    with app.test_request_context():
        for _ in range(3):
            form = OrganisationForm(formdata=MultiDict({"name": " A "}), meta={"csrf": False})
    assert (list(declared.kwargs.get("filters", ())), list(declared.kwargs.get("validators", ()))) == before
    assert len(form.name.filters) == len(before[0]) + 1
    assert form.name.data == "A"


def test_line_breaks_as_browsers_send_them_are_kept_as_newlines(app):
    # A browser posts a text box's line breaks as CRLF: they are kept as "\n" (the builder's guidance
    # came back in the form's JSON with "\r\n" before).
    from grants.blueprints.round_forms.forms import SectionForm
    from grants.form_definitions import Kind, standard

    with app.test_request_context():
        form = SectionForm(formdata=MultiDict({"title": "Night-time economy",
                                               "description": "First line.\r\n\r\n- Pubs\r\n- Takeaways\r"}),
                           definition=standard(Kind.APPLICATION), meta={"csrf": False})
        assert form.description.data == "First line.\n\n- Pubs\n- Takeaways"
