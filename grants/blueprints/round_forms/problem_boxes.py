"""Which box of the builder's pages each of the engine's problems is about: by the problem's JSON
path for a document out of the schema's shape, by the question's id and the start of its message for
a broken rule."""

from __future__ import annotations

import re

from grants.blueprints.round_forms import limits as limit_boxes
from grants.form_definitions import Problem
from grants.form_definitions.model import LIMIT_NAMES

# The boxes of a question's and a section's JSON document.
QUESTION_PARTS = {"id": "question_id", "type": "question_type", "label": "label", "hint": "hint",
                  "guidance": "guidance", "required": "required", "options": "options", "show_if": "show_if"}
SECTION_PARTS = {"id": "section_id", "title": "title", "description": "description"}
# The engine's messages about a question, by how they start, and the box each is about.
RULE_BOXES = (
    (re.compile(r"^shown only if"), "show_if"),
    (re.compile(r"^has the option value|^has no options|^has options|needs at least 2 options"), "options"),
    (re.compile(r"^is a declaration"), "required"),
    (re.compile(r"have this id"), "question_id"),
    (re.compile(r"^has the role|^is an? \w+ question, which only|^its lines must|^its dates must|^is ineligible|"
                r"^its eligibility test|^has an eligibility rule"), "question_type"),
)
LIMIT_IN_MESSAGE = re.compile(r"\b(" + "|".join(LIMIT_NAMES) + r")\b")
# What the engine's messages call the parts a page names differently.
PART_WORDS = {"label": "The question", "hint": "The hint", "guidance": "The guidance", "title": "The title",
              "description": "The description", **limit_boxes.LABELS}


def box_for(problem: Problem, question_path: tuple[str, str] | None,
            section_path: tuple[str, str] | None) -> str | None:
    """The name of the box ``problem`` is about, given the (JSON path, id) of the question and of the
    section on the page; None for a problem of the whole form."""
    if question_path is not None:
        path, question_id = question_path
        if problem.where == path or problem.where.startswith((path + ".", path + "[")):
            return _part_box(problem.where.removeprefix(path), problem.message, QUESTION_PARTS)
        if problem.where == question_id:
            return _rule_box(problem.message)
        depends = (f"shown only if {question_id}", f"its refuse rule applies only if {question_id}")
        if problem.message.startswith(depends):
            # a later question depends on this one's answers (to be asked, or to refuse one of its own)
            return "options" if "not one of its answers" in problem.message else "question_type"
    if section_path is not None:
        path, section_id = section_path
        if problem.where.startswith(path + ".") and not problem.where.startswith(path + ".questions"):
            return _part_box(problem.where.removeprefix(path), problem.message, SECTION_PARTS)
        if problem.where == section_id:
            return "section_id"
    return None


def _part_box(rest: str, message: str, parts: dict[str, str]) -> str | None:
    """The box for a schema problem at ``rest`` of the question's or section's path (".limits.max_words")."""
    keys = [key for key in re.split(r"[.\[\]]+", rest) if key and not key.isdigit()]
    if not keys:
        return _rule_box(message.split(" ", 2)[-1]) if parts is QUESTION_PARTS else None
    if keys[0] == "limits":
        if len(keys) > 1 and keys[1] in LIMIT_NAMES:
            return keys[1]
        found = LIMIT_IN_MESSAGE.search(message)
        return found.group(1) if found else None
    return parts.get(keys[0])


def _rule_box(message: str) -> str | None:
    """The box for a broken rule, by the start of the engine's message ("shown only if …")."""
    for pattern, box in RULE_BOXES:
        if pattern.search(message):
            return box
    found = LIMIT_IN_MESSAGE.search(message)
    return found.group(1) if found else None
