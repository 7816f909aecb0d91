"""The values of the email telling commissioners a funding recommendation is ready
(grants/data/emails/outcomes.toml), and an example from real records for the preview."""

from __future__ import annotations

from sqlalchemy import select

from grants.email_templates import Value
from grants.extensions import db
from grants.links import public_url
from grants.models.accounts import User
from grants.models.panel import FundingRecommendationRecord
from grants.models.rounds import FundingRound
from scoring.ranking import money  # pence, as the recommendation keeps them


def recommendation_ready_values(funding_round: FundingRound, record: FundingRecommendationRecord,
                                commissioner: User, replaces: bool) -> dict[str, Value]:
    optimum = record.result.get("optimum") or {"references": [], "spend_pence": 0}
    ranked = sum(1 for entry in record.result.get("decisions", []) if entry.get("rank") is not None)
    short = len(record.result.get("short_of_scores", []))
    run_early = record.result.get("run_early")
    return {
        "recipient name": commissioner.full_name,
        "round name": funding_round.name,
        "replaces": replaces,
        "first": not replaces,
        "recommended": str(len(optimum["references"])),
        "ranked": f"{ranked} bid{'' if ranked == 1 else 's'}",
        "spend": money(optimum["spend_pence"]),
        "budget": money(record.rules.get("budget_pence", 0)),
        "short of scores": short > 0,
        "bids short": f"{short} bid{' has' if short == 1 else 's have'}",
        "run early": run_early is not None,
        "early reason": run_early["reason"] if run_early else "",
        "link": public_url("panel.decision", round_id=funding_round.id),
    }


def example_recommendation_ready() -> dict[str, Value] | None:
    record = db.session.scalars(select(FundingRecommendationRecord)
                                .order_by(FundingRecommendationRecord.id.desc()).limit(1)).first()
    if record is None or not record.result.get("optimum"):
        return None
    funding_round = db.session.get(FundingRound, record.round_id)
    from grants.interfaces.panel.decisions import active_commissioners

    commissioner = next(iter(active_commissioners()), None)
    if funding_round is None or commissioner is None:
        return None
    return recommendation_ready_values(funding_round, record, commissioner, replaces=False)
