"""Placeholder: filled in by the awards pages."""

from grants.blueprints.awards import bp  # noqa: F401
