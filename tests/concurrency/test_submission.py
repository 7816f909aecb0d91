"""Many submissions of one application at the same moment make exactly one submission."""

from __future__ import annotations

import threading

from grants.interfaces.applications.submission import submit
from grants.models.applications import Application, ApplicationStatus, ReferenceCounter
from tests.factories import ApplicationFactory, OrganisationFactory, UserFactory
from tests.figures import report

ATTEMPTS = 12


def test_simultaneous_submissions_make_one(app, db):
    org = OrganisationFactory()
    user = UserFactory(organisation=org)
    application = ApplicationFactory(organisation=org)
    db.session.commit()
    application_id, user_id = application.id, user.id

    barrier = threading.Barrier(ATTEMPTS)
    results: list[bool] = []
    errors: list[BaseException] = []

    def attempt():
        try:
            with app.app_context():
                mine = db.session.get(Application, application_id)
                who = db.session.get(type(user), user_id)
                barrier.wait(timeout=10)
                done = submit(mine, who)
                db.session.commit()
                results.append(done)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors, errors
    assert results.count(True) == 1 and results.count(False) == ATTEMPTS - 1
    db.session.expire_all()
    submitted = db.session.get(Application, application_id)
    assert submitted.status is ApplicationStatus.SUBMITTED
    counters = db.session.scalars(db.select(ReferenceCounter)).all()
    assert [c.value for c in counters] == [1]  # one number given out, none wasted
    report(f"submission race: {ATTEMPTS} simultaneous attempts, {results.count(True)} committed")
