"""Demo awards for the decided round: accepted, part-paid and reporting; one with an overdue
return and a held instalment; one varied; one offer still waiting to be accepted.

Everything goes through the award, payment, monitoring and variation interfaces with dates in
the past, as if the grants had run for five months. Idempotent: a round with awards is left alone.
Never run against production data.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from wtforms import BooleanField

from grants.award_conditions import STANDARD_CONDITIONS
from grants.demo.accounts import DEMO_PASSWORD
from grants.demo.rounds import ROUNDS
from grants.extensions import db
from grants.formatting import LONDON
from grants.interfaces.auth import accounts
from grants.interfaces.awards import awarding as awards
from grants.interfaces.awards import monitoring, payments, variations
from grants.interfaces.awards.offers import default_schedule
from grants.models.accounts import Role, User
from grants.models.applications import Application, ApplicationStatus
from grants.models.awards import MonitoringFrequency, Rating, VariationKind
from grants.models.organisations import Organisation
from grants.models.rounds import FundingRound
from grants.models.types import utcnow
from grants.return_form.plan import plan_for

# People who act for the grantees without a demo login of their own.
GRANTEE_USERS = {
    "Penwith Community Kitchen CIC": ("penwith@example.org", "Kerensa Hosking"),
    "Exeter Street Pastors": ("pastors@example.org", "David Okafor"),
    "Scilly Wellbeing Network": ("scilly@example.org", "Elowen Jenkins"),
}
STARTED_DAYS_AGO = 150


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON).astimezone(UTC)


def _grantee(organisation: Organisation) -> User:
    """The organisation's first member, or a demo user made for it."""
    member = db.session.scalar(select(User).where(User.organisation_id == organisation.id).order_by(User.id))
    if member is not None:
        return member
    email, name = GRANTEE_USERS[organisation.name]
    user = accounts.get_user_by_email(email) or accounts.create_user(email, name, DEMO_PASSWORD, {Role.APPLICANT})
    user.organisation = organisation
    db.session.flush()
    return user


def _offer(application: Application, officer: User, start: date, offered: datetime) -> awards.Award:
    end = start + timedelta(days=364)
    amount = application.amount_requested
    assert amount is not None  # every demo application asks for an amount
    terms = awards.AwardTerms(
        amount=amount, amount_reason=None, start_date=start, end_date=end,
        standard_conditions=tuple(STANDARD_CONDITIONS),
        special_conditions="", monitoring_frequency=MonitoringFrequency.QUARTERLY, officer=officer,
        offer_deadline=utcnow() + timedelta(days=14), instalments=tuple(default_schedule(amount, start, end)),
        commitment_ids=tuple(c.id for c in awards.commitments_for(application)[:2]),
    )
    award = awards.create_award(application, terms, officer)
    award.offered_at = offered  # as if offered when the round was decided
    return award


def _fill(monitoring_return, user: User) -> None:
    """Answer every section of a return with plausible, valid answers."""
    plan = plan_for(monitoring_return.award)
    for section in monitoring.sections(monitoring_return):
        answers = {}
        for field in section.form(monitoring_return, plan, answers={}):  # blank, as if rebuilt (no CSRF)
            if field.type in ("SubmitField", "CSRFTokenField"):
                continue
            if isinstance(field, BooleanField):
                answers[field.name] = ["y"]
            elif field.name.startswith("status_"):
                answers[field.name] = ["done"]
            elif field.name.startswith("people_"):
                answers[field.name] = ["12"]
            elif field.name.startswith("spend_"):
                answers[field.name] = ["400"]
            elif field.name == "problems":
                answers[field.name] = ["None so far."]
            else:
                answers[field.name] = ["Sessions ran every week as planned; numbers are growing."]
        form = section.form(monitoring_return, plan, answers=answers)
        assert form.validate(), (section.key, form.errors)
        monitoring.save_section(monitoring_return, section, answers, user, complete=True)


def _report(award, number: int, user: User, officer: User, rating: Rating | None, when: date) -> None:
    """Fill and submit return ``number``; rate and accept it when ``rating`` is given."""
    monitoring_return = award.returns[number - 1]
    _fill(monitoring_return, user)
    monitoring.submit_return(monitoring_return, plan_for(award), user, now=_at(when))
    if rating is not None:
        monitoring.review_return(monitoring_return, officer, rating, "Good progress; thank you." if rating
                                 is not Rating.GREEN else "", "accept", now=_at(when + timedelta(days=3)))


def _pay(instalment, finance: User, day: date, reference: str) -> None:
    """Approved by one finance officer and recorded as paid by the other (segregation of duties)."""
    payer = accounts.get_user_by_email("finance2@example.org")
    assert payer is not None  # a demo user
    payments.approve(instalment, finance, now=_at(day))
    payments.record_payment(instalment, day + timedelta(days=2), reference, payer)


def seed_awards() -> None:
    """Awards for the decided round, unless it has some already; the caller commits."""
    funding_round = db.session.scalar(select(FundingRound).filter_by(name=ROUNDS[2][0]))
    officer = accounts.get_user_by_email("officer@example.org")
    finance = accounts.get_user_by_email("finance@example.org")
    if funding_round is None or officer is None or finance is None:
        return
    if awards.list_awards(funding_round.id):
        return
    successful = {
        application.project_title: application for application in db.session.scalars(
            select(Application).filter_by(round_id=funding_round.id, status=ApplicationStatus.SUCCESSFUL))
    }
    today = utcnow().astimezone(LONDON).date()
    start = today - timedelta(days=STARTED_DAYS_AGO)
    offered = _at(start - timedelta(days=20))

    # Accepted, first half paid, first return accepted (so the second half is due), second return
    # being written: the demo applicant's grant.
    café = _offer(successful["Harbour Recovery Café"], officer, start, offered)
    grantee = _grantee(café.organisation)
    awards.accept_offer(café, grantee, grantee.full_name, "Chair of trustees", True,
                        now=_at(start - timedelta(days=12)))
    _pay(café.instalments[0], finance, start, "BACS-240117")
    _report(café, 1, grantee, officer, Rating.GREEN, café.returns[0].due_date - timedelta(days=5))
    _fill(café.returns[1], grantee)

    # Accepted and part-paid, but its first return is overdue: the daily job holds the next payment.
    kitchen = _offer(successful["Cook Together Penzance"], officer, start, offered)
    grantee = _grantee(kitchen.organisation)
    awards.accept_offer(kitchen, grantee, grantee.full_name, "Director", True, now=_at(start - timedelta(days=10)))
    _pay(kitchen.instalments[0], finance, start + timedelta(days=1), "BACS-240118")

    # Accepted, part-paid, reporting (amber), and varied: two more months to finish, agreed.
    naloxone = _offer(successful["Naloxone Champions Exeter"], officer, start, offered)
    grantee = _grantee(naloxone.organisation)
    awards.accept_offer(naloxone, grantee, grantee.full_name, "Coordinator", True, now=_at(start - timedelta(days=9)))
    _pay(naloxone.instalments[0], finance, start + timedelta(days=1), "BACS-240119")
    _report(naloxone, 1, grantee, officer, Rating.AMBER, naloxone.returns[0].due_date - timedelta(days=2))
    variation = variations.request_variation(
        naloxone, VariationKind.DATES,
        {"start_date": naloxone.start_date, "end_date": naloxone.end_date + timedelta(days=61)},
        "Training was delayed by two months when the trainer was ill, so we need longer to finish.",
        grantee, by_grantee=True)
    variations.decide_variation(variation, True, "Agreed: the delay was outside the group's control.", officer)

    # Offered, waiting for acceptance by a grantee who can sign in to accept it.
    walks = _offer(successful["Island Recovery Walks"], officer, today + timedelta(days=30), utcnow())
    _grantee(walks.organisation)

    # Today's daily job: holds the overdue grant's next payment and reminds its grantee.
    monitoring.run_daily_jobs()
    db.session.flush()


def demo_logins() -> list[tuple[str, str]]:
    """(email, organisation) of the grantee logins the demo makes, for the printed list."""
    return [(email, organisation) for organisation, (email, _) in GRANTEE_USERS.items()]


