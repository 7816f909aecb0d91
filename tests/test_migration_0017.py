"""Revision 0017 pins each monitoring return to a version of its round's monitoring form with nothing
lost: on the demo data, every answer of every return reads the same through today's fixed return forms
(grants.return_form.sections.SECTIONS) and through the version the return answers after the migration,
which stores the standard form as the round's version 1 where the round has none."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from grants.extensions import db
from grants.form_definitions import Kind, dump, standard
from grants.interfaces.awards import monitoring
from grants.models.awards import MonitoringReturn
from grants.models.round_forms import RoundForm
from grants.return_form.sections import SECTIONS, section_answers
from tests.test_migration_0016 import _seed_the_demo
from tests.test_migrations import scratch_database_url  # noqa: F401

RETURNS = sa.table("monitoring_returns", sa.column("id", sa.Integer), sa.column("answers", sa.JSON))
Read = dict[int, list[tuple[str, list[tuple[str, tuple[str, ...]]]]]]


def _fixed(section):
    """Today's section as ``section_answers`` reads one: its fixed form, rebuilt from the saved answers."""
    def saved_form(monitoring_return, plan):
        saved = (monitoring_return.answers or {}).get(section.key)
        if saved is None:
            return None
        from grants.application_form.sections import to_formdata

        return section.build(plan)(formdata=to_formdata(saved), award=monitoring_return.award, meta={"csrf": False})
    return SimpleNamespace(key=section.key, title=section.title, saved_form=saved_form)


def _read(sections_of) -> Read:
    read = {}
    for monitoring_return in db.session.scalars(sa.select(MonitoringReturn).order_by(MonitoringReturn.id)):
        plan = monitoring.plan(monitoring_return)
        read[monitoring_return.id] = [
            (section.title, [(answer.question, answer.lines)
                             for answer in section_answers(monitoring_return, section, plan)])
            for section in sections_of(monitoring_return)]
    return read


def _stored() -> dict[int, dict]:
    return dict(db.session.execute(sa.select(RETURNS.c.id, RETURNS.c.answers)).all())


@pytest.mark.slow
def test_every_return_of_the_demo_reads_the_same_before_and_after(scratch_database_url, monkeypatch):  # noqa: F811
    from grants import create_app

    scratch = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))
    with scratch.app_context():
        upgrade()
        _seed_the_demo()
        before = _read(lambda monitoring_return: [_fixed(section) for section in SECTIONS])
        kept = _stored()
        db.session.remove()

        downgrade(revision="0016")
        # As before this revision: no round stores a monitoring form (the demo's first saves stored one).
        with db.engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM round_forms WHERE kind = 'monitoring'"))
        upgrade()

        assert _stored() == kept
        pinned = db.session.scalars(sa.select(MonitoringReturn)).all()
        assert pinned and all(monitoring_return.form is not None for monitoring_return in pinned)
        forms = db.session.scalars(sa.select(RoundForm).where(RoundForm.kind == Kind.MONITORING)).all()
        assert [(row.version, row.definition) for row in forms] == [(1, dump(standard(Kind.MONITORING)))] * len(forms)
        after = _read(monitoring.sections)
        assert after == before
        # Every section the demo answered was compared, not only empty ones.
        saved = sum(len(answers or {}) for answers in kept.values())
        assert saved >= 12 and sum(1 for sections in after.values() for _title, rows in sections if rows) == saved
        db.session.remove()
        db.engine.dispose()
