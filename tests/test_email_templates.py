"""Email templates as data (grants.email_templates): filling placeholders, conditional text, and what
a save refuses."""

from __future__ import annotations

import pytest

from grants import email_templates
from grants.email_templates import TemplateProblem, placeholders_in, render, unclosed


def test_placeholders_are_filled_by_name_whatever_their_case_and_spacing():
    assert render("Dear ((Contact  Name)), ((reference)).", {"contact name": "Sam", "reference": "CGS-1"}) == \
        "Dear Sam, CGS-1."


def test_conditional_text_shows_only_when_its_value_is_true_and_may_hold_placeholders():
    text = "Hello.((late?? It is ((days)) days late.))((on time?? Thank you.))"
    assert render(text, {"late": True, "on time": False, "days": "3"}) == "Hello. It is 3 days late."
    assert render(text, {"late": False, "on time": True, "days": "3"}) == "Hello. Thank you."


def test_a_value_is_never_read_as_template_text():
    # An organisation called "((link))" stays as typed: values are filled in after the template is read.
    assert render("From ((name)) at ((link))", {"name": "((link))", "link": "https://x"}) == "From ((link)) at https://x"


def test_text_left_out_leaves_no_run_of_blank_lines():
    assert render("A\n\n((flag??B))\n\nC", {"flag": False}) == "A\n\nC"


def test_subjects_are_one_line_even_when_a_value_has_line_breaks():
    assert render("About ((title))", {"title": "Line one\nline two"}, one_line=True) == "About Line one line two"


def test_the_names_a_text_uses_include_those_inside_conditional_text():
    assert placeholders_in("((a)) ((b??x ((c)) y)) ((a))") == ["a", "c", "b"]


@pytest.mark.parametrize("text", ["((name)", "(( name", "((late??text", "name))"])
def test_brackets_that_are_not_a_whole_placeholder_are_found(text):
    assert unclosed(text)


def test_a_save_refuses_a_placeholder_the_email_does_not_know(app):
    with pytest.raises(TemplateProblem) as problem:
        email_templates.check("application_submitted", "Got ((reference))", "Dear ((applicant nmae)),")
    assert problem.value.field == "body"
    assert str(problem.value).startswith("Body uses ((applicant nmae)), which this email does not know")


def test_a_save_refuses_an_unclosed_placeholder_in_the_subject(app):
    with pytest.raises(TemplateProblem) as problem:
        email_templates.check("application_submitted", "Got ((reference)", "Dear ((contact name)),")
    assert problem.value.field == "subject"


def test_every_value_of_an_email_is_needed_to_send_it(app):
    values = email_templates.sample_values("application_submitted")
    del values["reference"]
    with pytest.raises(KeyError, match="reference"):
        email_templates.fill("application_submitted", values)


def test_every_shipped_email_declares_the_placeholders_its_default_uses(app):
    for key, email in email_templates.definitions().items():
        assert email_templates.unknown_placeholders(email, email.subject, email.body) == [], key
        assert not unclosed(email.subject) and not unclosed(email.body), key


def test_conditional_text_may_hold_conditional_text_and_brackets_around_a_value():
    text = "((overdue??Repay ((ref))((titled?? (((title))))) now.))((on time??Repay ((ref)) by Friday.))"
    values = {"overdue": True, "on time": False, "ref": "CGS-1", "titled": True, "title": "Café"}
    assert render(text, values) == "Repay CGS-1 (Café) now."
    assert render(text, {**values, "titled": False}) == "Repay CGS-1 now."
    assert render(text, {**values, "overdue": False, "on time": True}) == "Repay CGS-1 by Friday."
    assert set(placeholders_in(text)) == {"ref", "title", "titled", "overdue", "on time"}
    assert not unclosed(text)
