"""Placeholder: filled in by the panel pages."""

from grants.blueprints.panel import bp  # noqa: F401
