"""factory_boy factories for the models, writing through the test's session."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal
from functools import cache

import factory
import pyotp
from factory.alchemy import SQLAlchemyModelFactory
from werkzeug.security import generate_password_hash

from grants.extensions import db
from grants.models.accounts import Role, User, UserRole
from grants.models.applications import Application, ApplicationStatus
from grants.models.awards import (
    Award,
    AwardStatus,
    Instalment,
    InstalmentTrigger,
    MonitoringFrequency,
    MonitoringReturn,
)
from grants.models.organisations import LegalType, Organisation
from grants.models.pooled_budgets import (
    Agreement,
    AgreementPartner,
    AgreementStatus,
    BudgetLine,
    Contribution,
    ContributionBasis,
    LineBudget,
    Partner,
    PartnerKind,
)
from grants.models.reference import AdderStrand, DrugsOutcome, LocalAuthority, PlanApproach
from grants.models.rounds import FundingRound
from grants.models.rubrics import Rubric, RubricCriterion
from grants.models.types import utcnow

TEST_PASSWORD = "correct-otter-spoon-fjord"


@cache
def _test_password_hash() -> str:
    # Hashing is deliberately slow; hash the shared test password once per run.
    return generate_password_hash(TEST_PASSWORD)


class _Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class OrganisationFactory(_Base):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Community Group {n}")
    legal_type = LegalType.REGISTERED_CHARITY
    charity_number = factory.Sequence(lambda n: f"{1100000 + n}")
    address_line_1 = "1 High Street"
    town = "Exeter"
    postcode = "EX1 1AA"
    annual_income = Decimal("25000.00")
    contact_name = "Alex Contact"
    contact_email = factory.Sequence(lambda n: f"contact{n}@example.org")


class UserFactory(_Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test User {n}")
    password_hash = factory.LazyFunction(_test_password_hash)

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        for role in extracted or (Role.APPLICANT,):
            obj.role_grants.append(UserRole(role=Role(role)))
        if obj.is_staff and not obj.totp_secret:
            # Staff sign in with a second factor: an authenticator app whose codes tests can compute.
            obj.totp_secret = pyotp.random_base32()
        if create:
            db.session.flush()


def _all(model):
    return list(db.session.scalars(db.select(model)))


class RubricFactory(_Base):
    """A small rubric: two criteria of equal weight on a 0 to 4 scale."""

    class Meta:
        model = Rubric

    name = factory.Sequence(lambda n: f"Test rubric {n}")
    version = 1

    @factory.post_generation
    def criteria(obj, create, extracted, **kwargs):
        descriptors = {str(score): f"Score {score}" for score in range(5)}
        for position, (key, title) in enumerate((("fit", "Strategic fit"), ("value", "Value for money"))):
            obj.criteria.append(
                RubricCriterion(key=key, title=title, weight=Decimal("50"), descriptors=descriptors, position=position)
            )
        if create:
            db.session.flush()


class FundingRoundFactory(_Base):
    """A published round, open now, funding every area, approach, strand, outcome and type."""

    class Meta:
        model = FundingRound

    name = factory.Sequence(lambda n: f"Community Safety Fund round {n}")
    description = "Grants for community projects that help people break the cycle of drug use."
    guidance = "Read the **guidance** before you apply."
    opens_at = factory.LazyFunction(lambda: utcnow() - timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=20))
    total_budget = Decimal("200000.00")
    min_award = Decimal("1000.00")
    max_award = Decimal("5000.00")
    max_project_months = 12
    max_annual_income = None
    published_at = factory.LazyFunction(lambda: utcnow() - timedelta(days=11))
    rubric = factory.SubFactory(RubricFactory)
    legal_types = factory.LazyFunction(lambda: list(LegalType))
    local_authorities = factory.LazyFunction(lambda: _all(LocalAuthority))
    approaches = factory.LazyFunction(lambda: _all(PlanApproach))
    adder_strands = factory.LazyFunction(lambda: _all(AdderStrand))
    outcomes = factory.LazyFunction(lambda: _all(DrugsOutcome))


class ApplicationFactory(_Base):
    class Meta:
        model = Application

    funding_round = factory.SubFactory(FundingRoundFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    status = ApplicationStatus.DRAFT
    project_title = factory.Sequence(lambda n: f"Recovery café {n}")


class AwardFactory(_Base):
    """An offered award of £4,000 on a successful application in a decided round, running a year
    from a month ago, with two instalments (half on acceptance, half after a return) and quarterly
    returns. Pass ``organisation=`` to give it to a particular organisation."""

    class Meta:
        model = Award
        exclude = ("organisation",)

    organisation = factory.SubFactory(OrganisationFactory)
    application = factory.LazyAttribute(lambda o: ApplicationFactory(
        organisation=o.organisation, status=ApplicationStatus.SUCCESSFUL, amount_requested=Decimal("4000.00"),
        reference=f"CGS-2026-{9000 + next(_award_numbers):04d}", submitted_at=utcnow() - timedelta(days=60),
        funding_round=FundingRoundFactory(
            opens_at=utcnow() - timedelta(days=120), closes_at=utcnow() - timedelta(days=90),
            published_at=utcnow() - timedelta(days=121), decided_at=utcnow() - timedelta(days=45),
        ),
    ))
    round_id = factory.LazyAttribute(lambda o: o.application.round_id)
    organisation_id = factory.LazyAttribute(lambda o: o.application.organisation_id)
    status = AwardStatus.OFFERED
    amount = Decimal("4000.00")
    start_date = factory.LazyFunction(lambda: (utcnow() - timedelta(days=30)).date())
    end_date = factory.LazyFunction(lambda: (utcnow() + timedelta(days=335)).date())
    standard_conditions = factory.LazyFunction(list)
    special_conditions = ""
    monitoring_frequency = MonitoringFrequency.QUARTERLY
    offer_deadline = factory.LazyFunction(lambda: utcnow() + timedelta(days=28))

    @factory.post_generation
    def schedule(obj, create, extracted, **kwargs):
        """Two instalments and the returns for the award's period."""
        from grants.modelling.calendar import reporting_periods

        half = obj.amount / 2
        obj.instalments.append(Instalment(number=1, amount=half, due_date=obj.start_date,
                                          trigger=InstalmentTrigger.ON_ACCEPTANCE))
        obj.instalments.append(Instalment(number=2, amount=obj.amount - half, due_date=obj.end_date,
                                          trigger=InstalmentTrigger.AFTER_RETURN))
        for number, period in enumerate(
            reporting_periods(obj.start_date, obj.end_date, obj.monitoring_frequency.value), start=1
        ):
            obj.returns.append(MonitoringReturn(number=number, period_start=period.start, period_end=period.end,
                                                due_date=period.due, final=period.final))
        if create:
            db.session.flush()


_award_numbers = itertools.count(1)


def make_agreement(partners: int = 3, start_year: int = 2026, years: int = 3, **values) -> Agreement:
    """An active pooled-budget agreement: the OPCC (host) and ``partners`` - 1 local authorities,
    two budget lines of £60,000 and £40,000 a year, and fixed contributions adding up to the
    £100,000 each year (largest remainder, so to the penny)."""
    from grants.modelling.apportionment import apportion

    authorities = _all(LocalAuthority)[: partners - 1]
    members = [_partner("Office of the Police and Crime Commissioner", PartnerKind.OPCC)] + [
        _partner(la.council_name, PartnerKind.LOCAL_AUTHORITY, la) for la in authorities
    ]
    agreement = Agreement(
        reference=values.pop("reference", f"PB-{next(_award_numbers):04d}"), title="Drug and alcohol treatment pool",
        legal_basis="Section 75 arrangement", host_partner=members[0], fund_manager="OPCC Chief Finance Officer",
        start_year=start_year, end_year=start_year + years - 1, status=AgreementStatus.ACTIVE, **values,
    )
    for position, partner in enumerate(members):
        agreement.members.append(AgreementPartner(partner=partner, position=position))
    for position, (name, amount) in enumerate((("Community treatment", "60000.00"), ("Recovery support", "40000.00"))):
        line = BudgetLine(name=name, position=position)
        line.budgets = [LineBudget(year=year, amount=Decimal(amount)) for year in agreement.years]
        agreement.lines.append(line)
    for year in agreement.years:
        for partner, pence in zip(members, apportion(10_000_000, [1] * len(members)), strict=True):
            agreement.contributions.append(Contribution(partner=partner, year=year, basis=ContributionBasis.FIXED,
                                                        amount=Decimal(pence) / 100))
    db.session.add(agreement)
    db.session.flush()
    return agreement


def _partner(name: str, kind: PartnerKind, local_authority=None) -> Partner:
    partner = db.session.execute(db.select(Partner).filter_by(name=name)).scalar_one_or_none()
    if partner is None:
        partner = Partner(name=name, kind=kind, local_authority=local_authority)
        db.session.add(partner)
    return partner


def standard_users() -> dict[str, User]:
    """One user per role; applicants of two different organisations (A and B). Built, then written in
    one flush (a flush per user and another per user's roles cost most of the fixture's time: half the
    suite's tests use it)."""
    org_a = OrganisationFactory.build(name="Organisation A")
    org_b = OrganisationFactory.build(name="Organisation B")
    users = {
        "applicant": UserFactory.build(email="applicant.a@example.org", organisation=org_a, roles=[Role.APPLICANT]),
        "applicant_b": UserFactory.build(email="applicant.b@example.org", organisation=org_b, roles=[Role.APPLICANT]),
        "applicant_no_org": UserFactory.build(email="new.applicant@example.org", roles=[Role.APPLICANT]),
    }
    for role in Role:
        if role is not Role.APPLICANT:
            users[role.value] = UserFactory.build(email=f"{role.value.replace('_', '.')}@example.org", roles=[role])
    # A second finance officer: whoever approves a payment cannot record it as paid (segregation of duties).
    users["finance_approver"] = UserFactory.build(email="finance.approver@example.org", roles=[Role.FINANCE_OFFICER])
    db.session.add_all([org_a, org_b, *users.values()])
    db.session.flush()
    users["org_a"], users["org_b"] = org_a, org_b
    return users


def make_scenario(user: User | None = None, **values):
    """A saved co-commissioning scenario (version 1) through the interface: by default all five
    South West PCCs jointly, a 25% need / 75% caseload split, £150,000 set-up, £400,000 a year
    alone, £1,200 per client, 60% take-up, 2% inflation, joint fixed costs 75%, three years.
    ``values`` override fields of ``ScenarioInput``; ``user`` defaults to a new commissioner."""
    from grants.interfaces.cocommissioning.scenarios import ScenarioInput, create_scenario, ensure_areas

    ensure_areas()
    fields = dict(
        name=f"Scenario {next(_award_numbers)}", service="cj_pathway", caseload_kind="probation_orders",
        partner_codes=["avon-somerset", "devon-cornwall", "dorset", "gloucestershire", "wiltshire"], joint=True,
        years=3, setup_pence=150_000_00, fixed_annual_pence=400_000_00, cost_per_client_pence=1_200_00,
        take_up_percent=Decimal(60), inflation_percent=Decimal(2), scale_percent=Decimal(75), scale_exponent=None,
        weights={"need": Decimal(25), "caseload": Decimal(75)},
    )
    fields.update(values)
    if user is None:
        user = UserFactory(roles=[Role.COMMISSIONER])
    return create_scenario(ScenarioInput(**fields), user)
