"""The dashboard's strands and outcomes rows hold no answer of a question its show_if hides: a round's
own form may ask its ADDER strands only after a "yes" in an earlier section, and an answer kept from
before that "yes" became "no" is nobody's answer (grants.models.answer_facts)."""

from __future__ import annotations

import copy

from sqlalchemy import select

from grants.extensions import db as _db
from grants.form_definitions import Kind, load
from grants.interfaces.round_forms import versions
from grants.models.answer_facts import application_adder_strands, refill
from grants.models.applications import ApplicationSection
from tests import custom_application_form as custom
from tests.factories import ApplicationFactory
from tests.form_definitions.builders import question

DOCUMENT = copy.deepcopy(custom.DOCUMENT)
DOCUMENT["sections"][0]["questions"].append(question("drugs_work", "yes_no", "Is the work about drugs?"))
_focus = DOCUMENT["sections"][-1]["questions"]
next(q for q in _focus if q["id"] == "strand_choice")["show_if"] = {"question": "drugs_work", "equals": "yes"}


def _strands(application) -> set[str]:
    _db.session.flush()
    return set(_db.session.scalars(select(application_adder_strands.c.code)
                                   .where(application_adder_strands.c.application_id == application.id)))


def test_strands_count_only_while_their_question_is_asked(db):
    application = ApplicationFactory()
    application.form = versions.save(application.funding_round, Kind.APPLICATION, load(DOCUMENT), by=None,
                                     reason="The round's own form")
    about = ApplicationSection(key="about", answers={"called": ["Title"], "drugs_work": ["yes"]}, complete=True)
    application.sections.append(about)
    application.sections.append(ApplicationSection(key="focus", answers={"strand_choice": ["recovery"]},
                                                   complete=True))
    assert _strands(application) == {"recovery"}
    about.answers = {"called": ["Title"], "drugs_work": ["no"]}  # the earlier section hides it now
    assert _strands(application) == set()
    refill(_db.session.connection())
    assert _strands(application) == set()
    about.answers = {"called": ["Title"], "drugs_work": ["yes"]}  # and shows it again: the kept answer counts
    assert _strands(application) == {"recovery"}
    _db.session.delete(about)  # no answer to the question it depends on: not asked
    assert _strands(application) == set()
