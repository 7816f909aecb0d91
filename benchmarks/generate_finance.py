"""The benchmark's pooled budgets, co-commissioning scenarios, the closed rounds' funding
recommendations and the decided rounds' signed decision notices: few records, so they go through
the app's interfaces as the demo data does (checks, audit and all), in the benchmark database.

The agreements and the scenarios each draw on a random stream of their own, so the first agreement
(the one whose page is timed) and the compared scenarios are the same at every scale."""

from __future__ import annotations

import os
from dataclasses import replace
from decimal import Decimal

from sqlalchemy import select

from benchmarks import bulk
from benchmarks.generate import stream

LINES = ("Community treatment", "Criminal justice treatment pathway", "Prison release continuity of care",
         "Recovery support", "Young people's service")
YEARS = 5
COMPARED = 4  # scenarios on the comparison page, at every scale


def finance(plan, sizes, seed: int) -> None:
    from grants import create_app
    from grants.extensions import db

    os.environ.update({key: value for key, value in bulk.server_environment(plan.database_url).items()
                       if key in ("DATABASE_URL", "GRANTS_ENV")})
    app = create_app({"SQLALCHEMY_DATABASE_URI": bulk.driver_url(plan.database_url)})
    with app.app_context():
        from grants.interfaces.auth import accounts
        from grants.interfaces.awards import portfolio_totals

        # The portfolio's kept totals, which the app adds up as awards change: the awards above went in
        # with Core inserts, so they are added up here from every award, as on an upgraded database.
        plan.counts["portfolio_buckets"] = portfolio_totals.rebuild()
        # And the officers' list's kept counts, from every application, as its migration does.
        from grants.interfaces.screening import list_counts

        list_counts.rebuild()
        db.session.commit()

        finance_officer = accounts.get_user_by_email(plan.accounts["finance_officer"][0])
        commissioner = accounts.get_user_by_email(plan.accounts["commissioner"][0])
        officer = accounts.get_user_by_email(plan.accounts["grants_officer"][0])
        plan.agreement = _pooled(sizes.agreements, stream(seed, "pooled"), finance_officer)
        db.session.commit()
        plan.scenarios, plan.counts["scenarios"] = _scenarios(sizes.scenarios, stream(seed, "scenarios"),
                                                              commissioner)
        db.session.commit()
        for round_id in (plan.recommendation_round, plan.large_round):
            _recommendation(round_id, officer)
            db.session.commit()
        plan.notice, plan.counts["decision_notices"] = _notices(plan.list_round, commissioner)
        db.session.commit()
        plan.counts["agreements"] = sizes.agreements
        db.engine.dispose()


def _pooled(count: int, chooser, user) -> int:
    """``count`` agreements of five financial years: four closed with twelve months of actuals,
    the current one with actuals for the months gone by. Returns the first agreement's id."""
    from grants.demo.pooled import _monthly
    from grants.extensions import db
    from grants.formatting import LONDON
    from grants.interfaces.pooled_budgets import agreements as pooled_budgets
    from grants.interfaces.pooled_budgets import figures as pooled_figures
    from grants.interfaces.pooled_budgets import partners as pooled_partners
    from grants.modelling.calendar import financial_year_start
    from grants.models.pooled_budgets import (
        AgreementStatus,
        ContributionBasis,
        InstalmentProfile,
        Partner,
        PartnerKind,
        month_start,
    )
    from grants.models.types import utcnow

    pooled_partners.ensure_partners()
    opcc = db.session.scalar(select(Partner).filter_by(kind=PartnerKind.OPCC))
    councils = list(db.session.scalars(select(Partner).where(Partner.kind == PartnerKind.LOCAL_AUTHORITY)
                                       .order_by(Partner.id)))
    today = utcnow().astimezone(LONDON).date()
    current = financial_year_start(today)
    first_id = None
    for number in range(1, count + 1):
        members = chooser.sample(councils, chooser.randrange(2, len(councils) + 1))
        agreement = pooled_budgets.create_agreement(
            {"title": f"Treatment and recovery pool {number:02d}", "reference": f"PB-BENCH-{number:02d}",
             "legal_basis": "Section 75 NHS Act 2006 arrangement", "host_partner_id": opcc.id,
             "fund_manager": "Chief Finance Officer, OPCC", "start_year": current - YEARS + 1, "end_year": current,
             "status": AgreementStatus.ACTIVE, "review_dates": [], "tolerance_percent": Decimal("5.00"),
             "notes": "Benchmark data."},
            [opcc.id] + [council.id for council in members], list(LINES), user)
        first_id = first_id or agreement.id
        lines = {line.name: line for line in agreement.lines}
        share = (Decimal(100) / len(members)).quantize(Decimal("0.001"))
        shares = [share] * len(members)
        shares[0] += Decimal(100) - sum(shares)
        rates = {name: Decimal(chooser.randrange(88, 112)) / 100 for name in LINES}
        for year in agreement.years:
            budgets = {lines[name].id: Decimal(chooser.randrange(150_000, 1_200_000)) for name in LINES}
            inputs = [pooled_budgets.ContributionInput(opcc.id, ContributionBasis.FIXED, amount=Decimal("400000.00"),
                                                       profile=InstalmentProfile.QUARTERLY)]
            inputs += [pooled_budgets.ContributionInput(council.id, ContributionBasis.SHARE, share_percent=s,
                                                        profile=InstalmentProfile.MONTHLY)
                       for council, s in zip(members, shares, strict=True)]
            pooled_budgets.save_year(agreement, year, inputs, budgets, user)
            rows = []
            for name, line in lines.items():
                for month in range(1, 13):
                    known = year < current or month_start(year, month) < today.replace(day=1)
                    actual = _monthly(budgets[line.id], rates[name], month) if known else None
                    rows.append(pooled_figures.FigureRow(line.id, month, None if actual is None else str(actual),
                                                         str(_monthly(budgets[line.id], Decimal(1), month)), 0))
            pooled_figures.save_figures(agreement, year, rows, user, today=today)
        for year in agreement.years:
            if year < current:
                pooled_figures.close_year(agreement, year, Decimal("0"), user)
        db.session.flush()
    return first_id


def _scenarios(count: int, chooser, user) -> tuple[list[int], int]:
    """At least ``count`` scenario rows (some of them later versions of earlier ones): first the
    ``COMPARED`` joint scenarios for the comparison page (no revisions, so they are the same at
    every scale), then the rest. Returns the compared ids and how many rows were made."""
    from grants.demo.cocommissioning import ALL_FIVE, BASE
    from grants.interfaces.cocommissioning import scenarios as cocommissioning

    cocommissioning.ensure_areas()
    made, joint = [], []
    while len(made) < count or len(joint) < COMPARED:
        partners = sorted(chooser.sample(ALL_FIVE, chooser.randrange(2, 6)))
        need = Decimal(chooser.choice((0, 25, 50)))
        data = replace(BASE, name=f"Scenario {len(made) + 1:02d}: {len(partners)} PCCs", partner_codes=partners,
                       years=chooser.choice((3, 5)), scale_percent=Decimal(chooser.randrange(70, 95)),
                       weights={"need": need, "caseload": Decimal(100) - need} if need else {"caseload": Decimal(100)},
                       cap_pence=chooser.choice((None, 800_000_00)), notes="Benchmark data.")
        try:
            row = cocommissioning.create_scenario(data, user)
        except cocommissioning.ScenarioInputError:  # the caps cannot cover the cost: no cap
            data = replace(data, cap_pence=None)
            row = cocommissioning.create_scenario(data, user)
        made.append(row.id)
        if len(joint) >= COMPARED and len(made) < count and chooser.random() < 0.3:
            row = cocommissioning.revise_scenario(row, replace(data, scale_percent=Decimal(80), cap_pence=None), user)
            made.append(row.id)
        joint.append(row.id)
    return joint[:COMPARED], len(made)


def _recommendation(round_id: int, officer) -> None:
    """Run the round's funding recommendation, with area and approach minimums, as an officer
    would, so its page shows a result."""
    import scoring
    from grants.extensions import db
    from grants.interfaces.panel import decisions
    from grants.models.rounds import FundingRound
    from scoring.bench import AREAS

    funding_round = db.session.get(FundingRound, round_id)
    budget = scoring.pence(funding_round.total_budget)
    minimums = [scoring.Minimum(scoring.AREA, code, spend_pence=budget * share // 200) for code, share in AREAS.items()]
    minimums += [scoring.Minimum(scoring.APPROACH, code, count=1) for code in ("prevention", "people", "place")]
    rules = decisions.funding_rules(funding_round, Decimal("2.00"), "total_score", minimums, Decimal("5"))
    decisions.run_recommendation(funding_round, rules, officer)


def _notices(list_round: int, commissioner) -> tuple[int, int]:
    """Each decided round's decision notice, drafted from its funding decision and signed two days
    after the decision, as the commissioner would; returns the list round's notice (its grants are
    ``NOTICE_GRANTS`` at every scale) and how many there are."""
    from datetime import timedelta

    from grants.extensions import db
    from grants.interfaces.decisions import notices
    from grants.models.panel import FundingDecision

    timed, count = 0, 0
    for decision in db.session.scalars(select(FundingDecision).order_by(FundingDecision.approved_at,
                                                                         FundingDecision.id)):
        notice = notices.draft_notice(decision, commissioner)
        _shorten(notice, commissioner)
        notices.sign_notice(notice, notice.version, commissioner, now=decision.approved_at + timedelta(days=2))
        count += 1
        if decision.round_id == list_round:
            timed = notice.id
    return timed, count


def _shorten(notice, commissioner) -> None:
    """Shorten any part of the draft too long to sign, as the commissioner would have to: at scale 10
    a decided round's hundred-odd declared conflicts run past the 20,000 characters a part may have."""
    from grants.interfaces.decisions import notices

    values = {name: getattr(notice, name) for name in notices.NARRATIVE_FIELDS}
    too_long = [name for name, value in values.items() if name != "title"
                and len(value or "") > notices.TEXT_MAX_CHARACTERS]
    if not too_long:
        return
    for name in too_long:
        kept = values[name][:notices.TEXT_MAX_CHARACTERS - 100].rsplit("\n", 1)[0]
        values[name] = kept + "\n- The other declarations are kept with the panel's records."
    notices.update_notice(notice, notice.version, values, commissioner)
