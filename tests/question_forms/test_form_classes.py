"""A section's form class is made once and used again (``grants.question_forms.build._form_class``): the
same definition, section and round give the same class; anything else that shapes the form gives its own,
so that no form offers another round's lists or checks another round's limits."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from grants.question_forms import build as form_build
from tests.form_definitions.builders import question
from tests.question_forms.helpers import CONTEXT, build, definition_of


def _offered(form, name: str) -> list[str]:
    return [choice.value for choice in form[name].choices]


def test_the_same_definition_section_and_round_use_one_class():
    definition = definition_of(question("chosen", "plan_approaches", "Which?"))
    assert type(build(definition)) is type(build(definition))


def test_another_rounds_lists_give_another_class_offering_its_own():
    definition = definition_of(question("chosen", "plan_approaches", "Which approaches?"),
                               question("cost", "money", "How much?", limits={"max": "round_max_award"}))
    other = dataclasses.replace(CONTEXT, approaches=(("place", "Place"),), max_award=Decimal("900"))
    first, second = build(definition), build(definition, context=other)
    assert _offered(first, "chosen") == ["prevention", "people"]
    assert _offered(second, "chosen") == ["place"]
    posted = build(definition, data={"chosen": "place", "cost": "2000"}, context=other)
    assert not posted.validate()
    assert set(posted.errors) == {"cost"}  # "place" is this round's; £2,000 is over its £900
    # and the first round's form is as it was
    again = build(definition, data={"chosen": "place", "cost": "2000"})
    assert not again.validate()
    assert set(again.errors) == {"chosen"}


def test_a_changed_definition_with_the_same_ids_gives_its_own_form():
    before = definition_of(question("chosen", "plan_approaches", "Which approaches?"))
    after = definition_of(question("chosen", "plan_approaches", "Which approaches now?"))
    assert build(before)["chosen"].label.text == "Which approaches?"
    assert build(after)["chosen"].label.text == "Which approaches now?"


def test_the_classes_kept_are_bounded(monkeypatch):
    monkeypatch.setattr(form_build, "_CLASSES", {})
    monkeypatch.setattr(form_build, "_CLASSES_KEPT", 3)
    definitions = [definition_of(question(f"q{n}", "short_text", f"Question {n}?")) for n in range(5)]
    for definition in definitions:
        build(definition)
    assert len(form_build._CLASSES) == 3
    assert build(definitions[0])["q0"].label.text == "Question 0?"  # dropped, made again
