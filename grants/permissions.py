"""Who may open each page.

Every view declares its rule with one of these decorators; a test walks ``app.url_map`` and fails
when an endpoint has none, so a new page cannot forget to say who it is for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TypeVar, cast

from flask import abort
from flask_login import current_user

from grants.extensions import login_manager
from grants.models.accounts import Role

View = TypeVar("View", bound=Callable)


@dataclass(frozen=True)
class AccessRule:
    """``public``: anyone; otherwise a signed-in user holding one of ``roles`` (any role if empty)."""

    public: bool = False
    roles: frozenset[Role] = frozenset()

    def allows(self, user) -> bool:
        if self.public:
            return True
        if not user.is_authenticated:
            return False
        return not self.roles or user.has_role(*self.roles)


def _declare(view: View, rule: AccessRule) -> View:
    view.access_rule = rule  # type: ignore[attr-defined]
    return view


def public(view: View) -> View:
    """Anyone may open this page, signed in or not."""
    return _declare(view, AccessRule(public=True))


def login_required(view: View) -> View:
    """Any signed-in user may open this page."""
    return role_required()(view)


def role_required(*roles: Role | str) -> Callable[[View], View]:
    """Signed-in users holding at least one of ``roles``; others get 403, visitors go to sign in."""
    rule = AccessRule(roles=frozenset(Role(role) for role in roles))

    def decorator(view: View) -> View:
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not rule.allows(current_user):
                abort(403)
            return view(*args, **kwargs)

        return _declare(cast(View, guarded), rule)

    return decorator

