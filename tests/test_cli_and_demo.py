"""Command-line tasks and the demo data."""

from __future__ import annotations

import io
from decimal import Decimal

import pyotp

from grants.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS, seed_demo
from grants.interfaces.auth.accounts import get_user_by_email
from grants.interfaces.panel import results as panel_results
from grants.models.accounts import STAFF_ROLES, Role, User
from grants.models.organisations import Organisation
from grants.passwords import password_problem
from tests.helpers import page, post


def test_create_user_command(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-user", "--email", "New.Admin@Example.org", "--name", "New Admin",
              "--role", "admin", "--role", "grants_officer", "--password", "heather-quarry-pilchard"]
    )
    assert result.exit_code == 0, result.output
    assert "Created new.admin@example.org" in result.output
    user = get_user_by_email("new.admin@example.org")
    assert user.roles == {Role.ADMIN, Role.GRANTS_OFFICER}
    assert user.check_password("heather-quarry-pilchard")


def test_create_user_refuses_weak_passwords_and_duplicates(app, db, users):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["create-user", "--email", "x@example.org", "--name", "X", "--role", "admin",
                               "--password", "password"])
    assert weak.exit_code != 0 and "12 characters" in weak.output
    duplicate = runner.invoke(args=["create-user", "--email", users["admin"].email, "--name", "X", "--role", "admin",
                                    "--password", "heather-quarry-pilchard"])
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    assert get_user_by_email("x@example.org") is None


def test_create_user_asks_for_the_password_without_echo(app, db):
    result = app.test_cli_runner().invoke(
        args=["create-user", "--email", "p@example.org", "--name", "P", "--role", "finance_officer"],
        input="heather-quarry-pilchard\nheather-quarry-pilchard\n",
    )
    assert result.exit_code == 0, result.output
    assert "heather-quarry-pilchard" not in result.output


def test_reference_load_command(app, db):
    result = app.test_cli_runner().invoke(args=["reference", "load"])
    assert result.exit_code == 0
    assert "5 local authorities" in result.output


def test_demo_password_meets_the_rules():
    for demo in DEMO_USERS:
        assert password_problem(DEMO_PASSWORD, email=demo.email) is None


def test_demo_seed_is_idempotent_and_covers_every_role(db):
    seed_demo()
    users_before = db.session.scalar(db.select(db.func.count()).select_from(User))
    orgs_before = db.session.scalar(db.select(db.func.count()).select_from(Organisation))
    seed_demo()
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == users_before
    assert db.session.scalar(db.select(db.func.count()).select_from(Organisation)) == orgs_before
    roles = set().union(*(get_user_by_email(d.email).roles for d in DEMO_USERS))
    assert roles == set(Role)


def test_each_demo_login_reaches_its_own_home_page(app, db):
    seed_demo()
    db.session.flush()
    expected_panel = {
        Role.APPLICANT: "Your organisation",
        Role.PANEL_MEMBER: "Panel scoring",
        Role.GRANTS_OFFICER: "Grants",
        Role.FINANCE_OFFICER: "Finance",
        Role.COMMISSIONER: "Commissioning",
        Role.ADMIN: "Administration",
    }
    for demo in DEMO_USERS:
        client = app.test_client()
        response = post(client, "/sign-in", {"email": demo.email, "password": DEMO_PASSWORD})
        if demo.roles & STAFF_ROLES:
            # Staff give the demo authenticator app's code too (printed by `make run`).
            assert response.headers["Location"] == "/sign-in/check", demo.email
            response = post(client, "/sign-in/check", {"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()})
        assert response.headers["Location"] == "/home", demo.email
        home = client.get("/home").get_data(as_text=True)
        for role in demo.roles:
            assert expected_panel[role] in home


def test_demo_code_prints_the_code_a_demo_staff_member_signs_in_with(app, db):
    seed_demo()
    db.session.flush()
    output = app.test_cli_runner().invoke(args=["demo", "code"]).output
    code = output.split()[0]
    client = app.test_client()
    post(client, "/sign-in", {"email": "officer@example.org", "password": DEMO_PASSWORD})
    assert post(client, "/sign-in/check", {"code": code}).headers["Location"] == "/home"
    assert get_user_by_email("officer@example.org").totp_secret == DEMO_TOTP_SECRET


def test_demo_seed_refuses_production(app, db):
    app.config["GRANTS_ENV"] = "production"
    try:
        result = app.test_cli_runner().invoke(args=["demo", "seed"])
    finally:
        app.config["GRANTS_ENV"] = "testing"
    assert result.exit_code != 0 and "not for production" in result.output


def test_demo_rounds_cover_each_state_with_valid_applications(db):
    from grants.demo.rounds import seed_rounds
    from grants.interfaces.applications import questions
    from grants.models.applications import Application, ApplicationStage, ApplicationStatus
    from grants.models.rounds import FundingRound

    seed_demo()
    seed_rounds()
    seed_rounds()  # idempotent
    rounds = db.session.scalars(db.select(FundingRound)).all()
    # Two open: the themed round (two stages) and the one-stage small grants round.
    assert sorted(r.state().value for r in rounds) == ["closed", "decided", "open", "open"]
    assert all(r.rubric is not None and r.rubric.total_weight == 100 for r in rounds)
    applications = db.session.scalars(db.select(Application)).all()
    # 12 bids and the small grants draft, the themed round's 3 expressions of interest and 1 full
    # application started from one.
    assert len(applications) == 16
    eois = [a for a in applications if a.stage is ApplicationStage.EXPRESSION_OF_INTEREST]
    assert sorted(a.status.value for a in eois) == ["successful", "successful", "unsuccessful"]
    assert all(a.reference.startswith("EOI-") and a.shortlist_reason for a in eois)
    started = [a for a in applications if a.expression_of_interest_id is not None]
    assert len(started) == 1 and started[0].status is ApplicationStatus.DRAFT
    assert started[0].section("project").answers["title"] == [started[0].expression_of_interest.project_title]
    statuses = {a.status for a in applications}
    assert {ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_ASSESSMENT,
            ApplicationStatus.INELIGIBLE, ApplicationStatus.SUCCESSFUL, ApplicationStatus.UNSUCCESSFUL} <= statuses
    references = sorted(a.reference for a in applications if a.reference)
    assert len(set(references)) == 14
    from grants.interfaces.applications.documents import missing_documents, open_document

    for application in applications:
        if application.status is not ApplicationStatus.DRAFT and not application.is_expression_of_interest:
            assert missing_documents(application) == []
            with open_document(application.documents[0]) as stored:
                assert stored.read(5) == b"%PDF-"
    validated = 0
    for application in applications:
        assert application.form is not None  # each answers a stored version of its round's form
        for section, form in questions.saved_forms(application):
            record = application.section(section.key)
            if record is not None and record.complete:
                assert form is not None and form.validate(), (application.project_title, section.key, form.errors)
                validated += 1
    assert validated >= 11 * 9  # every submitted application's nine sections, and the draft's finished ones


def test_demo_panel_has_scores_a_conflict_and_a_disagreement(db):
    from grants.demo.panel import seed_panel
    from grants.demo.rounds import ROUNDS, seed_rounds
    from grants.interfaces.panel import assignment as panel
    from grants.models.panel import ConflictDeclaration, ScoreSheet, SheetStatus
    from grants.models.rounds import FundingRound

    seed_demo()
    seed_rounds()
    seed_panel()
    seed_panel()  # idempotent
    funding_round = db.session.scalar(db.select(FundingRound).filter_by(name=ROUNDS[1][0]))
    assert funding_round.rubric.frozen_at is not None
    assert len(panel.members(funding_round)) == 4
    conflicts = db.session.scalars(db.select(ConflictDeclaration).filter_by(conflicted=True)).all()
    assert [c.user.email for c in conflicts] == ["panel3@example.org"]
    sheets = db.session.scalars(db.select(ScoreSheet).filter_by(round_id=funding_round.id)).all()
    assert sum(s.status is SheetStatus.SUBMITTED for s in sheets) == 10
    assert sum(s.status is SheetStatus.DRAFT for s in sheets) == 1
    results = panel_results.round_results(funding_round)
    assert [bid.application.project_title for bid in results.flagged] == ["Safe Routes Truro"]
    assert all(bid.final_score is not None for bid in results.bids)
    # The budget cannot fund every bid, so the recommendation has a choice to make.
    assert sum(bid.application.amount_requested for bid in results.bids) > funding_round.total_budget


def test_demo_applicants_see_the_decided_rounds_outcome_and_feedback(app, db):
    from grants.demo.panel import seed_feedback
    from grants.demo.rounds import seed_rounds
    from grants.models.applications import Application

    seed_demo()
    seed_rounds()
    seed_feedback()
    application = db.session.scalar(db.select(Application).filter_by(project_title="Harbour Recovery Café"))
    client = app.test_client()
    post(client, "/sign-in", {"email": "applicant@example.org", "password": DEMO_PASSWORD})
    text = page(client.get(f"/applications/{application.id}")).get_text(" ")
    assert "Successful" in text and "peer-led model" in text


def test_demo_awards_cover_the_states_the_issue_names(app, db):
    from grants.demo.awards import seed_awards
    from grants.demo.panel import seed_feedback
    from grants.demo.rounds import ROUNDS, seed_rounds
    from grants.interfaces.awards import awarding as awards
    from grants.interfaces.awards import monitoring, payments
    from grants.models.awards import AwardStatus, InstalmentStatus, ReturnStatus, VariationStatus
    from grants.models.mail import OutboxMessage
    from grants.models.rounds import FundingRound

    seed_demo()
    seed_rounds()
    seed_feedback()
    seed_awards()
    seed_awards()  # idempotent
    funding_round = db.session.scalar(db.select(FundingRound).filter_by(name=ROUNDS[2][0]))
    made = {award.application.project_title: award for award in awards.list_awards(funding_round.id)}
    assert len(made) == 4
    accepted = [a for a in made.values() if a.status is AwardStatus.ACCEPTED]
    assert len(accepted) == 3
    # Part-paid and reporting.
    for award in accepted:
        assert Decimal(0) < payments.paid_total(award) < award.amount
    assert any(r.status is ReturnStatus.ACCEPTED for a in accepted for r in a.returns)
    # One with an overdue return and a held instalment.
    kitchen = made["Cook Together Penzance"]
    assert [o.monitoring_return.award_id for o in monitoring.overdue_returns()] == [kitchen.id]
    assert any(i.held for i in kitchen.instalments)
    assert db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.subject.startswith("Overdue: "))) is not None
    # One varied.
    naloxone = made["Naloxone Champions Exeter"]
    assert [v.status for v in naloxone.variations] == [VariationStatus.APPROVED]
    # One waiting for acceptance; the demo applicant's grant has its second payment due.
    assert made["Island Recovery Walks"].status is AwardStatus.OFFERED
    assert made["Harbour Recovery Café"].instalments[1].status is InstalmentStatus.DUE
    assert awards.committed(funding_round) <= funding_round.total_budget


def test_demo_pooled_budget_has_all_partners_and_a_closed_year_of_actuals(app, db):
    from grants.demo.pooled import seed_pooled_budget
    from grants.interfaces.pooled_budgets import agreements as pooled_budgets
    from grants.interfaces.pooled_budgets import figures as pooled_figures
    from grants.models.pooled_budgets import PartnerKind

    seed_demo()
    agreement = seed_pooled_budget()
    assert seed_pooled_budget() is agreement  # idempotent
    kinds = sorted(member.partner.kind.value for member in agreement.members)
    assert kinds == ["local_authority"] * 5 + ["opcc"]
    assert len(list(agreement.years)) == 3
    first = agreement.start_year
    for year in agreement.years:
        assert pooled_budgets.contributions_for_year(agreement, year)[0].problems == ()
    figures = pooled_figures.year_figures(agreement, first)
    assert all(month.actual is not None for line in figures.lines for month in line.months)
    assert [year_end.year for year_end in agreement.year_ends] == [first]
    flagged = [line.line.name for line in figures.lines if line.position.flagged]
    assert flagged == ["Recovery support"]
    assert {m.partner.kind for m in agreement.members} == {PartnerKind.OPCC, PartnerKind.LOCAL_AUTHORITY}


def test_the_demo_agreement_round_trips_through_its_spreadsheet(app, db):
    """Export the demo agreement, import the same file: nothing changes, the second time too."""
    from werkzeug.datastructures import FileStorage

    from grants.demo.pooled import seed_pooled_budget
    from grants.exports import pooled_workbook
    from grants.interfaces.pooled_budgets import imports as pooled_import
    from grants.models.pooled_budgets import MonthlyFigure
    from grants.models.types import utcnow

    seed_demo()
    agreement = seed_pooled_budget()
    finance = get_user_by_email("finance@example.org")
    before = {(f.line_id, f.year, f.month): (f.actual, f.forecast)
              for f in db.session.scalars(db.select(MonthlyFigure))}
    assert len(before) == 5 * 12 * 2  # five lines, two years with figures
    workbook = pooled_workbook.export_agreement([agreement], list(agreement.years), "Fiona Finance", utcnow())
    data = pooled_workbook.workbook_bytes(workbook).getvalue()
    for _ in range(2):
        upload = FileStorage(stream=io.BytesIO(data), filename="pool.xlsx")
        with app.test_request_context():
            result = pooled_import.import_actuals(agreement, upload, finance)
        assert result.problems == [] and result.changed == 0
    after = {(f.line_id, f.year, f.month): (f.actual, f.forecast) for f in db.session.scalars(db.select(MonthlyFigure))}
    assert after == before
