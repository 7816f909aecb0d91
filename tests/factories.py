"""factory_boy factories for the models, writing through the test's session."""

from __future__ import annotations

from decimal import Decimal
from functools import cache

import factory
from factory.alchemy import SQLAlchemyModelFactory
from werkzeug.security import generate_password_hash

from grants.extensions import db
from grants.models.accounts import Role, User, UserRole
from grants.models.organisations import LegalType, Organisation

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
        if create:
            db.session.flush()


def standard_users() -> dict[str, User]:
    """One user per role; applicants of two different organisations (A and B)."""
    org_a = OrganisationFactory(name="Organisation A")
    org_b = OrganisationFactory(name="Organisation B")
    users = {
        "applicant": UserFactory(email="applicant.a@example.org", organisation=org_a, roles=[Role.APPLICANT]),
        "applicant_b": UserFactory(email="applicant.b@example.org", organisation=org_b, roles=[Role.APPLICANT]),
        "applicant_no_org": UserFactory(email="new.applicant@example.org", roles=[Role.APPLICANT]),
    }
    for role in Role:
        if role is not Role.APPLICANT:
            users[role.value] = UserFactory(email=f"{role.value.replace('_', '.')}@example.org", roles=[role])
    users["org_a"], users["org_b"] = org_a, org_b
    return users
