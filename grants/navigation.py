"""The service navigation: each link shows only to users whose roles may use it."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, g, request, url_for
from flask_login import current_user

from grants.models.accounts import STAFF_ROLES, Role


@dataclass(frozen=True)
class NavItem:
    text: str
    endpoint: str
    roles: frozenset[Role]  # empty: any signed-in user
    prefix: str  # the URL prefix that marks the item as the current section


AWARD_STAFF = frozenset({Role.GRANTS_OFFICER, Role.FINANCE_OFFICER, Role.COMMISSIONER, Role.ADMIN})

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
    NavItem("Your grants", "grantee.index", frozenset({Role.APPLICANT}), "/grants"),
    NavItem("Awards", "awards.index", AWARD_STAFF, "/awards"),
    NavItem("Payments", "awards.payments", frozenset({Role.GRANTS_OFFICER, Role.FINANCE_OFFICER, Role.ADMIN}),
            "/awards/payments"),
    NavItem("Claims", "awards.claims", frozenset({Role.GRANTS_OFFICER, Role.FINANCE_OFFICER, Role.ADMIN}),
            "/awards/claims"),
    NavItem("Bank details", "bank_details.index", frozenset({Role.FINANCE_OFFICER}), "/bank-details"),
    NavItem("Portfolio", "awards.dashboard", AWARD_STAFF, "/awards/dashboard"),
    NavItem("Deadlines", "deadlines.index", AWARD_STAFF | {Role.APPLICANT}, "/deadlines"),
    NavItem("Subsidy database", "subsidy.database_list", AWARD_STAFF, "/subsidy/database"),
    NavItem("Decision notices", "decisions.notices", AWARD_STAFF, "/decisions/notices"),
    NavItem("Messages", "messages.index", frozenset({Role.GRANTS_OFFICER, Role.ADMIN}), "/messages"),
    NavItem("Social return", "social_return.calculator", STAFF_ROLES, "/social-return"),
    NavItem("Pooled budgets", "pooled_budgets.index",
            frozenset({Role.FINANCE_OFFICER, Role.COMMISSIONER, Role.ADMIN}), "/pooled-budgets"),
    NavItem("Co-commissioning", "cocommissioning.index",
            frozenset({Role.FINANCE_OFFICER, Role.COMMISSIONER, Role.ADMIN}), "/co-commissioning"),
    NavItem("Plan and reference data", "reference.index", frozenset(), "/reference"),
    NavItem("Users", "admin.users", frozenset({Role.ADMIN}), "/admin/users"),
    NavItem("Settings", "admin.settings", frozenset({Role.ADMIN}), "/admin/settings"),
    NavItem("Registers", "due_diligence.registers_page", frozenset({Role.ADMIN}), "/due-diligence/registers"),
    NavItem("Audit log", "admin.audit_log", frozenset({Role.ADMIN}), "/admin/audit"),
    NavItem("Emails", "admin.email_templates_list", frozenset({Role.ADMIN}), "/admin/emails"),
    NavItem("Outbox", "admin.outbox", frozenset({Role.ADMIN}), "/admin/outbox"),
)


def _within(path: str, prefix: str) -> bool:
    """Whether ``path`` is ``prefix`` or below it, segment by segment (/awards is not /awardsx)."""
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")


def navigation_for(user) -> list[dict]:
    """The GOV.UK service navigation items for ``user``, the current section marked active."""
    if not user.is_authenticated:
        return []
    shown = [
        item for item in NAV_ITEMS
        if (not item.roles or user.has_role(*item.roles))
        and not (item.endpoint == "organisations.mine" and user.is_staff)
    ]
    # The current section is the item with the longest prefix the path starts with, so that
    # /awards/payments marks "Payments" and not "Awards" as well.
    matching = [item for item in shown if _within(request.path, item.prefix)]
    current = max(matching, key=lambda item: len(item.prefix), default=None)
    return [{"href": url_for(item.endpoint), "text": item.text, "active": item is current} for item in shown]


def init_app(app: Flask) -> None:
    @app.context_processor
    def _navigation():
        # Worked out once a request: GOV.UK form widgets render a template per field, and every
        # render runs the context processors (a form of 60 fields would build the menu 60 times).
        if "navigation_items" not in g:
            g.navigation_items = navigation_for(current_user)
        return {"navigation_items": g.navigation_items}
