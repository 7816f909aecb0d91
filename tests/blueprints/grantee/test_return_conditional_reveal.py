"""A monitoring return's section page puts a question asked only after one answer of a yes/no question
of the same section in that option's GOV.UK conditional reveal, as application pages do; a missing
answer to it is an error shown inside the open reveal."""

from __future__ import annotations

from grants.form_definitions import Kind, load
from grants.interfaces.round_forms import versions
from tests.blueprints.grantee.test_returns import return_url, running_award
from tests.form_definitions.builders import form, question, section
from tests.helpers import error_messages, page, post

MONITORING = form(
    section(question("delays", "yes_no", "Has anything held the work up?"),
            question("delay_detail", "short_text", "What held it up?", show_if={"question": "delays", "equals": "yes"}),
            question("next_steps", "short_text", "What comes next?"),
            id="progress", title="Progress"),
    kind="monitoring", title="Our own return",
)


def test_a_returns_question_opens_in_its_options_reveal(db, users, as_role):
    applicant = as_role("applicant")
    monitoring_return = running_award(users["org_a"]).returns[0]
    versions.save(monitoring_return.award.funding_round, Kind.MONITORING, load(MONITORING), by=None, reason="Own")
    url = return_url(monitoring_return, "/sections/progress")
    html = page(applicant.get(url))
    yes = html.find("input", attrs={"name": "delays", "value": "yes"})
    reveal = html.find(id=yes["data-aria-controls"])
    assert "govuk-radios__conditional--hidden" in reveal["class"]
    assert reveal.find("input", attrs={"name": "delay_detail"}) is not None
    assert [tag["name"] for tag in html.select("main input[type=text]")] == ["delay_detail", "next_steps"]

    response = post(applicant, url, {"delays": "yes", "next_steps": "More sessions", "action-continue": "1"})
    assert error_messages(response) == ["Enter an answer to ‘What held it up?’"]
    reveal = page(response).find(id="conditional-delays")
    assert "govuk-radios__conditional--hidden" not in reveal["class"]
    assert reveal.find(class_="govuk-error-message") is not None
