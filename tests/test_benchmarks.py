"""``make bench``'s own logic: the data set's sizes, the figures made from locust's samples, and
each figure's verdict against its target; on PostgreSQL, a small data set generated for real.

The load test itself (gunicorn and locust) is not run here: it needs the ``bench`` extra and
minutes of an idle machine, and its figures depend on the machine.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import subprocess
import sys
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, text

from benchmarks import bulk, report, sessions
from benchmarks.generate import FIXED_APPLICATIONS, ROOT, ROUNDS, Plan, Sizes


def test_the_full_data_set_has_the_issues_sizes_and_the_small_one_a_hundredth():
    full, small = Sizes.at(1), Sizes.at(0.01)
    assert (full.applications, full.large_round, full.list_round, full.awards) == (20_000, 1_000, 4_000, 4_000)
    assert (full.score_sheets, full.agreements, full.scenarios) == (100_000, 10, 50)
    assert (small.applications, small.awards) == (200, 40)
    # What is left for the open and decided rounds once the fixed-size rounds are set aside.
    assert full.others == 20_000 - 1_000 - 2 * FIXED_APPLICATIONS - 4_000
    assert small.others >= ROUNDS - 4


def test_percentiles_interpolate_between_ranks():
    values = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert report.percentile(values, 50) == 30.0
    assert report.percentile(values, 95) == pytest.approx(48.0)  # 40 + 0.8 × 10
    assert report.percentile([7.0], 95) == 7.0


def test_samples_become_a_pages_figures():
    # (start in seconds, milliseconds, status, SQL statements)
    samples = [(100.0, 10.0, 200, 4), (100.5, 30.0, 200, 4), (101.0, 20.0, 500, 5), (102.0, 40.0, 200, 4)]
    figures = report.summarise(samples)
    assert figures["requests"] == 4 and figures["failures"] == 1
    assert figures["p50_ms"] == 25.0 and figures["queries"] == [4, 5]
    assert figures["rps"] == pytest.approx(4 / (2.0 + 0.010))  # first start to last start, plus the quickest
    assert report.summarise([]) == {"requests": 0, "error": "no page responses were recorded"}


def _page(key, p95=None, p50=None, queries=(4,), compared=True):
    return {"key": key, "title": key, "p95_ms": p95, "p50_ms": p50, "queries": list(queries), "compared": compared}


def test_p95_is_judged_against_four_times_the_baselines():
    pages = report.with_ratios([_page("baseline", 25), _page("at_the_limit", 100), _page("over", 101),
                                _page("unmeasured")])
    verdicts = {page["key"]: (page["p95_ratio"], page["p95_verdict"]) for page in pages}
    assert verdicts == {"baseline": (None, "-"), "at_the_limit": (4.0, "PASS"), "over": (4.04, "MISS"),
                        "unmeasured": (None, "ERROR")}


def test_growth_compares_p50_and_sql_statements_page_by_page():
    small = [_page("baseline", p50=20, queries=(0,)), _page("flat", p50=100), _page("grows", p50=100),
             _page("more_sql", p50=100, queries=(4,))]
    large = [_page("baseline", p50=21, queries=(0,)), _page("flat", p50=150), _page("grows", p50=151),
             _page("more_sql", p50=100, queries=(5,)), _page("large_only", p50=300, compared=False)]
    rows = {row["key"]: row for row in report.growth(small, large)}
    assert (rows["flat"]["p50_ratio"], rows["flat"]["p50_verdict"], rows["flat"]["queries_verdict"]) == (
        1.5, "PASS", "PASS")
    assert rows["grows"]["p50_verdict"] == "MISS"
    assert rows["more_sql"]["queries_verdict"] == "MISS"
    assert rows["baseline"]["p50_verdict"] == "-"
    assert (rows["large_only"]["p50_verdict"], rows["large_only"]["queries_verdict"]) == ("-", "-")


def test_the_summary_counts_every_target_and_names_the_missed_ones():
    large = report.with_ratios([_page("baseline", 25), _page("fast", 90), _page("slow", 200)])
    growth_rows = [{"key": "fast", "queries_verdict": "PASS", "p50_verdict": "PASS"},
                   {"key": "slow", "queries_verdict": "PASS", "p50_verdict": "MISS"}]
    inprocess = [{"title": "360Giving JSON", "verdict": "PASS"}, {"title": "Matrix", "verdict": "ERROR"},
                 {"title": "Pooled xlsx", "verdict": "-"}]
    summary = report.targets(large, growth_rows, inprocess)
    assert (summary["met"], summary["missed"]) == (5, 3)
    assert summary["missed_list"] == ["slow:p95", "slow:p50_growth", "Matrix"]
    assert report.summary_line(summary) == "Targets: 5 met, 3 missed (slow:p95; slow:p50_growth; Matrix)"


def test_a_minted_session_cookie_signs_a_staff_member_in_until_the_session_ends(app, db, users):
    from grants.interfaces.auth import sessions as server_sessions

    officer = users["grants_officer"]
    assert officer.needs_second_factor
    cookie = sessions.open_session(app, officer.email)
    signed_in = app.test_client()
    signed_in.set_cookie(sessions.cookie_name(app), cookie)
    assert signed_in.get("/awards/dashboard").status_code == 200

    # Signing out on the server (what the sign-out button does): a copy of the cookie no longer works.
    server_sessions.end(app.session_interface.get_signing_serializer(app).loads(cookie)["_user_id"])
    db.session.commit()
    copied = app.test_client()
    copied.set_cookie(sessions.cookie_name(app), cookie)
    response = copied.get("/awards/dashboard")
    assert response.status_code == 302 and response.location.startswith("/sign-in")


def test_a_session_cookie_is_sent_to_the_bench_servers_every_path():
    requests = pytest.importorskip("requests", reason="requests comes with the bench extra (locust)")
    client = requests.Session()
    sessions.carry(client.cookies, "session", "minted", "http://127.0.0.1:8123")
    page = requests.Request("GET", "http://127.0.0.1:8123/panel/rounds/7/results").prepare()
    assert requests.cookies.get_cookie_header(client.cookies, page) == "session=minted"
    # The server refreshes a permanent session's cookie with every response (host only, path /):
    # the refreshed cookie replaces the minted one rather than joining it.
    headers = http.client.parse_headers(io.BytesIO(b"Set-Cookie: session=refreshed; HttpOnly; Path=/\r\n\r\n"))
    response = SimpleNamespace(_original_response=SimpleNamespace(msg=headers))
    requests.cookies.extract_cookies_to_jar(client.cookies, page, response)
    assert requests.cookies.get_cookie_header(client.cookies, page) == "session=refreshed"


@pytest.mark.skipif(not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql"),
                    reason="the benchmark's data sets are generated into PostgreSQL (set TEST_DATABASE_URL)")
def test_a_small_data_set_is_generated_with_its_fixed_rounds_and_portfolio_rows():
    server = re.sub(r"/[^/]*$", "", os.environ["TEST_DATABASE_URL"].replace("+psycopg", ""))
    url = f"{server}/grants_bench_pytest_{os.getpid()}"
    # In a process of its own: the generator sets up the app on its database, and this process's
    # app and session belong to the test database.
    script = ("import json, sys; from benchmarks.generate import generate; "
              "print(json.dumps(generate(0.01, sys.argv[1], seed=11).as_dict()))")
    try:
        done = subprocess.run([sys.executable, "-c", script, url], cwd=ROOT, capture_output=True, text=True,
                              timeout=600, env={key: value for key, value in os.environ.items()
                                                if key not in ("TEST_DATABASE_URL", "DATABASE_URL", "GRANTS_ENV")})
        assert done.returncode == 0, done.stderr[-3000:]
        plan = Plan(**json.loads(done.stdout.strip().splitlines()[-1]))
        engine = create_engine(bulk.driver_url(url))
        with engine.connect() as connection:
            def count(sql, **values):
                return connection.scalar(text(sql), values)

            assert count("SELECT count(*) FROM applications") == 200 == plan.counts["applications"]
            assert count("SELECT count(*) FROM funding_rounds") == ROUNDS
            for round_id in (plan.recommendation_round, plan.results_round):
                assert count("SELECT count(*) FROM applications WHERE round_id = :r", r=round_id) == FIXED_APPLICATIONS
            assert count("SELECT count(*) FROM awards") == 40
            # The rows the awards dashboard adds up are filled as the app itself would fill them.
            assert count("SELECT count(*) FROM monitoring_return_people") > 0
            assert count("SELECT count(*) FROM application_adder_strands") > 0
            # The portfolio's kept totals are built from every award (the dashboard reads them, not the awards).
            assert count("SELECT sum(awards) FROM portfolio_buckets") == count(
                "SELECT count(*) FROM awards WHERE status IN ('offered', 'accepted', 'closed')") > 0
            assert count("SELECT sum(paid) FROM portfolio_buckets") == count(
                "SELECT sum(i.amount) FROM instalments i JOIN awards a ON a.id = i.award_id "
                "WHERE i.status = 'paid' AND a.status IN ('offered', 'accepted', 'closed')")
            assert count("SELECT count(*) FROM portfolio_to_build") == 0
            # Each thread's kept row, as posting keeps it (the Messages list reads these).
            assert count("SELECT count(*) FROM message_threads") == plan.counts["message_threads"]
            assert count("SELECT sum(messages) FROM message_threads") == count("SELECT count(*) FROM thread_messages")
            # The officers' list's kept counts and sort keys, as the app keeps them.
            assert count("SELECT sum(applications) FROM application_list_counts WHERE local_authority_id = 0") == count(
                "SELECT count(*) FROM applications WHERE stage = 'full' AND status <> 'draft'") > 0
            assert count("SELECT count(*) FROM applications a JOIN organisations o ON o.id = a.organisation_id "
                         "WHERE a.organisation_sort <> lower(o.name)") == 0
            # The decided rounds' seats hold their members' counts (the queue reads them).
            assert count("SELECT count(*) FROM panel_members p JOIN funding_rounds r ON r.id = p.round_id "
                         "WHERE r.decided_at IS NOT NULL AND (p.assigned IS DISTINCT FROM (SELECT count(*) FROM "
                         "scoring_assignments a WHERE a.round_id = p.round_id AND a.user_id = p.user_id))") == 0
            assert count("SELECT count(*) FROM alembic_version") == 1
            assert len(plan.scenarios) == 4 and plan.accounts["panel_member"]
            # The pages added in issue 24 find records of the same size as at every other scale.
            assert count("SELECT jsonb_array_length(grants::jsonb) FROM decision_notices WHERE id = :n "
                         "AND signed_at IS NOT NULL", n=plan.notice) == 12
            assert count("SELECT count(*) FROM instalments WHERE payment_run_id = :r", r=plan.payment_run) == 10
            assert count("SELECT count(*) FROM thread_messages WHERE application_id = :a", a=plan.application) == 12
            assert count("SELECT count(*) FROM scoring_assignments a WHERE round_id = :r AND NOT EXISTS (SELECT 1 "
                         "FROM score_sheets s WHERE s.application_id = a.application_id AND s.user_id = a.user_id)",
                         r=plan.late_round) == 7
        engine.dispose()
    finally:
        drop = create_engine(bulk.driver_url(f"{server}/postgres"), isolation_level="AUTOCOMMIT")
        with drop.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "grants_bench_pytest_{os.getpid()}" WITH (FORCE)'))
        drop.dispose()
