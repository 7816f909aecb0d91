"""Round forms as data (docs/form-definitions.md): the format of a form definition, reading it with
every problem named (``load``), writing it (``dump``), the standard forms, and what a definition asks
given the answers so far. Pure Python: no Flask, no database."""

from grants.form_definitions.conditions import is_ineligible, matches, visible_questions
from grants.form_definitions.dump import dump, dumps
from grants.form_definitions.load import load, load_stored, loads
from grants.form_definitions.model import (
    APPLICATION_ROLES,
    ELIGIBILITY_ROLES,
    FORMAT,
    ROLE_TYPES,
    Condition,
    EligibilityRule,
    FormDefinition,
    FormDefinitionError,
    Kind,
    Option,
    Problem,
    Question,
    QuestionType,
    Refusal,
    Role,
    Section,
)
from grants.form_definitions.schema_problems import schema
from grants.form_definitions.standard_forms import standard

__all__ = [
    "APPLICATION_ROLES",
    "ELIGIBILITY_ROLES",
    "FORMAT",
    "ROLE_TYPES",
    "Condition",
    "EligibilityRule",
    "FormDefinition",
    "FormDefinitionError",
    "Kind",
    "Option",
    "Problem",
    "Question",
    "QuestionType",
    "Refusal",
    "Role",
    "Section",
    "dump",
    "dumps",
    "is_ineligible",
    "load",
    "load_stored",
    "loads",
    "matches",
    "schema",
    "standard",
    "visible_questions",
]
