"""A stored version's document is read once a process for the same content (``load_stored``): the
builder, the preview, monitoring returns and the applications all show the form without checking it
against the schema on every view, and a document changed in place is read afresh."""

from __future__ import annotations

import copy
import importlib

import pytest

from grants.form_definitions import FormDefinitionError, load_stored
from grants.form_definitions.load import _STORED, _STORED_KEPT
from tests.form_definitions.builders import form, question, section

# The module (the package's ``load`` is the function of the same name).
load_module = importlib.import_module("grants.form_definitions.load")


def _document(label: str = "What will you do?") -> dict:
    return form(section(question("plan", "long_text", label, limits={"max_words": 100})))


def test_the_same_content_is_read_once_and_a_change_is_read_afresh(monkeypatch):
    reads = []
    real = load_module.load
    monkeypatch.setattr(load_module, "load", lambda data: reads.append(1) or real(data))
    document = _document("A question never asked before")
    first = load_stored(document)
    again = load_stored(copy.deepcopy(document))
    assert again is first and len(reads) == 1

    document["sections"][0]["questions"][0]["label"] = "The same question, reworded in place"
    changed = load_stored(document)
    assert changed is not first and len(reads) == 2
    assert changed.sections[0].questions[0].label == "The same question, reworded in place"
    assert first.sections[0].questions[0].label == "A question never asked before"


def test_a_document_with_problems_raises_every_time_and_is_not_kept():
    broken = _document("Broken")
    broken["sections"][0]["questions"][0]["type"] = "no_such_type"
    for _ in range(2):
        with pytest.raises(FormDefinitionError):
            load_stored(broken)
    assert not any("no_such_type" in key for key in _STORED)


def test_the_store_is_bounded():
    for number in range(_STORED_KEPT + 5):
        load_stored(_document(f"Question {number}"))
    assert len(_STORED) <= _STORED_KEPT
