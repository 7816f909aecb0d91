"""The records of the pages added since the benchmark was first written (issue 24): the panel's
scoring deadline with late members, message threads, payment runs with the payees' bank details,
and (through the app's own service, in benchmarks.generate_finance) the decision notices.

Fixed-size where a page shows one record, so that page is the same at every scale:

- the *recommendation* round's scoring deadline has passed with ``LATE_BIDS`` bids left unscored by
  the last ``len(LATE_BIDS)`` bench panel members (assigned, no sheet), each reminded twice, so its
  round page shows "Score sheets in" and the Late table;
- the timed thread (on the plan's application) holds ``TIMED_MESSAGES`` messages;
- ``PAYMENT_RUNS`` paid runs of ``RUN_PAYMENTS`` instalments each, the earliest paid instalment of
  each of the first organisations paid.

Scaled where the data is bulk: one application in ``THREAD_EVERY`` with a reference has a thread of
``THREAD_MESSAGES`` messages (1,000 threads at scale 1; at least ``THREADS_LEAST`` at any scale, so the
list's first page is full), each with its kept row (``message_threads``), so the staff Messages list
pages through 100 times more threads at the full size.

Bulk Core inserts, as generate.py; nothing here holds more than one scale's threads in memory.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, date, datetime, timedelta

from cryptography.fernet import Fernet
from sqlalchemy import text

from benchmarks import bulk
from grants.extensions import db

LATE_BIDS = (1, 2, 4)  # bids left unscored by each late member (the last three bench members)
DEADLINE_AFTER_CLOSING = timedelta(days=21)
THREAD_EVERY = 20
THREADS_LEAST = 25  # a full first page of the Messages list (THREADS_PER_PAGE) at every scale
THREAD_MESSAGES = 3
TIMED_MESSAGES = 12
PAYMENT_RUNS = 2
RUN_PAYMENTS = 10  # each to a different organisation (the small data set's awards go to 26 of them)

APPLICANT_LINES = (
    "Could we move some of the venue budget to volunteers' travel? The hall has lowered its rate.",
    "Thank you. The attendance sheet for the summer sessions is attached to our return.",
    "Our project lead is on leave for two weeks; please write to me in the meantime.",
)
OFFICER_LINES = (
    "Thank you for your return, which we have accepted. Could you tell us how many people came back?",
    "Yes, a change of up to 10% between budget lines needs no variation. Please note it in your next return.",
    "Thank you for letting us know. Your next instalment is due once your return is in.",
)


def bank_details_key(seed: int) -> str:
    """The Fernet key the benchmark's bank details are sealed with (``BANK_DETAILS_KEYS`` of the served
    app): derived from the seed, so a reused data set is read with the key it was written with.
    Made-up accounts of made-up organisations: it guards nothing."""
    return base64.urlsafe_b64encode(hashlib.sha256(f"{seed}:bench-bank-details".encode()).digest()).decode()


def pages_data(connection, ids, rounds, people, plan, seed: int) -> None:
    """Every record above; the caller's transaction commits."""
    officer = people["staff"]["grants_officer"][0][0]
    _deadline(connection, ids, next(r for r in rounds if r.kind == "recommendation"), officer, plan)
    _threads(connection, ids, officer, plan)
    _payment_runs(connection, ids, [user_id for user_id, _ in people["staff"]["finance_officer"]], plan, seed)


def _deadline(connection, ids, funding_round, officer: int, plan) -> None:
    """The recommendation round's past scoring deadline, its late members and their reminders."""
    from grants.interfaces.panel.deadlines import BEFORE, ON

    deadline = funding_round.closes_at + DEADLINE_AFTER_CLOSING
    connection.execute(text("UPDATE funding_rounds SET scoring_deadline = :d WHERE id = :id"),
                       {"d": deadline, "id": funding_round.id})
    assigned = set(connection.execute(text("SELECT application_id, user_id FROM scoring_assignments "
                                           "WHERE round_id = :r"), {"r": funding_round.id}).all())
    bids = list(connection.scalars(text("SELECT id FROM applications WHERE round_id = :r "
                                        "AND status = 'under_assessment' ORDER BY id"), {"r": funding_round.id}))
    late = funding_round.panel[-len(LATE_BIDS):]
    assignments, reminders = [], []
    for member, count in zip(late, LATE_BIDS, strict=True):
        chosen = [bid for bid in bids if (bid, member) not in assigned][:count]
        assignments += [dict(application_id=bid, user_id=member, round_id=funding_round.id, manual=True,
                             assigned_at=funding_round.closes_at + timedelta(days=1), assigned_by_id=officer)
                        for bid in chosen]
        reminders += [dict(id=ids.next("panel_reminders"), round_id=funding_round.id, user_id=member, kind=kind,
                           deadline=deadline, unscored=len(chosen), sent_at=deadline - timedelta(hours=hours))
                      for kind, hours in ((BEFORE, 42), (ON, 18))]
    bulk.insert(connection, "scoring_assignments", assignments)
    bulk.insert(connection, "panel_reminders", reminders)
    plan.counts["late_panel_members"] = len(late)


def _threads(connection, ids, officer: int, plan) -> None:
    """One application in ``THREAD_EVERY`` with a reference gets a short thread with its applicant;
    the plan's application gets the timed thread, written last (so it leads the Messages list)."""
    rows = connection.execute(text(
        "SELECT a.id, a.submitted_at, u.id FROM applications a JOIN users u ON u.organisation_id = a.organisation_id "
        "WHERE a.reference IS NOT NULL AND a.id <> :timed AND (a.id % :every = 0 OR a.id IN "
        "(SELECT id FROM applications WHERE reference IS NOT NULL ORDER BY id LIMIT :least)) ORDER BY a.id"),
        {"every": THREAD_EVERY, "timed": plan.application, "least": THREADS_LEAST}).all()
    messages = []
    for application_id, submitted_at, applicant in rows:
        for number in range(THREAD_MESSAGES):
            staff = number % 2 == 1
            lines = OFFICER_LINES if staff else APPLICANT_LINES
            messages.append(dict(id=ids.next("thread_messages"), application_id=application_id,
                                 author_id=officer if staff else applicant, from_staff=staff,
                                 body=lines[(application_id + number) % len(lines)],
                                 sent_at=submitted_at + timedelta(days=3 + 4 * number)))
    applicant = connection.scalar(text("SELECT u.id FROM applications a JOIN users u "
                                       "ON u.organisation_id = a.organisation_id WHERE a.id = :a"),
                                  {"a": plan.application})
    now = datetime.now(UTC)
    for number in range(TIMED_MESSAGES):
        staff = number % 2 == 1
        lines = OFFICER_LINES if staff else APPLICANT_LINES
        messages.append(dict(id=ids.next("thread_messages"), application_id=plan.application,
                             author_id=officer if staff else applicant, from_staff=staff,
                             body=lines[number % len(lines)] + f" (message {number + 1})",
                             sent_at=now - timedelta(days=2 * (TIMED_MESSAGES - number), hours=3)))
    bulk.insert(connection, "thread_messages", messages)
    # Each thread's kept row, as posting a message keeps it: the Messages list reads these rows.
    from grants.interfaces.messages.threads import threads_from_scratch

    kept = db.metadata.tables["message_threads"]
    connection.execute(kept.insert().from_select(
        ["application_id", "last_message_id", "messages", "last_from_organisation_id"], threads_from_scratch()))
    plan.counts["message_threads"] = len(rows) + 1
    plan.counts["thread_messages"] = len(messages)


def _payment_runs(connection, ids, finance: list[int], plan, seed: int) -> None:
    """``PAYMENT_RUNS`` paid runs of ``RUN_PAYMENTS`` earliest paid instalments (one per organisation),
    and the verified bank details of the organisations they paid (sealed with ``bank_details_key``)."""
    # One payment per organisation (so per award), so that a run's page reads the same number of awards
    # and organisations at every scale.
    paid = connection.execute(text(
        "SELECT id, organisation_id, name, paid_on FROM (SELECT DISTINCT ON (a.organisation_id) i.id, "
        "a.organisation_id, o.name, i.paid_on FROM instalments i JOIN awards a ON a.id = i.award_id "
        "JOIN organisations o ON o.id = a.organisation_id WHERE i.status = 'paid' ORDER BY a.organisation_id, i.id) "
        "AS first_paid ORDER BY id LIMIT :n"), {"n": PAYMENT_RUNS * RUN_PAYMENTS}).all()
    sealer = Fernet(bank_details_key(seed).encode())

    def sealed(value: str) -> str:
        return sealer.encrypt(value.encode()).decode()

    details = []
    for _instalment, organisation_id, name, paid_on in paid:
        entered = _day(paid_on - timedelta(days=60))
        details.append(dict(id=ids.next("bank_details"), organisation_id=organisation_id,
                            account_name=sealed(name[:60]), sort_code=sealed(f"60{organisation_id % 10_000:04d}"),
                            account_number=sealed(f"{organisation_id * 7919 % 100_000_000:08d}"), roll_number=None,
                            status="verified", entered_at=entered, decided_at=entered + timedelta(days=1),
                            decided_by_id=finance[0], callback_contact="The organisation's treasurer",
                            callback_phone="01752 000000", callback_note="Confirmed by call-back.", version=1))
    bulk.insert(connection, "bank_details", details)
    runs, members = [], {}
    for number in range(PAYMENT_RUNS):
        chosen = paid[number * RUN_PAYMENTS:(number + 1) * RUN_PAYMENTS]
        if not chosen:
            break
        paid_on = max(row[3] for row in chosen)
        run_id = ids.next("payment_runs")
        runs.append(dict(id=run_id, reference=f"RUN-{paid_on.year}-{number + 1:04d}", status="paid",
                         created_at=_day(paid_on - timedelta(days=3)), created_by_id=finance[0], paid_on=paid_on,
                         closed_at=_day(paid_on), closed_by_id=finance[1 % len(finance)], version=1))
        members[run_id] = [row[0] for row in chosen]
    bulk.insert(connection, "payment_runs", runs)
    for run in runs:  # each payment carries its run's reference, as marking a run paid records it
        connection.execute(text("UPDATE instalments SET payment_run_id = :run, payment_reference = :ref "
                                "WHERE id = ANY(:ids)"), {"run": run["id"], "ref": run["reference"],
                                                          "ids": members[run["id"]]})
    plan.payment_run = runs[-1]["id"] if runs else 0
    plan.counts["payment_runs"] = len(runs)
    plan.counts["bank_details"] = len(details)


def _day(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
