"""A round's latest funding recommendation as its page shows it, read once per worker.

A recommendation is a snapshot that never changes (grants.models.panel.FundingRecommendationRecord),
but its result holds a row for every bid: a 10,000-bid round's is megabytes of JSON, and reading and
parsing it, then folding its organisation caps, cost more than the rest of the page together on every
view. So the record is read without it, and the result and its checks are kept per worker under the
record's ``snapshot_key`` (random, never reused), made from the result the first time a worker shows
it. The page shows 50 of its rows at a time.

The kept result is shared by every request of the worker: it is read, never changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import defer, joinedload

from grants.interfaces.panel import decisions
from grants.lru import LRU, app_cache
from grants.models.accounts import User
from grants.models.panel import FundingRecommendationRecord
from grants.models.rounds import FundingRound

CACHE_SIZE = 16  # recommendations kept per worker: the latest of each round being decided
ORGANISATION_CAP = "organisation:"  # the key of a check of one organisation's cap (scoring.funding)


@dataclass(frozen=True)
class ShownRecommendation:
    """What the page shows of a recommendation's result: the result as stored, and its rules' checks
    beside rank order's, one row a rule, with the organisation caps (a check per organisation,
    hundreds in a large round) folded into one summary (``caps``: {"required", "sense",
    "organisations", "selections": [[highest achieved, caps not kept] for each selection]})."""

    result: dict[str, Any]
    check_rows: list[tuple[dict, dict]]
    caps: dict[str, Any] | None

    @property
    def decisions(self) -> list[dict[str, Any]]:
        return self.result["decisions"]


def latest(funding_round: FundingRound) -> FundingRecommendationRecord | None:
    """The round's latest recommendation, without its result (``shown`` has it), with the name of who
    ran it (in the same statement: the page names them, and a lazy load would cost whoever else views
    it two statements more, their account and its roles)."""
    return decisions.latest_recommendation(
        funding_round,
        defer(FundingRecommendationRecord.result),
        joinedload(FundingRecommendationRecord.created_by).load_only(User.full_name).lazyload(User.role_grants))


def shown(record: FundingRecommendationRecord) -> ShownRecommendation:
    """``record``'s result and checks: kept from an earlier request of this worker, or read now (and
    kept). A record not yet flushed has no key yet, and is read each time."""
    if record.snapshot_key is None:
        return _worked_out(record.result)
    return _cache().get_or_make(record.snapshot_key, lambda: _worked_out(record.result))


def _cache() -> LRU[ShownRecommendation]:
    return app_cache("shown_recommendations", CACHE_SIZE)


def _worked_out(result: dict[str, Any]) -> ShownRecommendation:
    rows, caps = rule_checks(result)
    return ShownRecommendation(result=result, check_rows=rows, caps=caps)


def rule_checks(result: dict[str, Any] | None) -> tuple[list[tuple[dict, dict]], dict[str, Any] | None]:
    """The recommendation's checks beside rank order's (see ``ShownRecommendation``); none when either
    selection is missing."""
    optimum, rank_order = (result or {}).get("optimum"), (result or {}).get("rank_order")
    if not optimum or not rank_order:
        return [], None
    rows: list[tuple[dict, dict]] = []
    caps: dict[str, Any] | None = None
    for check, other in zip(optimum["checks"], rank_order["checks"], strict=True):
        if not check["key"].startswith(ORGANISATION_CAP):
            rows.append((check, other))
            continue
        if caps is None:
            caps = {"required": check["required"], "sense": check["sense"], "organisations": 0,
                    "selections": [[0, 0], [0, 0]]}
        caps["organisations"] += 1
        for found, entry in zip(caps["selections"], (check, other), strict=True):  # both selections
            found[0] = max(found[0], entry["achieved"])
            found[1] += 0 if entry["met"] else 1
    return rows, caps
