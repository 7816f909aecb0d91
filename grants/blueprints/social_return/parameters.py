"""Placeholder: filled in by the social-return pages."""

from grants.blueprints.social_return import bp  # noqa: F401
