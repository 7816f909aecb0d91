"""What each role's home page shows: the things waiting for that user."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from grants.extensions import db
from grants.formatting import london_datetime
from grants.interfaces.applications import partners, stages
from grants.interfaces.auth import accounts
from grants.interfaces.main import next_step
from grants.interfaces.organisations import membership as organisations
from grants.interfaces.panel import queue as member_queue
from grants.interfaces.panel import score_sheets
from grants.models.accounts import ROLE_LABELS, Role, User
from grants.models.audit import AuditEvent
from grants.models.awards import Award, MonitoringReturn, ReturnStatus
from grants.models.mail import OutboxMessage
from grants.models.organisations import Organisation, OrganisationInvite
from grants.models.types import utcnow


@dataclass
class Task:
    text: str
    href: str | None = None
    hint: str | None = None


@dataclass
class HomePanel:
    role: Role
    title: str
    tasks: list[Task] = field(default_factory=list)
    empty: str = "Nothing is waiting for you."


def _closes(funding_round) -> str:
    """When an organisation new to the round must apply by: a two-stage round's expressions of interest."""
    if funding_round.has_eoi_stage:
        return f"Expressions of interest close {london_datetime(stages.deadline(funding_round, stages.EOI))}"
    return f"Closes {london_datetime(funding_round.closes_at)}"


def _partner_bids(user: User, panel: HomePanel) -> None:
    """The bids the user is a partner organisation's contact on (led and submitted by another)."""
    bids = partners.partner_applications(user)
    if bids:
        panel.tasks.append(Task(
            f"See the {'bid' if len(bids) == 1 else f'{len(bids)} bids'} you are a partner on",
            url_for("applications.dashboard", _anchor="partner-bids"),
            ", ".join(f"{bid.project_title or 'Untitled project'} (led by {bid.organisation.name})" for bid in bids)))


def _applicant(user: User) -> HomePanel:
    panel = HomePanel(Role.APPLICANT, "Your organisation")
    _partner_bids(user, panel)
    if user.organisation is None:
        panel.tasks.append(
            Task(
                "Tell us about your organisation",
                url_for("organisations.create"),
                "You need to do this before you can apply for a grant.",
            )
        )
        return panel
    org = user.organisation
    rows = next_step.organisation_rows(org.id)
    for row in rows:
        if row.step.action:
            panel.tasks.append(Task(row.step.text, row.step.href, f"{row.name}, {row.application.funding_round.name}"))
    for funding_round in organisations.rounds_to_apply_to(org.id):
        panel.tasks.append(Task(f"Check if you can apply to {funding_round.name}",
                                url_for("rounds.eligibility", round_id=funding_round.id),
                                _closes(funding_round)))
    if any(row.award is not None for row in rows):
        panel.tasks.append(Task("See your grants", url_for("grantee.index")))
    panel.tasks.append(Task("See all your applications", url_for("applications.dashboard")))
    panel.tasks.append(Task(f"View or update {org.name}", url_for("organisations.show", organisation_id=org.id)))
    open_invites = db.session.scalar(
        select(func.count()).select_from(OrganisationInvite).where(
            OrganisationInvite.organisation_id == org.id,
            OrganisationInvite.accepted_at.is_(None),
            OrganisationInvite.revoked_at.is_(None),
            OrganisationInvite.expires_at > utcnow(),
        )
    )
    if open_invites:
        panel.tasks.append(
            Task(
                f"{open_invites} invitation{'s' if open_invites != 1 else ''} not yet accepted",
                url_for("organisations.show", organisation_id=org.id) + "#members",
            )
        )
    return panel


def _grants_officer(user: User) -> HomePanel:
    panel = HomePanel(Role.GRANTS_OFFICER, "Grants")
    count = db.session.scalar(select(func.count()).select_from(Organisation))
    panel.tasks.append(
        Task(f"{count} organisation{'s' if count != 1 else ''} registered", url_for("organisations.index"))
    )
    _assessment_tasks(panel)
    _award_tasks(panel)
    _returns_to_review(panel)
    return panel


def _award_tasks(box: HomePanel) -> None:
    from grants.interfaces.awards import awarding as awards
    from grants.interfaces.awards import monitoring

    ready = len(awards.awardable_applications())
    if ready:
        box.tasks.append(Task(f"{ready} successful application{'s' if ready != 1 else ''} waiting for an award offer",
                              url_for("awards.index")))
    overdue = len(monitoring.overdue_returns())
    if overdue:
        box.tasks.append(Task(f"{overdue} monitoring return{'s are' if overdue != 1 else ' is'} overdue",
                              url_for("awards.overdue_returns")))


def returns_to_review() -> list[MonitoringReturn]:
    """Monitoring returns the grantee has sent and no officer has reviewed yet, oldest first."""
    return list(db.session.scalars(
        select(MonitoringReturn)
        .where(MonitoringReturn.status == ReturnStatus.SUBMITTED)
        .options(joinedload(MonitoringReturn.award).joinedload(Award.application).lazyload("*"),
                 joinedload(MonitoringReturn.award).joinedload(Award.organisation))
        .order_by(MonitoringReturn.submitted_at, MonitoringReturn.id)
    ).unique())


def _returns_to_review(box: HomePanel) -> None:
    for waiting in returns_to_review():
        award = waiting.award
        box.tasks.append(Task(
            f"Review monitoring return {waiting.number} from {award.organisation.name}",
            url_for("awards.return_review", award_id=award.id, return_id=waiting.id),
            f"{award.application.project_title or award.application.reference}, "
            f"sent {london_datetime(waiting.submitted_at)}",
        ))


def _finance(user: User) -> HomePanel:
    from grants.interfaces.awards import payments

    box = HomePanel(Role.FINANCE_OFFICER, "Finance")
    for count, text in ((len(payments.due_instalments()), "to approve"),
                        (len(payments.approved_instalments()), "approved and waiting to be paid")):
        if count:
            box.tasks.append(Task(f"{count} instalment{'s' if count != 1 else ''} {text}", url_for("awards.payments")))
    box.tasks.append(Task("See the portfolio dashboard", url_for("awards.dashboard")))
    return box


def _scoring_rounds():
    """Rounds whose panel is scoring now: closed, not yet decided."""
    from grants.interfaces.panel import assignment as panel

    return [r for r in panel.panel_rounds() if panel.scoring_open(r)]


def _assessment_tasks(panel_box: HomePanel) -> None:

    for funding_round in _scoring_rounds():
        _, per_bid = score_sheets.progress(funding_round)
        assigned = sum(p.assigned for p in per_bid.values())
        submitted = sum(p.submitted for p in per_bid.values())
        panel_box.tasks.append(Task(
            f"Assessment of {funding_round.name}",
            url_for("panel.round", round_id=funding_round.id),
            f"{submitted} of {assigned} assigned score sheets submitted",
        ))


def _panel_member(user: User) -> HomePanel:
    from grants.interfaces.panel import assignment as panel

    box = HomePanel(Role.PANEL_MEMBER, "Panel scoring")
    for member_round in member_queue.member_queue(user).current:  # decided rounds have nothing to score
        if not panel.scoring_open(member_round.funding_round):
            continue
        to_do = member_round.to_do  # over every bid of the round, not one page of the queue
        if to_do:
            box.tasks.append(Task(
                f"Score {to_do} bid{'s' if to_do != 1 else ''} in {member_round.funding_round.name}",
                url_for("panel.queue"),
                f"{member_round.submitted} of {member_round.assigned} submitted",
            ))
    return box


def _commissioner(user: User) -> HomePanel:
    from grants.interfaces.panel import shown_recommendation

    box = HomePanel(Role.COMMISSIONER, "Commissioning")
    for funding_round in _scoring_rounds():
        if shown_recommendation.latest(funding_round) is not None:  # read without its result
            box.tasks.append(Task(
                f"Approve the funding decisions for {funding_round.name}",
                url_for("panel.decision", round_id=funding_round.id),
                "The grants officers have made a funding recommendation",
            ))
    return box


def _admin(user: User) -> HomePanel:
    panel = HomePanel(Role.ADMIN, "Administration")
    counts = accounts.count_users_by_role()
    summary = ", ".join(f"{ROLE_LABELS[role].lower()}s: {counts.get(role, 0)}" for role in Role)
    panel.tasks.append(Task("Manage users", url_for("admin.users"), summary))
    failed = db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "failed")
    )
    if failed:
        panel.tasks.append(Task(f"{failed} email{'s' if failed != 1 else ''} failed to send",
                                url_for("admin.outbox", status="failed")))
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    panel.tasks.append(Task("Browse the audit log", url_for("admin.audit_log"), f"{events} events recorded"))
    return panel


def _nothing_yet(role: Role, title: str) -> HomePanel:
    return HomePanel(role, title)


def panels_for(user: User) -> list[HomePanel]:
    """One panel per role the user holds, in a fixed order."""
    builders = {
        Role.APPLICANT: _applicant,
        Role.GRANTS_OFFICER: _grants_officer,
        Role.PANEL_MEMBER: _panel_member,
        Role.FINANCE_OFFICER: _finance,
        Role.COMMISSIONER: _commissioner,
        Role.ADMIN: _admin,
    }
    return [builders[role](user) for role in Role if role in user.roles]
