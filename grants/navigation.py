"""The service navigation: each link shows only to users whose roles may use it."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, request, url_for
from flask_login import current_user

from grants.models.accounts import Role


@dataclass(frozen=True)
class NavItem:
    text: str
    endpoint: str
    roles: frozenset[Role]  # empty: any signed-in user
    prefix: str  # the URL prefix that marks the item as the current section


NAV_ITEMS = (
    NavItem("Home", "main.home", frozenset(), "/home"),
    NavItem("Applications", "applications.dashboard", frozenset({Role.APPLICANT}), "/applications"),
    NavItem("Organisation", "organisations.mine", frozenset({Role.APPLICANT}), "/organisations"),
    NavItem(
        "Organisations",
        "organisations.index",
        frozenset({Role.GRANTS_OFFICER, Role.ADMIN}),
        "/organisations",
    ),
    NavItem(
        "Funding rounds",
        "rounds.manage",
        frozenset({Role.GRANTS_OFFICER, Role.ADMIN}),
        "/rounds/manage",
    ),
    NavItem("Screening", "screening.index", frozenset({Role.GRANTS_OFFICER, Role.ADMIN}), "/screening"),
    NavItem("Your scoring", "panel.queue", frozenset({Role.PANEL_MEMBER}), "/panel"),
    NavItem(
        "Assessment",
        "panel.rounds",
        frozenset({Role.GRANTS_OFFICER, Role.COMMISSIONER, Role.ADMIN}),
        "/panel/rounds",
    ),
    NavItem("Rubrics", "rubrics.index", frozenset({Role.GRANTS_OFFICER, Role.ADMIN}), "/rubrics"),
    NavItem("Plan and reference data", "reference.index", frozenset(), "/reference"),
    NavItem("Users", "admin.users", frozenset({Role.ADMIN}), "/admin/users"),
    NavItem("Audit log", "admin.audit_log", frozenset({Role.ADMIN}), "/admin/audit"),
    NavItem("Outbox", "admin.outbox", frozenset({Role.ADMIN}), "/admin/outbox"),
)


def navigation_for(user) -> list[dict]:
    """The GOV.UK service navigation items for ``user``, the current section marked active."""
    if not user.is_authenticated:
        return []
    items = []
    for item in NAV_ITEMS:
        if item.roles and not user.has_role(*item.roles):
            continue
        if item.endpoint == "organisations.mine" and user.is_staff:
            continue
        items.append(
            {
                "href": url_for(item.endpoint),
                "text": item.text,
                "active": request.path.startswith(item.prefix),
            }
        )
    return items


def init_app(app: Flask) -> None:
    @app.context_processor
    def _navigation():
        return {"navigation_items": navigation_for(current_user)}
