"""Placeholder: filled in by the pooled-budget pages."""

from grants.blueprints.pooled_budgets import bp  # noqa: F401
