"""Revision 0016 moves today's answers into the form-version storage with nothing lost: on the demo
data, every answer of every application reads the same through today's fixed form (before) and through
the version of the round's form the application now answers (after), and going down and up again gives
back the same answers."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy.orm import defer

from grants import create_app, demo
from grants.application_form import sections as fixed_form
from grants.extensions import db
from grants.interfaces.applications import questions, shown_answers
from grants.interfaces.cocommissioning.scenarios import ensure_areas
from grants.interfaces.pooled_budgets.partners import ensure_partners
from grants.interfaces.social_return.parameters import ensure_default_set
from grants.models.applications import Application, ApplicationSection
from grants.models.round_forms import RoundForm
from grants.models.rounds import FundingRound
from grants.reference_data import load_reference_data
from tests.test_migrations import scratch_database_url  # noqa: F401

SECTIONS = sa.table("application_sections", sa.column("application_id", sa.Integer), sa.column("key", sa.String),
                    sa.column("answers", sa.JSON))


def _stored_answers() -> dict[tuple[int, str], dict]:
    rows = db.session.execute(sa.select(SECTIONS.c.application_id, SECTIONS.c.key, SECTIONS.c.answers)).all()
    return {(application_id, key): answers for application_id, key, answers in rows}


def _read_through_todays_form(stored: dict[tuple[int, str], dict]) -> dict[int, list[list[tuple[str, ...]]]]:
    """Each application's answers, section by section, as today's fixed form shows them."""
    read = {}
    for application_id, round_id in db.session.execute(sa.text("SELECT id, round_id FROM applications")).all():
        # Not the columns later revisions add (0018's stages, 0020's duties): the database is at 0015 here.
        funding_round = db.session.get(FundingRound, round_id, options=[
            defer(FundingRound.eoi_closes_at), defer(FundingRound.panel_scores_eoi),
            defer(FundingRound.due_diligence), defer(FundingRound.payment_basis),
            defer(FundingRound.claim_tolerance_percent), defer(FundingRound.cost_centre),
            defer(FundingRound.account_code), defer(FundingRound.vat_display),
            defer(FundingRound.scoring_deadline)])
        stand_in = SimpleNamespace(
            funding_round=funding_round,
            section=lambda key, a=application_id: (SimpleNamespace(answers=stored[(a, key)])
                                                   if (a, key) in stored else None))
        read[application_id] = [[answer.lines for answer in fixed_form.answers(stand_in, section)]
                                for section in fixed_form.ANSWERED_SECTIONS]
    return read


def _read_through_the_form_version() -> dict[int, list[list[tuple[str, ...]]]]:
    read = {}
    for application in db.session.scalars(sa.select(Application)):
        shown = shown_answers.all_answers(application)
        read[application.id] = [[answer.lines for answer in rows] for section, rows in shown
                                if not section.is_organisation]
    return read


def _seed_the_demo() -> None:
    """The demo data, as ``flask demo seed`` makes it."""
    load_reference_data()
    ensure_partners()
    ensure_default_set()
    ensure_areas()
    demo.seed_demo()
    demo.seed_rounds()
    demo.seed_panel()
    demo.seed_feedback()
    demo.seed_awards()
    db.session.commit()


@pytest.mark.slow
def test_every_answer_of_the_demo_reads_the_same_before_and_after(scratch_database_url, monkeypatch):  # noqa: F811
    scratch = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    # The suite's session is bound to the test database's connection (tests/conftest.py); this test's
    # reads and writes go to the scratch database that the migrations change.
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))
    with scratch.app_context():
        upgrade()
        _seed_the_demo()
        # The themed round asks a section today's form does not: its answers are not part of the move.
        themed = {application.id for application in db.session.scalars(sa.select(Application))
                  if application.form is not None and application.form.version == 1
                  and "antisocial_behaviour" in [s["id"] for s in application.form.definition["sections"]]}
        after = _read_through_the_form_version()
        kept = _stored_answers()
        db.session.remove()

        downgrade(revision="0015")
        before_rows = _stored_answers()
        assert before_rows != kept, "going down renames the fields back"
        assert any("outcomes" in answers for (_, key), answers in before_rows.items() if key == "priorities")
        before = _read_through_todays_form(before_rows)
        db.session.remove()

        upgrade()
        assert _stored_answers() == kept
        compared = 0
        for application_id, sections_read in before.items():
            if application_id in themed:
                continue
            assert after[application_id] == sections_read, f"application {application_id} reads differently"
            compared += sum(len(lines) for lines in sections_read)
        assert compared > 200  # every demo application's answers were compared, not none
        # Every application answers a stored version of its round's application form.
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)
                                 .where(Application.form_id.is_(None))) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RoundForm)) >= 3
        db.session.remove()
        db.engine.dispose()


@pytest.mark.slow
def test_answers_kept_before_forms_were_data_keep_the_standard_form_beside_a_rounds_own(
        scratch_database_url, monkeypatch):  # noqa: F811
    from grants.form_definitions import Kind, Role, dump, load, standard
    from grants.interfaces.round_forms import versions
    from tests.factories import ApplicationFactory, FundingRoundFactory

    scratch = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))
    with scratch.app_context():
        upgrade()
        _seed_the_demo()
        funding_round = FundingRoundFactory()
        application = ApplicationFactory(funding_round=funding_round)
        application.sections.append(ApplicationSection(key="project", answers={"title": ["Harbour café"]}))
        # The round's form was changed in the builder (a renamed section) before revision 0016.
        document = dump(standard(Kind.APPLICATION))
        document["sections"][0]["id"] = "your_project"
        versions.save(funding_round, Kind.APPLICATION, load(document), by=None, reason="Renamed")
        db.session.commit()
        ids = (funding_round.id, application.id)
        db.session.remove()

        downgrade(revision="0015")
        upgrade()
        funding_round, application = db.session.get(FundingRound, ids[0]), db.session.get(Application, ids[1])
        assert application.form.version == 0
        assert application.form.definition == dump(standard(Kind.APPLICATION))
        assert questions.by_role(application, Role.PROJECT_TITLE) == "Harbour café"
        # The round's own form is still its current one.
        assert versions.current(funding_round, Kind.APPLICATION).sections[0].id == "your_project"
        db.session.remove()
        db.engine.dispose()
