"""Views of decisions."""

from grants.blueprints.decisions import bp  # noqa: F401
