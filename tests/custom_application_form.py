"""A round's own application form whose sections and questions have none of the standard form's ids,
for the tests that hold everything downstream of an application to reading answers by role and by
structured type, never by a fixed section key or question id.

``ANSWERS`` are answers to it by section, as the section pages keep them (the text typed, by field
name); ``answering`` stores the form as the round's next version and gives an application it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from grants.form_definitions import Kind, load
from grants.interfaces.round_forms import versions
from grants.models.applications import Application, ApplicationSection
from grants.models.round_forms import RoundForm
from grants.models.rounds import FundingRound
from tests.form_definitions.builders import form, question, section

START, END = date(2027, 5, 3), date(2028, 2, 29)
GROUPS = (("parents", "Parents of teenagers"), ("veterans", "Armed forces veterans"))


def _parts(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


DOCUMENT: dict[str, Any] = form(
    section(
        question("called", "short_text", "What is the project called?", role="project_title"),
        question("pitch", "long_text", "Describe the project in a paragraph", role="project_summary",
                 limits={"max_words": 100}),
        question("has_partner", "yes_no", "Do you work with a partner?"),
        question("partner", "short_text", "Who is your partner?", show_if={"question": "has_partner", "equals": "yes"}),
        id="about", title="About the work",
    ),
    section(
        question("begins", "date", "First day of the work", role="project_start"),
        question("finishes", "date", "Last day of the work", role="project_end"),
        question("steps", "milestones", "Steps along the way"),
        id="timing", title="Timing",
    ),
    section(
        question("spend", "budget_lines", "What the money pays for"),
        question("ask", "money", "Grant wanted", role="amount_requested"),
        id="money", title="Money",
    ),
    section(
        question("strand_choice", "adder_strands", "ADDER parts"),
        question("aims", "drug_outcomes", "Combating Drugs aims"),
        {"id": "who", "type": "several_choices", "label": "Who benefits?", "role": "beneficiary_groups",
         "options": [{"value": value, "label": label} for value, label in GROUPS]},
        question("results", "outcome_measures", "Results and how you will know"),
        id="focus", title="Focus",
    ),
    kind="application", title="Our own application form",
)

ANSWERS: dict[str, dict[str, list[str]]] = {
    "about": {"called": ["Moorland Mentors"], "pitch": ["Mentoring for young people on the moor."],
              "has_partner": ["no"], "partner": ["A partner typed, then hidden"]},
    "timing": {"begins": _parts(START), "finishes": _parts(END),
               "steps-0-description": ["First mentors matched"], "steps-0-due": _parts(date(2027, 6, 1))},
    "money": {"spend-0-category": ["staff"], "spend-0-description": ["Mentor coordinator"],
              "spend-0-amount": ["3000"], "ask": ["3000"]},
    "focus": {"strand_choice": ["diversion", "recovery"], "aims": ["reduce-drug-use"], "who": ["veterans"],
              "results-0-outcome": ["Fewer young people excluded"], "results-0-measure": ["School records"]},
}


def store(funding_round: FundingRound) -> RoundForm:
    """The form saved as the round's next application form (by the command line, which may change a
    form after its round opened, giving a reason)."""
    return versions.save(funding_round, Kind.APPLICATION, load(DOCUMENT), by=None, reason="The round's own form")


def answering(application: Application, answers: dict[str, dict[str, list[str]]] | None = None) -> Application:
    """``application`` answering the form (stored for its round) with ``answers`` (``ANSWERS`` if not given)."""
    application.form = store(application.funding_round)
    for key, typed in (ANSWERS if answers is None else answers).items():
        application.sections.append(ApplicationSection(key=key, answers=typed, complete=True))
    return application
