"""Saving a return's "People reached" section keeps its people rows (read by the awards dashboard) in
step with the answers: whole numbers only, replaced when saved again (a return sent back for more
information is saved the same way)."""

from __future__ import annotations

from sqlalchemy import select

from grants.extensions import db
from grants.models.answer_facts import monitoring_return_people
from tests.blueprints.awards.test_portfolio_facts import assert_in_step
from tests.blueprints.grantee.test_returns import applicant, award, first_return, save  # noqa: F401


def _rows(monitoring_return) -> dict[str, int]:
    db.session.expire_all()
    people = monitoring_return_people.c
    return dict(db.session.execute(select(people.field, people.number).where(
        people.return_id == monitoring_return.id)).all())


def test_saving_people_writes_and_rewrites_the_rows(applicant, first_return):  # noqa: F811
    response = save(applicant, first_return, "people", {"people_treatment_recovery": ["35"],
                                                        "people_families": ["1,200"]})
    assert response.status_code == 302
    assert _rows(first_return) == {"people_treatment_recovery": 35, "people_families": 1200}

    response = save(applicant, first_return, "people", {"people_treatment_recovery": ["about forty"],
                                                        "people_families": ["12"]})
    assert response.status_code == 200  # kept as typed, with an error
    assert _rows(first_return) == {"people_families": 12}
    assert_in_step()
