"""``make bench`` with the 200,000-application data set (issue 24): the scales a run takes and their
databases, the growth table's step per pair of scales and the targets counting each step, and the
pages added since the benchmark was first written. Pure: no database, no load test."""

from __future__ import annotations

import argparse

import pytest
from cryptography.fernet import Fernet

from benchmarks import report
from benchmarks.__main__ import database_for, scales_to_run
from benchmarks.generate import NOTICE_GRANTS, Plan, Sizes
from benchmarks.generate_pages import LATE_BIDS, RUN_PAYMENTS, TIMED_MESSAGES, bank_details_key
from benchmarks.load import added_pages

URL = "postgresql://postgres@127.0.0.1:5432/grants_bench"


def _options(**given) -> argparse.Namespace:
    values = {"scales": None, "single_scale": False, "small_scale": 0.01, "scale": 1.0, "large_scale": None}
    return argparse.Namespace(**(values | given))


def test_a_run_takes_the_two_data_sets_by_default_and_the_large_one_when_asked():
    assert scales_to_run(_options()) == [0.01, 1.0]
    assert scales_to_run(_options(large_scale=10.0)) == [0.01, 1.0, 10.0]
    assert scales_to_run(_options(scales=[10.0, 0.01, 1.0])) == [0.01, 1.0, 10.0]
    assert scales_to_run(_options(single_scale=True)) == [1.0]
    with pytest.raises(SystemExit):
        scales_to_run(_options(scales=[1.0, 1.0]))


def test_each_data_set_keeps_its_database_so_a_default_run_reuses_its_two():
    assert [database_for(s, [0.01, 1.0], URL) for s in (0.01, 1.0)] == [URL + "_small", URL]
    three = [0.01, 1.0, 10.0]
    assert [database_for(s, three, URL) for s in three] == [URL + "_small", URL, URL + "_scale10"]
    # The short check run (--scale 0.05 --small-scale 0.01) keeps its old names.
    assert [database_for(s, [0.01, 0.05], URL) for s in (0.01, 0.05)] == [URL + "_small", URL]
    assert database_for(0.5, [0.01, 0.5, 1.0], URL) == URL + "_scale0_5"


def test_the_large_data_set_is_ten_times_the_full_one():
    large = Sizes.at(10)
    assert (large.applications, large.large_round, large.list_round, large.awards) == (200_000, 10_000, 40_000, 40_000)
    assert (large.score_sheets, large.panel_members) == (1_000_000, 600)


def _page(key, p50, queries=(4,), compared=True):
    return {"key": key, "title": key.replace("_", " "), "p50_ms": p50, "p95_ms": p50 * 2,
            "queries": list(queries), "compared": compared}


# Made-up figures at three scales: "steady" passes both steps, "late_growth" misses only 1 -> 10,
# "more_sql" adds a statement at the largest scale, "large_round" is measured at 1 and 10 only.
THREE_SCALES = {
    0.01: [_page("baseline", 20, (0,)), _page("steady", 100), _page("late_growth", 100), _page("more_sql", 50)],
    1.0: [_page("baseline", 21, (0,)), _page("steady", 120), _page("late_growth", 140), _page("more_sql", 55),
          _page("large_round", 300, compared=False)],
    10.0: [_page("baseline", 22, (0,)), _page("steady", 150), _page("late_growth", 220),
           _page("more_sql", 60, (5,)), _page("large_round", 900, compared=False)],
}


def test_growth_is_judged_at_each_step_from_one_scale_to_the_next():
    steps = report.growth_steps(THREE_SCALES)
    assert [(step["from"], step["to"]) for step in steps] == [(0.01, 1.0), (1.0, 10.0)]
    first, second = ({row["key"]: row for row in step["rows"]} for step in steps)
    assert (first["steady"]["p50_ratio"], first["steady"]["p50_verdict"]) == (1.2, "PASS")
    assert (second["steady"]["p50_ratio"], second["steady"]["p50_verdict"]) == (1.25, "PASS")
    assert first["late_growth"]["p50_verdict"] == "PASS"
    assert second["late_growth"]["p50_ratio"] == pytest.approx(220 / 140)
    assert second["late_growth"]["p50_verdict"] == "MISS"
    assert (first["more_sql"]["queries_verdict"], second["more_sql"]["queries_verdict"]) == ("PASS", "MISS")
    assert (second["large_round"]["p50_verdict"], second["large_round"]["queries_verdict"]) == ("-", "-")


def test_the_growth_table_gives_every_scales_p50_and_each_steps_ratio_and_verdict():
    table = report.growth_table(report.growth_steps(THREE_SCALES))
    lines = table.splitlines()
    assert lines[0].split() == ["Page", "p50", "ms", "@0.01", "p50", "ms", "@1", "p50", "ms", "@10",
                                "ratio", "0.01->1", "<=1.5", "ratio", "1->10", "<=1.5",
                                "SQL", "@0.01", "SQL", "@1", "SQL", "@10", "same", "SQL"]
    rows = {line.split("  ")[0].strip(): line.split() for line in lines[2:] if not line.startswith("  ")}
    assert rows["steady"][1:] == ["100", "120", "150", "1.20", "PASS", "1.25", "PASS", "4", "4", "4", "PASS"]
    assert rows["late growth"][2:] == ["100", "140", "220", "1.40", "PASS", "1.57", "MISS", "4", "4", "4", "PASS"]
    assert rows["more sql"][-4:] == ["4", "4", "5", "MISS"]
    assert rows["large round *"][3:] == ["-", "300", "900", "-", "-", "-", "-", "-", "4", "4", "-"]
    assert "not at every scale" in lines[-1]


def test_the_growth_table_of_two_scales_is_as_before():
    rows = report.growth(THREE_SCALES[0.01], THREE_SCALES[1.0])
    table = report.growth_table(rows, 0.01, 1.0)
    assert table.splitlines()[0].split()[:10] == ["Page", "p50", "ms", "@0.01", "p50", "ms", "@1", "ratio",
                                                 "0.01->1", "<=1.5"]
    assert table == report.growth_table(report.growth_steps({s: THREE_SCALES[s] for s in (0.01, 1.0)}))


def test_the_targets_count_both_steps_and_name_the_step_missed():
    largest = report.with_ratios(THREE_SCALES[10.0])
    summary = report.targets(largest, report.growth_steps(THREE_SCALES), None)
    pages = {page["key"]: page for page in summary["pages"]}
    assert pages["late_growth"]["p50_growth_steps"] == ["PASS", "MISS"]
    assert pages["more_sql"]["same_sql"] == "MISS"
    assert pages["large_round"]["p50_growth_steps"] == ["-", "-"]
    # p95 (2x the p50 here, baseline 44 ms): steady 300 / 44 > 4 misses, and so on.
    p95 = [page["p95"] for page in summary["pages"]]
    growth = sum(verdict == "PASS" for page in summary["pages"] for verdict in page["p50_growth_steps"])
    same = sum(page["same_sql"] == "PASS" for page in summary["pages"])
    assert summary["met"] == p95.count("PASS") + growth + same
    assert "late_growth:p50_growth 1->10" in summary["missed_list"]
    assert "late_growth:p50_growth 0.01->1" not in summary["missed_list"]
    assert "more_sql:same_sql" in summary["missed_list"]
    headings = report.targets_table(summary, 10.0).splitlines()[0]
    assert "p50 growth<=1.5 0.01->1" in headings and "p50 growth<=1.5 1->10" in headings


def test_the_added_pages_show_records_of_one_size_and_find_them_by_the_plans_ids():
    plan = Plan(scale=1, database_url=URL, open_round=40, notice=36, payment_run=3, application=38, late_round=38,
                counts={"payment_runs": 2, "decision_notices": 36})
    found = {page.key: page for page in added_pages(plan)}
    assert set(found) == {"round_form", "round_form_preview", "decisions", "decision_notice", "payment_runs",
                          "payment_run", "messages", "message_thread", "panel_deadlines"}
    assert found["round_form"].path == "/rounds/40/forms/application/"
    assert found["decision_notice"].path == "/decisions/36" and found["decision_notice"].role is None
    assert found["payment_run"].path == "/awards/payment-runs/3"
    assert found["message_thread"].path == "/messages/applications/38"
    assert found["panel_deadlines"].path == "/panel/rounds/38"
    assert all(page.compared for page in found.values())
    assert (NOTICE_GRANTS, RUN_PAYMENTS, TIMED_MESSAGES, len(LATE_BIDS)) == (12, 10, 12, 3)


def test_the_bank_details_key_is_a_fernet_key_the_same_for_the_same_seed():
    key = bank_details_key(2026)
    assert key == bank_details_key(2026) != bank_details_key(2027)
    assert Fernet(key.encode()).decrypt(Fernet(key.encode()).encrypt(b"12345678")) == b"12345678"
