"""SQL injection and path traversal payloads in every query parameter the app reads, sent to every
page by every role allowed to open it, change nothing and never make the app fail."""

from __future__ import annotations

from sqlalchemy import func, select

from grants.extensions import db as _db
from grants.interfaces.awards import portfolio_totals
from grants.interfaces.screening import list_counts
from tests.figures import report
from tests.test_access import ACCESS, ACTORS, ANY, PUBLIC, ROLE_OF, _rules, _url, objects  # noqa: F401

# Every query parameter a page reads: filters, searches, sorts, paging and view switches.
PARAMETERS = ("q", "status", "local_authority", "approach", "amount_band", "legal_type", "sort", "order", "page",
              "round", "year", "role", "action", "actor", "entity_type", "entity_id", "aggregation", "scores")
PAYLOADS = (
    "' OR '1'='1", "1; DROP TABLE users; --", "1 UNION SELECT password_hash FROM users", "\" OR \"\"=\"",
    "../../../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%", "_", "\\", "9" * 40, "-1", "ＳＥＬＥＣＴ",
)


def _state():
    return {table.name: _db.session.scalar(select(func.count()).select_from(table))
            for table in _db.metadata.sorted_tables}


def test_injection_payloads_in_every_parameter_change_nothing(app, users, objects, as_role):  # noqa: F811
    clients = {actor: as_role(actor) for actor in ACTORS}  # signing in opens sessions: before the count
    portfolio_totals.settle()  # the fixture's awards are added up as its commit would (it makes them uncommitted)
    list_counts.settle()
    before = _state()
    failures, requests = [], 0
    for rule in _rules(app):
        if "GET" not in rule.methods:
            continue
        expected = ACCESS[rule.endpoint]
        actor = next((a for a in ACTORS if expected in {PUBLIC, ANY} or ROLE_OF[a] in expected), None)
        client = clients[actor] if actor else app.test_client()
        url = _url(app, rule, objects)
        for payload in PAYLOADS:
            response = client.get(url, query_string={name: payload for name in PARAMETERS})
            requests += 1
            body = response.get_data()
            if response.status_code >= 500 or b"Traceback" in body or b"root:x:0:0" in body:
                failures.append(f"{rule.endpoint} with {payload!r}: {response.status_code}")
            if b"scrypt:" in body or b"pbkdf2:" in body:  # a password hash leaked
                failures.append(f"{rule.endpoint} with {payload!r}: leaked a password hash")
    _db.session.expire_all()
    assert not failures, "\n".join(failures)
    assert _state() == before
    assert _db.session.scalar(select(func.count()).select_from(_db.metadata.tables["users"])) > 0
    report(f"injection: {len(PAYLOADS)} payloads in {len(PARAMETERS)} parameters, {requests} requests, no change")
