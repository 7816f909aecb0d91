"""A monitoring return keeps its answers against the version of the form its page showed: if the
round's monitoring form changes between the page being read and the answers being saved, nothing is
kept against the new version; the page says so and shows the form now asked, with the answers typed."""

from __future__ import annotations

from grants.form_definitions import Kind, dump, load, standard
from grants.interfaces.round_forms import versions
from grants.models.awards import ReturnStatus
from tests.blueprints.grantee.test_returns import RETURN_ANSWERS, return_url, running_award
from tests.helpers import page, post
from tests.visible_text import seen_text

FIELD = "action-form-version"


def _changed_form():
    document = dump(standard(Kind.MONITORING))
    people = next(section for section in document["sections"] if section["id"] == "people")
    people["questions"][0]["label"] = "People you reached this period"
    return load(document)


def test_a_form_changed_while_the_page_was_open_keeps_nothing_against_it(db, users, as_role):
    applicant = as_role("applicant")
    monitoring_return = running_award(users["org_a"]).returns[0]
    url = return_url(monitoring_return, "/sections/people")
    shown = page(applicant.get(url)).select_one(f"input[name={FIELD}]")["value"]
    assert shown == "standard"  # the round asks the standard form

    funding_round = monitoring_return.award.funding_round
    new_version = versions.save(funding_round, Kind.MONITORING, _changed_form(), by=None, reason="Clearer label")
    db.session.flush()

    response = post(applicant, url, {**RETURN_ANSWERS["people"], FIELD: shown, "action-continue": "1"})
    assert response.status_code == 200
    text = seen_text(response)
    assert "This form was changed while you were filling it in, so your answers have not been saved." in text
    assert "People you reached this period" in text  # the form now asked
    db.session.refresh(monitoring_return)
    assert monitoring_return.form is None and not monitoring_return.answers
    assert monitoring_return.status is ReturnStatus.NOT_STARTED
    html = page(response)
    assert html.select_one(f"input[name={FIELD}]")["value"] == str(new_version.id)
    assert html.select_one("input[name=people_families]")["value"] == "1,200"  # the answers typed are kept on the page

    response = post(applicant, url, {**RETURN_ANSWERS["people"], FIELD: str(new_version.id), "action-continue": "1"})
    assert response.status_code == 302
    db.session.refresh(monitoring_return)
    assert monitoring_return.form_id == new_version.id
    assert monitoring_return.answers["people"]["people_families"] == ["1,200"]


def test_a_pinned_return_checks_against_its_own_version(db, users, as_role):
    applicant = as_role("applicant")
    monitoring_return = running_award(users["org_a"]).returns[0]
    url = return_url(monitoring_return, "/sections/people")
    shown = page(applicant.get(url)).select_one(f"input[name={FIELD}]")["value"]
    assert post(applicant, url, {**RETURN_ANSWERS["people"], FIELD: shown, "action-later": "1"}).status_code == 302
    db.session.refresh(monitoring_return)
    pinned = monitoring_return.form_id
    versions.save(monitoring_return.award.funding_round, Kind.MONITORING, _changed_form(), by=None, reason="Later")
    db.session.flush()
    # The return answers the version it was pinned to, whatever the round asks now: its page shows that one.
    shown = page(applicant.get(url)).select_one(f"input[name={FIELD}]")["value"]
    assert shown == str(pinned)
    assert post(applicant, url, {**RETURN_ANSWERS["people"], FIELD: shown, "action-continue": "1"}).status_code == 302
    db.session.refresh(monitoring_return)
    assert monitoring_return.form_id == pinned
