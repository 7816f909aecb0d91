"""The groups an officer can write to, as data: each kind has a label, says whether it needs a round,
and gives its recipients (each address once, compared without regard to case).

An organisation is reached as its other emails reach it (grants.interfaces.organisations.membership
``recipients``): its active members' accounts and its contact address. A panel member is reached at
their own account, if it is active.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants.extensions import db
from grants.interfaces.awards.monitoring import overdue_returns
from grants.models.accounts import User
from grants.models.applications import Application, ApplicationStatus
from grants.models.awards import Award, AwardStatus
from grants.models.organisations import Organisation
from grants.models.panel import PanelMember
from grants.models.rounds import FundingRound


@dataclass(frozen=True)
class Recipient:
    """One person a message goes to: an address, who it is, and the organisation it reaches."""

    email: str
    person: str
    organisation: str = ""
    user_id: int | None = None
    organisation_id: int | None = None

    @property
    def name(self) -> str:
        """The person and their organisation, as shown and as kept with the message."""
        return f"{self.person}, {self.organisation}" if self.organisation else self.person


@dataclass(frozen=True)
class GroupKind:
    key: str
    label: str  # as a radio's label
    hint: str  # who is in it, in words
    needs_round: bool
    members: Callable[[FundingRound | None], list[Recipient]]

    def describe(self, funding_round: FundingRound | None) -> str:
        """The group in words, as the officer chose it: "Every applicant in Commissioners Grant 2027"."""
        return f"{self.label} in {funding_round.name}" if self.needs_round and funding_round else self.label


def _organisation_people(organisations: Iterable[Organisation]) -> list[Recipient]:
    """Each organisation's active members, then its contact address if no member has it."""
    found: list[Recipient] = []
    for organisation in sorted(organisations, key=lambda o: (o.name.lower(), o.id)):
        people = [Recipient(member.email, member.full_name, organisation.name, member.id, organisation.id)
                  for member in sorted(organisation.members, key=lambda m: m.full_name.lower()) if member.active]
        if organisation.contact_email:
            people.append(Recipient(organisation.contact_email, organisation.contact_name or "Contact",
                                    organisation.name, None, organisation.id))
        found.extend(people)
    return found


def _organisations(ids: Iterable[int]) -> list[Organisation]:
    wanted = set(ids)
    if not wanted:
        return []
    return list(db.session.scalars(
        select(Organisation).where(Organisation.id.in_(wanted)).options(selectinload(Organisation.members))
    ))


def round_applicants(funding_round: FundingRound | None) -> list[Recipient]:
    """Organisations that submitted an application (or expression of interest) in the round and have
    not withdrawn it; drafts are not applications yet."""
    assert funding_round is not None
    ids = db.session.scalars(
        select(Application.organisation_id).where(
            Application.round_id == funding_round.id,
            Application.submitted_at.is_not(None),
            Application.status.not_in([ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN]),
        ).distinct()
    )
    return _organisation_people(_organisations(ids))


def round_grantees(funding_round: FundingRound | None) -> list[Recipient]:
    """Organisations whose offer in the round was accepted (running or closed grants)."""
    assert funding_round is not None
    ids = db.session.scalars(
        select(Award.organisation_id).where(
            Award.round_id == funding_round.id, Award.status.in_([AwardStatus.ACCEPTED, AwardStatus.CLOSED]),
        ).distinct()
    )
    return _organisation_people(_organisations(ids))


def returns_overdue(funding_round: FundingRound | None = None) -> list[Recipient]:
    """Grantees with a monitoring return overdue today (as the daily reminders and payment holds see it)."""
    ids = {item.monitoring_return.award.organisation_id for item in overdue_returns()}
    return _organisation_people(_organisations(ids))


def round_panel(funding_round: FundingRound | None) -> list[Recipient]:
    """The round's panel members whose accounts are active."""
    assert funding_round is not None
    members = db.session.scalars(
        select(User).join(PanelMember, PanelMember.user_id == User.id)
        .where(PanelMember.round_id == funding_round.id, User.active.is_(True))
        .order_by(User.full_name, User.id)
    )
    return [Recipient(user.email, user.full_name, "", user.id, None) for user in members]


GROUPS: dict[str, GroupKind] = {kind.key: kind for kind in (
    GroupKind("round_applicants", "Every applicant", "Organisations that submitted an application in a round "
              "(not drafts or withdrawn ones): their members and contact", True, round_applicants),
    GroupKind("round_grantees", "Every grantee", "Organisations that accepted a grant in a round: their members "
              "and contact", True, round_grantees),
    GroupKind("returns_overdue", "Every grantee with a monitoring return overdue",
              "Grantees with a return past its due date and not yet sent, in any round: their members and contact",
              False, returns_overdue),
    GroupKind("round_panel", "Every panel member", "The panel members of a round whose accounts are active",
              True, round_panel),
)}


def recipients(kind: GroupKind, funding_round: FundingRound | None) -> list[Recipient]:
    """The group's people, each address once (the first found, compared without regard to case)."""
    seen: set[str] = set()
    found: list[Recipient] = []
    for recipient in kind.members(funding_round):
        address = recipient.email.strip()
        if address and address.lower() not in seen:
            seen.add(address.lower())
            found.append(recipient if address == recipient.email else
                         Recipient(address, recipient.person, recipient.organisation, recipient.user_id,
                                   recipient.organisation_id))
    return found
