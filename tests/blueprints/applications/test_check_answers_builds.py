"""The check answers page lists what is missing and then every answer: both read the sections' saved
forms, which are built once a request (each form is built once, not once for the problems and again
for the answers), and built afresh once answers change."""

from __future__ import annotations

import pytest

from grants.interfaces.applications import questions
from grants.interfaces.subsidy.declaration import SECTION_KEY
from tests.blueprints.applications.test_submitting import _complete_everything
from tests.helpers import post
from tests.visible_text import seen_text


@pytest.fixture
def builds(monkeypatch):
    """The sections built, by key, as check answers builds them (every form goes through section_form)."""
    built: list[str] = []
    section_form = questions.section_form

    def counted(definition, section, *args, **kwargs):
        built.append(section.id)
        return section_form(definition, section, *args, **kwargs)

    monkeypatch.setattr(questions, "section_form", counted)
    return built


def test_each_sections_form_is_built_once_for_the_check_page(applicant, draft, builds):
    _complete_everything(applicant, draft)
    builds.clear()
    response = applicant.get(f"/applications/{draft.id}/check")
    assert response.status_code == 200
    text = seen_text(response)
    assert "Harbour Recovery Café" in text and "You cannot submit" not in text  # the answers, nothing missing
    # The round's own sections (subsidy control is a fixed task, not one of the round's forms).
    saved = [record.key for record in draft.sections if record.key not in {"organisation", SECTION_KEY}]
    assert sorted(builds) == sorted(saved)  # once each, for the problems and the answers together


def test_a_new_request_and_a_save_build_afresh(applicant, draft, builds):
    _complete_everything(applicant, draft)
    applicant.get(f"/applications/{draft.id}/check")
    builds.clear()
    applicant.get(f"/applications/{draft.id}/check")
    first = len(builds)
    assert first > 0  # a second request does not reuse the first's forms
    builds.clear()
    response = post(applicant, f"/applications/{draft.id}/sections/project",
                    {"title": "Renamed café", "summary": "A café.", "activities": "Cooking.", "need": "None nearby.",
                     "action-continue": "1"})
    assert response.status_code == 302
    assert "Renamed café" in seen_text(applicant.get(f"/applications/{draft.id}/check"))
