"""The standard forms that ship with the service (grants/form_definitions/standard/<kind>.json): what
a round asks when it has no form of its own, and where a new round's form starts."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable

from grants.form_definitions.load import loads
from grants.form_definitions.model import FormDefinition, FormDefinitionError, Kind, Problem

STANDARD_FORMS: Traversable = files("grants.form_definitions") / "standard"


@cache
def standard(kind: Kind) -> FormDefinition:
    """The standard form of this kind, checked like any import (read once, then kept)."""
    return read_standard(Kind(kind), STANDARD_FORMS)


def read_standard(kind: Kind, folder: Traversable) -> FormDefinition:
    """The form of this kind in ``folder`` (``<kind>.json``); FormDefinitionError if it is not a valid
    definition of that kind."""
    name = f"{kind.value}.json"
    definition = loads((folder / name).read_bytes())
    if definition.kind is not kind:
        raise FormDefinitionError([Problem("form", f"standard/{name} is {definition.kind.in_sentence}, "
                                                   f"not {kind.in_sentence}")])
    return definition
