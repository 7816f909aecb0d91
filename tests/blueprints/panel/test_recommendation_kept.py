"""The recommendation page reads a recommendation's result once per worker (issue 24): a 10,000-bid
round's result is megabytes of JSON. A recommendation never changes, so it is kept under its own random
key; a new run is a new record with a new key, shown on the next request."""

from __future__ import annotations

from sqlalchemy import select

from grants.extensions import db as _db
from grants.interfaces.panel import shown_recommendation
from grants.models.accounts import Role
from grants.models.panel import FundingRecommendationRecord
from tests.factories import UserFactory
from tests.helpers import counting_statements, page, post

RULES = {"quality_threshold": "0", "objective": "total_score", "max_share": ""}


def _records() -> list[FundingRecommendationRecord]:
    return list(_db.session.scalars(select(FundingRecommendationRecord).order_by(FundingRecommendationRecord.id)))


def _recommended(response) -> list[str]:
    """The references in the recommendation's table whose "Recommended" cell says Yes."""
    rows = page(response).select("table#bids tbody tr")
    cells = [[cell.get_text(strip=True) for cell in row.select("td")] for row in rows]
    return [row[1] for row in cells if row[5] == "Yes"]


def _results_read(statements: list[str]) -> int:
    return sum(1 for statement in statements
               if "FROM funding_recommendations" in statement and "funding_recommendations.result" in statement)


def test_the_result_is_read_once_then_kept(as_role, panel_round, bids, panel, submit_scores):
    for bid, score in zip(bids, (4, 3, 2), strict=True):
        submit_scores(panel[0], bid, fit=score, value=score)
    officer = as_role("grants_officer")
    assert post(officer, f"/panel/rounds/{panel_round.id}/recommendation/run", RULES).status_code == 302
    url = f"/panel/rounds/{panel_round.id}/recommendation"
    _db.session.commit()  # a committed record, as a later request reads it

    with counting_statements() as first:
        shown = officer.get(url)
    with counting_statements() as second:
        again = officer.get(url)
    assert _recommended(shown) == _recommended(again) == ["CGS-2026-0001", "CGS-2026-0002"]
    assert _results_read(second) == 0
    assert _results_read(first) <= 1


def test_a_new_run_is_shown_on_the_next_request(as_role, panel_round, bids, panel, submit_scores):
    for bid, score in zip(bids, (4, 3, 2), strict=True):
        submit_scores(panel[0], bid, fit=score, value=score)
    officer = as_role("grants_officer")
    url = f"/panel/rounds/{panel_round.id}/recommendation"
    post(officer, f"{url}/run", RULES)
    assert _recommended(officer.get(url)) == ["CGS-2026-0001", "CGS-2026-0002"]

    # A threshold of 3.5 leaves only the first bid: the new run is a new record, with its own key.
    post(officer, f"{url}/run", {**RULES, "quality_threshold": "3.5"})
    first, latest = _records()
    assert first.snapshot_key != latest.snapshot_key
    assert _recommended(officer.get(url)) == ["CGS-2026-0001"]


def test_records_are_kept_by_their_key_not_their_id(app, db):
    """Two records that share an id (SQLite gives a deleted record's id again) but not a key are
    never taken for each other."""
    one = FundingRecommendationRecord(id=7, round_id=1, rules={}, result={"decisions": [{"reference": "A"}]},
                                      snapshot_key="a" * 32)
    other = FundingRecommendationRecord(id=7, round_id=1, rules={}, result={"decisions": [{"reference": "B"}]},
                                        snapshot_key="b" * 32)
    with app.test_request_context():
        assert shown_recommendation.shown(one).decisions == [{"reference": "A"}]
        assert shown_recommendation.shown(other).decisions == [{"reference": "B"}]
        assert shown_recommendation.shown(one).decisions == [{"reference": "A"}]


def test_a_record_without_a_key_is_read_each_time(app, db):
    unkept = FundingRecommendationRecord(round_id=1, rules={}, result={"decisions": [{"reference": "A"}]})
    assert unkept.snapshot_key is None  # given at flush
    with app.test_request_context():
        assert shown_recommendation.shown(unkept).decisions == [{"reference": "A"}]
        unkept.result = {"decisions": [{"reference": "B"}]}
        assert shown_recommendation.shown(unkept).decisions == [{"reference": "B"}]


def test_organisation_caps_are_folded_into_one_summary():
    def check(key, achieved, met):
        return {"key": key, "required": 50, "sense": "<=", "achieved": achieved, "met": met}

    result = {
        "optimum": {"checks": [check("budget", 100, True), check("organisation:1", 40, True),
                               check("organisation:2", 30, True)]},
        "rank_order": {"checks": [check("budget", 90, True), check("organisation:1", 60, False),
                                  check("organisation:2", 20, True)]},
    }
    rows, caps = shown_recommendation.rule_checks(result)
    assert [(mine["key"], theirs["achieved"]) for mine, theirs in rows] == [("budget", 90)]
    assert caps == {"required": 50, "sense": "<=", "organisations": 2, "selections": [[40, 0], [60, 1]]}
    assert shown_recommendation.rule_checks({"optimum": None, "rank_order": None}) == ([], None)


def test_whoever_views_it_the_page_runs_the_same_statements(as_role, as_user, panel_round, bids, panel,
                                                            submit_scores):
    """The name of who ran it comes with the record: another officer's view does not load that
    officer's account and roles on its own (the bench's same-SQL check compares viewers' counts)."""
    for bid, score in zip(bids, (4, 3, 2), strict=True):
        submit_scores(panel[0], bid, fit=score, value=score)
    runner = as_role("grants_officer")
    url = f"/panel/rounds/{panel_round.id}/recommendation"
    post(runner, f"{url}/run", RULES)
    _db.session.commit()
    other = as_user(UserFactory(full_name="Other Officer", email="other.officer@example.org",
                                roles=[Role.GRANTS_OFFICER]))
    runner.get(url), other.get(url)  # both warm
    with counting_statements() as by_runner:
        runner.get(url)
    with counting_statements() as by_other:
        shown = other.get(url)
    assert len(by_other) == len(by_runner)
    assert "Run by " + _records()[-1].created_by.full_name in page(shown).get_text(" ")
