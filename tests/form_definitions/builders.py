"""Small JSON documents for the engine's tests: a question, a section, a whole form, each with only
what the test says plus what the format needs."""

from __future__ import annotations

from typing import Any

from grants.form_definitions import FORMAT, FormDefinitionError, load

YES_NO_OPTIONS = [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]


def question(id: str = "q1", type: str = "short_text", label: str = "Question", **keys: Any) -> dict[str, Any]:
    return {"id": id, "type": type, "label": label, **keys}


def choice(id: str, *values: str, type: str = "one_choice", **keys: Any) -> dict[str, Any]:
    options = [{"value": value, "label": value.title()} for value in values]
    return question(id, type, options=options, **keys)


def section(*questions: dict[str, Any], id: str = "s1", title: str = "Section") -> dict[str, Any]:
    return {"id": id, "title": title, "questions": list(questions)}


def form(*parts: dict[str, Any], kind: str = "eligibility", title: str = "A form") -> dict[str, Any]:
    """A form of ``parts``: sections as they are, questions gathered into one section."""
    sections = [part for part in parts if "questions" in part]
    loose = [part for part in parts if "questions" not in part]
    if loose:
        sections.insert(0, section(*loose, id="main"))
    return {"format": FORMAT, "kind": kind, "title": title, "sections": sections}


def role_questions() -> list[dict[str, Any]]:
    """The questions an application form must have."""
    return [
        question("title", "short_text", "Project name", role="project_title"),
        question("amount", "money", "How much are you asking for?", role="amount_requested"),
        question("start", "date", "When will it start?", role="project_start"),
        question("end", "date", "When will it end?", role="project_end"),
    ]


def application(*questions: dict[str, Any]) -> dict[str, Any]:
    """An application form with its required roles first, then ``questions``."""
    return form(section(*role_questions(), id="project"), section(*questions, id="more"), kind="application")


def problems(document: Any) -> list[str]:
    """Every problem ``load`` names, as "where: message"; [] if the document loads."""
    try:
        load(document)
    except FormDefinitionError as error:
        return [str(problem) for problem in error.problems]
    return []
