"""Views of due diligence."""

from grants.blueprints.due_diligence import bp  # noqa: F401
