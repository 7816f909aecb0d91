"""Views of subsidy."""

from grants.blueprints.subsidy import bp  # noqa: F401
