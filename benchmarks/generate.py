"""The benchmark's data set, generated reproducibly (seeded) into a database of its own.

At scale 1: 20,000 applications across 40 rounds, about 100,000 submitted score sheets by 60 panel
members, 4,000 awards with payments and monitoring returns, 10 pooled-budget agreements over 5 years
with monthly actuals and 50 co-commissioning scenarios. ``scale`` shrinks or grows the counts (0.01
gives the 200-application data set, 10 the 200,000-application one); the shape stays the same.

The rounds, newest first (the same 40 at every scale):

- one open for applications;
- the *large* round, closed and being scored: 1,000 bids at scale 1 (the issue's "funding
  recommendation for a 1,000-bid round"), scaled with the data;
- the *recommendation* and *results* rounds, closed and being scored, of a fixed size at every
  scale (``FIXED_APPLICATIONS``, more bids than a page of a member's queue), generated from random
  streams of their own so that their bids, scores and recommendation are the same at every scale:
  the pages that show a round compare like with like when the data grows (the results round is
  normalised, so its summary shows the calibration);
- the *list* round (the officer's long list: 4,000 applications at scale 1), decided;
- 35 more decided rounds sharing the rest of the applications.

The 20 bench panel accounts (the first 20 members) sit on every scored round but the large one, so a
member's queue lists the same rounds at every scale; the other members score the large round and
help on the decided ones. The compared scenarios and the benchmarked pooled-budget agreement come
from random streams of their own too, so they are the same at every scale.

The records of the pages added in issue 24 (a scoring deadline with late members, message threads,
payment runs; benchmarks.generate_pages) follow the awards. The list round's first ``NOTICE_GRANTS``
bids are successful at every scale, so its decision notice, the timed one, is the same size.

The bulk (people, rounds, applications, the panel's work, awards) goes in with SQLAlchemy Core
inserts of lists of rows with ids given here, a round (or a batch of score sheets) at a time; the
few dozen pooled-budget and co-commissioning records and the decision notices go through the app's
own interfaces (benchmarks.generate_finance), as the demo data does.
"""

from __future__ import annotations

import random
import secrets
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from werkzeug.security import generate_password_hash

from benchmarks import bulk

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/grants_bench"
PASSWORD = "bench-lantern-tamar-2026"
BENCH_ACCOUNTS = 20  # one account per concurrent user and role, so no session is shared
ROUNDS = 40
AREAS = ("cornwall", "isles-of-scilly", "devon", "plymouth", "torbay")
AREA_WEIGHTS = (31, 1, 45, 15, 8)  # percent of the population, as scoring.bench
APPROACHES = ("prevention", "people", "place", "partnership")
# The fixed-size rounds: 52 bids (more than the 50 of a page of a member's queue, so the queue's
# first page is full at every scale) and 4 applications that are not bids.
FIXED_BIDS = 52
FIXED_NOT_BIDS = ("withdrawn", "withdrawn", "ineligible", "ineligible")
FIXED_APPLICATIONS = FIXED_BIDS + len(FIXED_NOT_BIDS)
FIXED_BUDGET = Decimal("60000.00")  # about 40% of what the fixed rounds' bids ask for
PANEL_BATCH = 50_000  # score sheets (with their assignments and declarations) held before they are written
SCORERS = {"large": 3, "recommendation": 3, "results": 5}  # per bid; decided rounds share the rest
# The list round's successful bids at every scale: its decision notice (the timed one) lists them.
NOTICE_GRANTS = 12
LAYOUT = 3  # bumped when the data set's shape changes, so --reuse does not take an older one


@dataclass(frozen=True)
class Sizes:
    applications: int
    large_round: int
    list_round: int
    score_sheets: int
    panel_members: int
    awards: int
    agreements: int
    scenarios: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        def n(full: int, least: int) -> int:
            return max(least, round(full * scale))

        sizes = cls(applications=n(20_000, 200), large_round=n(1_000, 10), list_round=n(4_000, 40),
                    score_sheets=n(100_000, 1_000), panel_members=n(60, BENCH_ACCOUNTS + 4), awards=n(4_000, 40),
                    agreements=n(10, 1), scenarios=n(50, 4))
        if sizes.others < ROUNDS - 4:
            raise SystemExit(f"Scale {scale:g} leaves too few applications for the other rounds")
        return sizes

    @property
    def others(self) -> int:
        """Applications in the open round and the 35 decided rounds besides the list round."""
        return self.applications - self.large_round - 2 * FIXED_APPLICATIONS - self.list_round


@dataclass
class Plan:
    """What the generator made that the load test and the in-process timings need to find."""

    scale: float
    database_url: str
    layout: int = 0
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    accounts: dict[str, list[str]] = field(default_factory=dict)  # role -> emails
    large_round: int = 0  # 1,000 bids at scale 1, scaled with the data
    recommendation_round: int = 0  # fixed size at every scale
    results_round: int = 0  # fixed size at every scale, normalised
    list_round: int = 0
    application: int = 0  # in the list round; its message thread is the timed one
    agreement: int = 0
    seed: int = 0  # the bank details' key derives from it (benchmarks.generate_pages.bank_details_key)
    open_round: int = 0  # its application form's builder and preview are timed
    late_round: int = 0  # the recommendation round: its scoring deadline has passed, with late members
    notice: int = 0  # the list round's signed decision notice
    payment_run: int = 0
    scenarios: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def stream(seed: int, name: str) -> random.Random:
    """A random stream of its own for one part of the data, the same at every scale."""
    return random.Random(f"{seed}:{name}")


def recreate_database(url: str) -> None:
    """Drop and create the benchmark database (never the one the app or the tests use)."""
    base, name = url.rsplit("/", 1)
    if not name.startswith("grants_bench"):
        raise SystemExit(f"Refusing to drop {name!r}: the benchmark database's name must start with grants_bench")
    engine = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1) + "/postgres",
                           isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def migrate(url: str) -> None:
    """``flask db upgrade`` and ``flask reference load``, as the release step does."""
    env = bulk.server_environment(url)
    for command in (["db", "upgrade"], ["reference", "load"]):
        done = subprocess.run([sys.executable, "-m", "flask", *command], cwd=ROOT, env=env, capture_output=True,
                              text=True)
        if done.returncode:
            raise SystemExit(f"flask {' '.join(command)} failed:\n{done.stdout}{done.stderr}")


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, clock(hour), tzinfo=UTC)


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def generate(scale: float, url: str = DEFAULT_DATABASE, seed: int = 2026) -> Plan:
    """Build the whole data set; returns where the benchmark's pages find it."""
    started = time.perf_counter()
    sizes = Sizes.at(scale)
    chooser = random.Random(seed)
    recreate_database(url)
    migrate(url)
    plan = Plan(scale=scale, database_url=url, layout=LAYOUT, seed=seed)
    engine = create_engine(bulk.driver_url(url))
    with engine.begin() as connection:
        ref = bulk.reference_ids(connection)
        ids = bulk.Ids()
        people = _people(connection, chooser, sizes, ids, plan)
        rounds = _rounds(connection, sizes, ids, ref, plan, seed)
        bids = _applications(connection, chooser, sizes, ids, ref, rounds, people, plan)
        _panel(connection, chooser, sizes, ids, ref, rounds, bids, people, plan)
        from benchmarks.generate_awards import awards

        awards(connection, chooser, sizes, ids, ref, rounds, bids, people, plan)
        from benchmarks.generate_pages import pages_data

        pages_data(connection, ids, rounds, people, plan, seed)
        _answer_facts(connection, plan)
        bulk.reset_sequences(connection)
    engine.dispose()
    from benchmarks.generate_finance import finance

    finance(plan, sizes, seed)
    _analyse(url)
    plan.seconds = time.perf_counter() - started
    return plan


def _analyse(url: str) -> None:
    """Vacuum and gather the planner's statistics, as autovacuum would after a restore: bulk inserts
    leave no statistics (PostgreSQL would guess that a round has two applications and pick plans for
    that) and no visibility map (so an index-only scan would still read every row it finds)."""
    engine = create_engine(bulk.driver_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("VACUUM (ANALYZE)"))
    engine.dispose()


def _answer_facts(connection, plan) -> None:
    """The rows the app keeps in step with the JSON answers (migration 0010: an application's ADDER
    strands and outcomes, a return's people reached), which the ORM's events do not write for the
    Core inserts above. The one place for such derived rows: the app's own ``refill`` rebuilds them
    from the answers, so they follow its rules."""
    from grants.models import answer_facts

    answer_facts.refill(connection)
    tables = (answer_facts.application_adder_strands, answer_facts.application_outcomes,
              answer_facts.monitoring_return_people)
    for table in tables:
        plan.counts[table.name] = connection.scalar(select(func.count()).select_from(table))


# People and organisations ------------------------------------------------------------------------

def _people(connection, chooser, sizes, ids, plan) -> dict:
    """Applicant organisations (about five applications each) with one member each; staff."""
    password_hash = generate_password_hash(PASSWORD)  # one slow hash, shared by every account
    now = datetime.now(UTC)
    organisations = max(BENCH_ACCOUNTS, sizes.applications // 5)
    towns = ("Plymouth", "Truro", "Exeter", "Torquay", "Penzance", "Barnstaple", "Bodmin", "St Mary's")
    legal = ("registered_charity", "cio", "cic", "company_limited_by_guarantee", "unincorporated_group",
             "faith_group", "social_enterprise")
    org_rows, user_rows, role_rows = [], [], []
    for number in range(1, organisations + 1):
        kind = legal[number % len(legal)]
        org_rows.append(dict(
            id=ids.next("organisations"), name=f"{chooser.choice(towns)} Community Project {number:05d}",
            legal_type=kind, charity_number=f"11{number:05d}" if kind in ("registered_charity", "cio") else None,
            company_number=f"{number:08d}" if kind in ("cic", "company_limited_by_guarantee") else None,
            address_line_1=f"{number} Fore Street", town=chooser.choice(towns), postcode="PL1 2AB",
            annual_income=Decimal(chooser.randrange(5_000, 400_000)), contact_name=f"Contact {number}",
            contact_email=f"org{number:05d}@example.org", created_at=now, updated_at=now,
        ))
    staff = {"applicant": [], "panel_member": [], "grants_officer": [], "finance_officer": [], "commissioner": []}
    def user(email, name, role, organisation_id=None):
        user_id = ids.next("users")
        user_rows.append(dict(id=user_id, email=email, full_name=name, password_hash=password_hash,
                              session_token=secrets.token_urlsafe(32), active=True, organisation_id=organisation_id,
                              created_at=now, password_changed_at=now))
        role_rows.append(dict(user_id=user_id, role=role, granted_at=now))
        staff[role].append((user_id, email))
        return user_id

    for org in org_rows:
        user(org["contact_email"], org["contact_name"], "applicant", org["id"])
    for number in range(1, sizes.panel_members + 1):
        user(f"panel{number:03d}@bench.example.org", f"Panel Member {number:03d}", "panel_member")
    for number in range(1, BENCH_ACCOUNTS + 1):
        user(f"officer{number:02d}@bench.example.org", f"Grants Officer {number:02d}", "grants_officer")
        user(f"finance{number:02d}@bench.example.org", f"Finance Officer {number:02d}", "finance_officer")
    user("commissioner@bench.example.org", "Bench Commissioner", "commissioner")
    bulk.insert(connection, "organisations", org_rows)
    bulk.insert(connection, "users", user_rows)
    bulk.insert(connection, "user_roles", role_rows)
    plan.accounts = {role: [email for _, email in people[:BENCH_ACCOUNTS]] for role, people in staff.items()}
    plan.counts["organisations"] = len(org_rows)
    plan.counts["users"] = len(user_rows)
    return {"organisations": org_rows, "staff": staff}


# Rounds ------------------------------------------------------------------------------------------

@dataclass
class Round:
    id: int
    index: int
    kind: str  # open, large, recommendation, results, list, decided (see the module's docstring)
    state: str  # open, closed, decided
    closes_at: datetime
    decided_at: datetime | None
    size: int  # applications
    rng: random.Random | None = None  # the fixed-size rounds' own stream
    scorers_per_bid: int = 3
    panel: list[int] = field(default_factory=list)

    @property
    def fixed(self) -> bool:
        return self.kind in ("recommendation", "results")


KINDS = ("open", "large", "recommendation", "results", "list")  # by age: 0 the newest; older are "decided"


def _rounds(connection, sizes, ids, ref, plan, seed) -> list[Round]:
    """40 rounds, one every 45 days (see the module's docstring for what each is)."""
    today = datetime.now(UTC).date()
    other_sizes = iter(_split(sizes.others, ROUNDS - 4))
    fixed_sizes = {"large": sizes.large_round, "recommendation": FIXED_APPLICATIONS,
                   "results": FIXED_APPLICATIONS, "list": sizes.list_round}
    rounds, rows = [], []
    for index in range(ROUNDS):
        age = ROUNDS - 1 - index  # 0 for the newest
        kind = KINDS[age] if age < len(KINDS) else "decided"
        if age == 0:
            state, closes = "open", today + timedelta(days=45)
        else:
            state, closes = ("closed" if age <= 3 else "decided"), today - timedelta(days=20 + 45 * (age - 1))
        opens = closes - timedelta(days=65)
        decided = _at(closes + timedelta(days=30)) if state == "decided" else None
        funding_round = Round(ids.next("funding_rounds"), index, kind, state, _at(closes, 17), decided,
                              fixed_sizes.get(kind) or next(other_sizes))
        if funding_round.fixed:
            funding_round.rng = stream(seed, f"round:{kind}")
        rounds.append(funding_round)
        rows.append(dict(
            id=funding_round.id, name=f"Commissioners Grant round {index + 1:02d}",
            description="Projects that reduce drug-related harm and crime in our communities.",
            guidance="## Before you apply\n\nRead the plan's **four approaches**.",
            opens_at=_at(opens), closes_at=funding_round.closes_at,
            total_budget=FIXED_BUDGET if funding_round.fixed else Decimal("200000.00"),
            min_award=Decimal("1000.00"), max_award=Decimal("5000.00"), max_project_months=12,
            max_annual_income=Decimal("500000.00"), rubric_id=ref.rubric_id, scorers_per_bid=3,
            score_aggregation="mean", normalise_scores=kind in ("results", "large"),
            published_at=_at(opens - timedelta(days=7)), decided_at=decided,
            created_at=_at(opens - timedelta(days=30)), updated_at=_at(opens), version=1,
        ))
    bulk.insert(connection, "funding_rounds", rows)
    links = {"round_local_authorities": ("local_authority_id", ref.areas.values()),
             "round_approaches": ("approach_id", ref.approaches.values()),
             "round_adder_strands": ("adder_strand_id", ref.strands.values()),
             "round_outcomes": ("outcome_id", ref.outcomes.values())}
    for table, (column, values) in links.items():
        bulk.insert(connection, table, [{"round_id": r.id, column: v} for r in rounds for v in values])
    bulk.insert(connection, "round_legal_types",
                [{"round_id": r.id, "legal_type": kind} for r in rounds for kind in ref.legal_types])
    by_kind = {r.kind: r.id for r in rounds}
    plan.large_round, plan.recommendation_round = by_kind["large"], by_kind["recommendation"]
    plan.results_round, plan.list_round = by_kind["results"], by_kind["list"]
    plan.open_round, plan.late_round = by_kind["open"], by_kind["recommendation"]
    plan.counts["funding_rounds"] = len(rounds)
    plan.counts["large_round_applications"] = sizes.large_round
    plan.counts["fixed_round_applications"] = FIXED_APPLICATIONS
    return rounds


# Applications ------------------------------------------------------------------------------------

def _applications(connection, chooser, sizes, ids, ref, rounds, people, plan) -> list[dict]:
    """Every application with its answers; returns the bids (applications the panel scores)."""
    from benchmarks.answers import application_sections
    from grants.form_definitions import Kind, dump, standard

    organisations = people["organisations"]
    officers = [user_id for user_id, _ in people["staff"]["grants_officer"]]
    bids: list[dict] = []
    made, sections = 0, 0
    links: dict[str, list[dict]] = defaultdict(list)
    counters: dict[int, int] = {}
    # Each round's application form: the standard form, stored as its version 1 (as the service stores
    # it when the first application starts), which every application answers.
    standard_form = dump(standard(Kind.APPLICATION))
    form_rows = [dict(id=ids.next("round_forms"), round_id=funding_round.id, kind="application", version=1,
                      definition=standard_form, created_at=funding_round.closes_at - timedelta(days=60))
                 for funding_round in rounds]
    form_of = {row["round_id"]: row["id"] for row in form_rows}
    bulk.insert(connection, "round_forms", form_rows)
    for funding_round in rounds:
        # Written a round at a time, so that the 200,000-application data set's two million sections
        # are never held at once; the successful bids are marked after every round is in.
        app_rows, section_rows = [], []
        rng = funding_round.rng or chooser
        statuses = None
        if funding_round.fixed:
            statuses = list(FIXED_NOT_BIDS) + ["under_assessment"] * FIXED_BIDS
            rng.shuffle(statuses)
        # Each organisation applies to a round at most once (while there are organisations enough).
        # Drawn from the main stream: how many draws a sample takes depends on the organisations' number.
        applicants = chooser.sample(organisations, min(funding_round.size, len(organisations)))
        applicants += chooser.choices(organisations, k=funding_round.size - len(applicants))
        for number, org in enumerate(applicants):
            area = rng.choices(AREAS, AREA_WEIGHTS)[0]
            approaches = rng.sample(APPROACHES, rng.choice((1, 2, 2, 3)))
            amount = Decimal(rng.randrange(1_000_00, 5_000_01)) / 100
            status = (statuses[number] if statuses else "under_assessment" if funding_round.kind == "large"
                      else _status(rng, funding_round.state))
            submitted = funding_round.closes_at - timedelta(days=rng.randrange(1, 40), hours=rng.randrange(9))
            app_id = ids.next("applications")
            row = dict(id=app_id, round_id=funding_round.id, form_id=form_of[funding_round.id],
                       organisation_id=org["id"], organisation_sort=org["name"].lower(), status=status,
                       project_title=f"Project {app_id:05d}: {area.replace('-', ' ').title()} {approaches[0]}",
                       amount_requested=amount, created_at=submitted - timedelta(days=10), updated_at=submitted,
                       version=1, reference=None, submitted_at=None, organisation_snapshot=None)
            if status != "draft":
                year = submitted.year
                counters[year] = counters.get(year, 0) + 1
                row.update(reference=f"CGS-{year}-{counters[year]:05d}", submitted_at=submitted,
                           organisation_snapshot=_snapshot(org))
            if status not in ("draft", "submitted"):
                row.update(screened_at=submitted + timedelta(days=5), screened_by_id=rng.choice(officers),
                           screening_reason="The organisation's income is over the round's limit."
                           if status == "ineligible" else None)
            if status == "withdrawn":
                row["withdrawn_at"] = submitted + timedelta(days=2)
            app_rows.append(row)
            start = (funding_round.closes_at + timedelta(days=60)).date()
            for key, answers in application_sections(row["project_title"], area, approaches, amount, start,
                                                     org["contact_name"]).items():
                section_rows.append(dict(application_id=app_id, key=key, answers=answers, complete=True,
                                         updated_at=submitted))
            links["application_local_authorities"].append(
                dict(application_id=app_id, local_authority_id=ref.areas[area]))
            links["application_approaches"] += [dict(application_id=app_id, approach_id=ref.approaches[a])
                                                for a in approaches]
            if status in ("under_assessment", "successful", "unsuccessful"):
                bids.append(dict(row, round=funding_round, area=area, approaches=approaches))
        for table, rows in (("applications", app_rows), ("application_sections", section_rows), *links.items()):
            bulk.insert(connection, table, rows)
        links.clear()
        if funding_round.id == plan.list_round:
            plan.application = next(r["id"] for r in app_rows if r["reference"])
        made, sections = made + len(app_rows), sections + len(section_rows)
    chosen = _choose_successful(chooser, sizes, bids)
    for start in range(0, len(chosen), bulk.CHUNK):
        connection.execute(text("UPDATE applications SET status = 'successful' WHERE id = ANY(:ids)"),
                           {"ids": chosen[start:start + bulk.CHUNK]})
    bulk.insert(connection, "reference_counters",
                [dict(series=f"CGS-{year}", value=value) for year, value in counters.items()])
    plan.counts["applications"] = made
    plan.counts["application_sections"] = sections
    return bids


def _status(chooser, state: str) -> str:
    if state == "open":
        return chooser.choices(("draft", "submitted"), (40, 60))[0]
    draw = chooser.random()
    if draw < 0.03:
        return "withdrawn"
    if draw < 0.10:
        return "ineligible"
    return "under_assessment" if state == "closed" else "unsuccessful"  # some become successful below


def _choose_successful(chooser, sizes, bids) -> list[int]:
    """Make exactly ``sizes.awards`` decided-round bids successful (they get the awards): the list
    round's first ``NOTICE_GRANTS`` bids at every scale (its decision notice is the timed one, so it
    lists the same number of grants at every scale), the rest drawn from the other decided rounds.
    Returns their ids."""
    decided = [bid for bid in bids if bid["round"].state == "decided"]
    in_list = [bid for bid in decided if bid["round"].kind == "list"][:NOTICE_GRANTS]
    others = [bid for bid in decided if bid["round"].kind != "list"]
    drawn = chooser.sample(others, max(0, min(sizes.awards - len(in_list), len(others))))
    chosen = {bid["id"] for bid in in_list + drawn}
    for bid in bids:
        if bid["id"] in chosen:
            bid["status"] = "successful"
    return sorted(chosen)


def _snapshot(org: dict) -> dict:
    keys = ("name", "legal_type", "charity_number", "company_number", "address_line_1", "town", "postcode",
            "contact_name", "contact_email")
    labels = {"registered_charity": "Registered charity", "cio": "Charitable incorporated organisation (CIO)"}
    return {**{key: org[key] for key in keys}, "annual_income": str(org["annual_income"]),
            "legal_type_label": labels.get(org["legal_type"], org["legal_type"].replace("_", " ").capitalize())}


# The panel ---------------------------------------------------------------------------------------

def _seat_panels(chooser, rounds, bench: list[int], others: list[int], per_bid: int) -> None:
    """Each scored round's panel and scorers per bid (see ``_panel``)."""
    for funding_round in rounds:
        if funding_round.state == "open":
            continue
        funding_round.scorers_per_bid = SCORERS.get(funding_round.kind, per_bid)
        if funding_round.fixed:
            funding_round.panel = list(bench)
        elif funding_round.kind == "large":
            funding_round.panel = chooser.sample(others, min(12, len(others)))
        else:
            funding_round.panel = bench + chooser.sample(others, min(4, len(others)))
        if len(funding_round.panel) < funding_round.scorers_per_bid:
            raise SystemExit(f"Too few panel members ({len(bench) + len(others)}) for round {funding_round.index + 1}")


def _panel(connection, chooser, sizes, ids, ref, rounds, bids, people, plan) -> None:
    """Each scored round's panel; every bid scored by its round's number of members, each of whom
    declared no conflict and submitted a sheet; a few other members declared a conflict.

    The bench accounts (the first 20 members) sit on every scored round but the large one: alone on
    the fixed-size rounds, with up to 4 others on the decided rounds. The large round's panel is 12
    of the other members. The decided rounds' scorers per bid make up the score sheets' total."""
    members = [user_id for user_id, _ in people["staff"]["panel_member"]]
    bench, others = members[:BENCH_ACCOUNTS], members[BENCH_ACCOUNTS:]
    officer = people["staff"]["grants_officer"][0][0]
    bids_in = defaultdict(int)
    for bid in bids:
        bids_in[bid["round"].id] += 1
    set_sheets = sum(SCORERS[r.kind] * bids_in[r.id] for r in rounds if r.kind in SCORERS)
    decided_bids = sum(bids_in[r.id] for r in rounds if r.state == "decided")
    per_bid = max(1, min(8, round((sizes.score_sheets - set_sheets) / max(1, decided_bids))))
    _seat_panels(chooser, rounds, bench, others, per_bid)
    member_rows = [dict(round_id=r.id, user_id=u, added_at=r.closes_at - timedelta(days=30), added_by_id=officer)
                   for r in rounds for u in r.panel]
    bulk.insert(connection, "panel_members", member_rows)
    assignments, declarations, sheets = [], [], []
    written = 0

    def write() -> None:
        # In batches: the 200,000-application data set has a million score sheets.
        for table, rows in (("scoring_assignments", assignments), ("conflict_declarations", declarations),
                            ("score_sheets", sheets)):
            bulk.insert(connection, table, rows)
            rows.clear()

    for bid in bids:
        if len(sheets) >= PANEL_BATCH:
            written += len(sheets)
            write()
        funding_round = bid["round"]
        rng = funding_round.rng or chooser
        scorers = rng.sample(funding_round.panel, funding_round.scorers_per_bid)
        quality = rng.random()
        for user_id in scorers:
            when = funding_round.closes_at + timedelta(days=rng.randrange(1, 15))
            assignments.append(dict(application_id=bid["id"], user_id=user_id, round_id=funding_round.id,
                                    manual=False, assigned_at=funding_round.closes_at, assigned_by_id=officer))
            declarations.append(dict(id=ids.next("conflict_declarations"), application_id=bid["id"],
                                     user_id=user_id, conflicted=False, declared_at=when))
            values = {key: max(0, min(4, round(quality * 4 + rng.gauss(0, 0.8)))) for key in ref.criteria}
            comments = {key: "Scored against the descriptor; see my notes." for key, v in values.items() if v in (0, 4)}
            sheets.append(dict(id=ids.next("score_sheets"), application_id=bid["id"], user_id=user_id,
                               round_id=funding_round.id, rubric_id=ref.rubric_id, status="submitted",
                               values=values, comments=comments, created_at=when, updated_at=when,
                               submitted_at=when, version=1))
        spare = [u for u in funding_round.panel if u not in scorers]
        if spare and rng.random() < 0.02:
            declarations.append(dict(id=ids.next("conflict_declarations"), application_id=bid["id"],
                                     user_id=rng.choice(spare), conflicted=True, declared_at=funding_round.closes_at,
                                     reason="I am a trustee of the organisation that made this application."))
    connection.execute(text("UPDATE rubrics SET frozen_at = :now WHERE id = :id"),
                       {"now": datetime.now(UTC) - timedelta(days=5 * 365), "id": ref.rubric_id})
    for funding_round in rounds:
        connection.execute(text("UPDATE funding_rounds SET scorers_per_bid = :n WHERE id = :id"),
                           {"n": funding_round.scorers_per_bid, "id": funding_round.id})
    written += len(sheets)
    write()
    # The decided rounds' seats record their members' counts, as the commissioner's decision does.
    from grants.interfaces.panel.decisions import write_member_counts

    for funding_round in rounds:
        if funding_round.state == "decided":
            write_member_counts(connection, funding_round.id)
    emails = dict(people["staff"]["panel_member"])
    plan.accounts["panel_member"] = [emails[u] for u in bench]
    plan.counts["score_sheets"] = written
    plan.counts["panel_members"] = len(members)
