"""The values of the emails about grants (grants/data/emails/awards.toml): offers, acceptance, lapses,
payments; and examples of them from real records for the administrators' previews. Monitoring,
repayment, variation and claim emails are in grants/data/emails/grant_management.toml, their values
in grants.interfaces.awards.management_emails."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from grants.email_templates import Value, send_template
from grants.extensions import db
from grants.formatting import london_datetime, long_date, money
from grants.links import public_url
from grants.models.accounts import User
from grants.models.awards import Award, AwardStatus, Instalment, InstalmentStatus


def award_values(award: Award) -> dict[str, Value]:
    """The placeholders every email about a grant has ([placeholder_sets.award])."""
    application = award.application
    return {
        "organisation name": award.organisation.name,
        "contact name": award.organisation.contact_name or "",
        "reference": application.reference or "",
        "project title": application.project_title or "",
        "has project title": bool(application.project_title),
        "no project title": not application.project_title,
        "round name": award.funding_round.name,
        "amount": money(award.amount),
        "start date": long_date(award.start_date),
        "end date": long_date(award.end_date),
        "offer deadline": london_datetime(award.offer_deadline),
        "officer name": award.officer.full_name if award.officer else "",
        "officer email": award.officer.email if award.officer else "",
        "has officer": award.officer is not None,
    }


# Offers -------------------------------------------------------------------------------------------

OFFER_EMAILS = ("offer_made", "offer_changed", "offer_extended", "offer_withdrawn")


def offer_values(award: Award) -> dict[str, Value]:
    return {**award_values(award), "withdrawn reason": award.withdrawn_reason or "",
            "link": public_url("grantee.offer", award_id=award.id)}


def tell_grantee_of_offer(key: str, award: Award, recipients: list[str]) -> None:
    """Email each of ``recipients`` the offer email ``key`` (one of OFFER_EMAILS) about ``award``."""
    values = offer_values(award)
    for recipient in recipients:
        send_template(key, recipient, values)


def lapsed_values(award: Award, officer: User | None) -> dict[str, Value]:
    """For the organisation: whom to contact is the officer responsible, if any."""
    values = offer_values(award)
    values.update({"officer name": officer.full_name if officer else "",
                   "officer email": officer.email if officer else "", "has officer": officer is not None})
    return values


def lapsed_officer_values(award: Award, officer: User) -> dict[str, Value]:
    return {**award_values(award), "recipient name": officer.full_name,
            "link": public_url("awards.show", award_id=award.id)}


def accepted_values(award: Award, officer: User) -> dict[str, Value]:
    due = ", ".join(f"instalment {i.number} of {money(i.amount)}" for i in award.instalments
                    if i.status is InstalmentStatus.DUE)
    return {**award_values(award), "recipient name": officer.full_name,
            "accepted by": award.accepted_name or "", "accepted position": award.accepted_position or "",
            "accepted at": london_datetime(award.accepted_at), "instalments due": due, "has instalments due": bool(due),
            "link": public_url("awards.show", award_id=award.id)}


def paid_values(instalment: Instalment, paid: Decimal, expected: date) -> dict[str, Value]:
    award = instalment.award
    return {**award_values(award), "instalment number": str(instalment.number),
            "instalments": str(len(award.instalments)), "instalment amount": money(instalment.amount),
            "payment reference": instalment.payment_reference or "", "paid on": long_date(instalment.paid_on),
            "expected by": long_date(expected), "paid so far": money(paid),
            "link": public_url("grantee.show", award_id=award.id)}


# Examples for previews ----------------------------------------------------------------------------

def _latest_award(*statuses: AwardStatus) -> Award | None:
    query = select(Award).order_by(Award.id.desc()).limit(1)
    if statuses:
        query = query.where(Award.status.in_(statuses))
    return db.session.scalars(query).first()


def example_offer() -> dict[str, Value] | None:
    award = _latest_award()
    return None if award is None else offer_values(award)


def example_withdrawn() -> dict[str, Value] | None:
    award = _latest_award(AwardStatus.WITHDRAWN) or _latest_award()
    if award is None:
        return None
    values = offer_values(award)
    values["withdrawn reason"] = values["withdrawn reason"] or "[withdrawn reason]"  # none withdrawn yet
    return values


def example_lapsed() -> dict[str, Value] | None:
    award = _latest_award(AwardStatus.LAPSED) or _latest_award()
    return None if award is None else lapsed_values(award, award.officer)


def example_lapsed_officer() -> dict[str, Value] | None:
    award = _latest_award(AwardStatus.LAPSED) or _latest_award()
    if award is None or award.officer is None:
        return None
    return lapsed_officer_values(award, award.officer)


def example_accepted() -> dict[str, Value] | None:
    award = db.session.scalars(select(Award).where(Award.accepted_at.is_not(None))
                               .order_by(Award.accepted_at.desc()).limit(1)).first()
    if award is None or award.officer is None:
        return None
    return accepted_values(award, award.officer)


def example_paid() -> dict[str, Value] | None:
    from grants.interfaces.awards.payment_batches import expected_in_account
    from grants.interfaces.awards.payments import paid_total

    instalment = db.session.scalars(select(Instalment).where(Instalment.paid_on.is_not(None))
                                    .order_by(Instalment.paid_on.desc(), Instalment.id.desc()).limit(1)).first()
    if instalment is None or instalment.paid_on is None:
        return None
    return paid_values(instalment, paid_total(instalment.award), expected_in_account(instalment.paid_on))
