"""Placeholder: filled in by the grantee pages."""

from grants.blueprints.grantee import bp  # noqa: F401
