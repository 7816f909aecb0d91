"""Erasing a person's data reaches the rows kept from the answers (grants.models.answer_facts): a
name typed into the ADDER strands of an application leaves no trace there either."""

from __future__ import annotations

from sqlalchemy import select

from grants.extensions import db as _db
from grants.models.answer_facts import application_adder_strands
from grants.models.applications import ApplicationSection
from tests.blueprints.admin.test_personal_data import _url, grantee, period_over  # noqa: F401
from tests.blueprints.awards.test_portfolio_facts import assert_in_step
from tests.helpers import post


def test_erasure_rewrites_the_rows_kept_from_the_answers(as_role, grantee, period_over):  # noqa: F811
    person, award = grantee
    name = person.full_name
    award.application.sections.append(ApplicationSection(key="priorities", complete=True, answers={
        "adder_strands": ["recovery", f"Ask {name}"], "drug_outcomes": []}))
    _db.session.flush()
    codes = set(_db.session.scalars(select(application_adder_strands.c.code)))
    assert codes == {"recovery", f"Ask {name}"}

    response = post(as_role("admin"), _url(person, "/erase"), {"confirm": "y"})

    assert response.status_code == 302
    _db.session.expire_all()
    codes = set(_db.session.scalars(select(application_adder_strands.c.code)))
    assert "recovery" in codes and not any(name in code for code in codes)
    assert_in_step()
