"""The benchmark's awards: one for each successful bid, with its instalments (paid when due),
quarterly monitoring returns (accepted once past, submitted when just due) and plan commitments;
and each decided round's recorded recommendation and decision. Bulk Core inserts, as generate.py
(whose ``_answer_facts`` then derives the people-reached rows from the returns' answers)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

from sqlalchemy import text

from benchmarks import bulk
from grants.award_conditions import STANDARD_CONDITIONS
from grants.interfaces.awards.offers import default_schedule
from grants.interfaces.awards.portfolio import PEOPLE_GROUPS, PEOPLE_SECTION
from grants.modelling.calendar import reporting_periods

RATINGS = ("green",) * 7 + ("amber",) * 2 + ("red",)


def _return_answers(chooser) -> dict:
    people = {"people_" + code.replace("-", "_"): [str(chooser.randrange(0, 40))] for code, _ in PEOPLE_GROUPS}
    return {
        PEOPLE_SECTION: people,
        "activities": {"summary": ["Sessions ran every week as planned; numbers are growing."]},
        "problems": {"problems": ["None so far."]},
    }


def awards(connection, chooser, sizes, ids, ref, rounds, bids, people, plan) -> None:
    today = datetime.now(UTC).date()
    officers = [user_id for user_id, _ in people["staff"]["grants_officer"]]
    finance = [user_id for user_id, _ in people["staff"]["finance_officer"]]
    commissioner = people["staff"]["commissioner"][0][0]
    member_of = {}
    for user_id, email in people["staff"]["applicant"]:
        member_of[email] = user_id
    org_user = {org["id"]: member_of[org["contact_email"]] for org in people["organisations"]}
    award_rows, instalment_rows, return_rows, commitment_rows = [], [], [], []
    committed: dict[int, Decimal] = defaultdict(Decimal)
    for bid in bids:
        if bid["status"] != "successful":
            continue
        funding_round = bid["round"]
        start = (funding_round.closes_at + timedelta(days=60)).date()
        end = start + timedelta(days=364)
        offered = funding_round.decided_at
        award_id = ids.next("awards")
        grantee = org_user[bid["organisation_id"]]
        closed = end < today - timedelta(days=60)
        accepted = offered + timedelta(days=7)
        award_rows.append(dict(
            id=award_id, application_id=bid["id"], round_id=funding_round.id, organisation_id=bid["organisation_id"],
            status="closed" if closed else "accepted", amount=bid["amount_requested"], start_date=start, end_date=end,
            standard_conditions=list(STANDARD_CONDITIONS), special_conditions="", monitoring_frequency="quarterly",
            officer_id=chooser.choice(officers), offered_at=offered, offer_deadline=offered + timedelta(days=14),
            accepted_at=accepted, accepted_by_id=grantee, accepted_name=f"Contact {bid['organisation_id']}",
            accepted_position="Chair of trustees", closed_at=_day(end + timedelta(days=45)) if closed else None,
            underspend=Decimal("0.00") if closed else None, created_by_id=officers[0], created_at=offered,
            updated_at=offered, version=1,
        ))
        committed[funding_round.id] += bid["amount_requested"]
        for number, instalment in enumerate(default_schedule(bid["amount_requested"], start, end), start=1):
            paid = instalment.due_date < today - timedelta(days=14)
            payer = chooser.choice(finance)
            instalment_rows.append(dict(
                id=ids.next("instalments"), award_id=award_id, number=number, amount=instalment.amount,
                due_date=instalment.due_date, trigger=instalment.trigger.value, status="paid" if paid else "scheduled",
                held=False, approved_at=_day(instalment.due_date) if paid else None,
                approved_by_id=payer if paid else None,
                paid_on=instalment.due_date + timedelta(days=2) if paid else None,
                payment_reference=f"BACS-{award_id:05d}-{number}" if paid else None, paid_by_id=payer if paid else None,
                version=1,
            ))
        for number, period in enumerate(reporting_periods(start, end, "quarterly"), start=1):
            row = dict(id=ids.next("monitoring_returns"), award_id=award_id, number=number,
                       period_start=period.start, period_end=period.end, due_date=period.due, final=period.final,
                       status="not_started", answers={}, version=1)
            if period.due < today - timedelta(days=14):
                row.update(status="accepted", answers=_return_answers(chooser), submitted_by_id=grantee,
                           submitted_at=_day(period.due - timedelta(days=3)), rating=chooser.choice(RATINGS),
                           review_comments="Good progress; thank you.", reviewed_by_id=chooser.choice(officers),
                           reviewed_at=_day(period.due + timedelta(days=4)))
            elif period.due < today:
                row.update(status="submitted", answers=_return_answers(chooser), submitted_by_id=grantee,
                           submitted_at=_day(period.due - timedelta(days=1)))
            return_rows.append(row)
        for commitment in chooser.sample(ref.commitments, 2):
            commitment_rows.append(dict(award_id=award_id, commitment_id=commitment))
    for table, rows in (("awards", award_rows), ("instalments", instalment_rows),
                        ("monitoring_returns", return_rows), ("award_commitments", commitment_rows)):
        bulk.insert(connection, table, rows)
    for round_id, amount in committed.items():
        connection.execute(text("UPDATE funding_rounds SET total_budget = :b WHERE id = :id"),
                           {"b": max(Decimal("200000.00"), (amount * Decimal("1.10")).quantize(Decimal("1"))),
                            "id": round_id})
    _decisions(connection, ids, rounds, bids, officers[0], commissioner)
    plan.counts.update(awards=len(award_rows), instalments=len(instalment_rows),
                       monitoring_returns=len(return_rows))


def _day(day) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def _decisions(connection, ids, rounds, bids, officer, commissioner) -> None:
    """A recorded recommendation and the commissioner's decision for each decided round: the
    successful bids, recommended and funded as the panel ranked them."""
    by_round = defaultdict(list)
    for bid in bids:
        by_round[bid["round"].id].append(bid)
    recommendations, decisions = [], []
    for funding_round in rounds:
        if funding_round.state != "decided":
            continue
        funded = [bid for bid in by_round[funding_round.id] if bid["status"] == "successful"]
        spend = sum(int(bid["amount_requested"] * 100) for bid in funded)
        entries = [{"reference": bid["reference"], "application_id": bid["id"], "organisation": "",
                    "rank": rank, "recommended": bid["status"] == "successful",
                    "funded_in_rank_order": bid["status"] == "successful", "reason": "selected",
                    "explanation": "", "amount_pence": int(bid["amount_requested"] * 100), "score": None}
                   for rank, bid in enumerate(by_round[funding_round.id], start=1)]
        selection = {"references": [b["reference"] for b in funded], "application_ids": [b["id"] for b in funded],
                     "spend_pence": spend, "remaining_pence": 0, "total_score": "0", "objective_value": "0",
                     "checks": []}
        record_id = ids.next("funding_recommendations")
        recommendations.append(dict(
            id=record_id, round_id=funding_round.id, created_by_id=officer, snapshot_key=uuid4().hex,
            created_at=funding_round.decided_at - timedelta(days=7),
            rules={"budget_pence": spend, "quality_threshold": "2.00", "objective": "total_score", "minimums": [],
                   "max_organisation_share": None, "aggregation": "mean", "normalised": False},
            result={"status": "optimal", "optimum": selection, "rank_order": selection, "gain": "0",
                    "decisions": entries, "unmet": [], "unmet_keys": [], "notes": [],
                    "scorers_per_bid": funding_round.scorers_per_bid, "short_of_scores": []},
        ))
        decisions.append(dict(id=ids.next("funding_decisions"), round_id=funding_round.id,
                              recommendation_id=record_id, funded=[b["id"] for b in funded], changed=False,
                              approved_by_id=commissioner, approved_at=funding_round.decided_at))
    bulk.insert(connection, "funding_recommendations", recommendations)
    bulk.insert(connection, "funding_decisions", decisions)
