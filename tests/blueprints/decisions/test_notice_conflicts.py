"""The notice's conflicts of interest are read in one SQL statement however many were declared, and each
says how it was handled: a member who had started scoring the bid, or one who took no part."""

from __future__ import annotations

from grants.extensions import db as _db
from grants.interfaces.decisions import notices
from grants.models.panel import ConflictDeclaration
from tests.helpers import counting_statements


def _drafted(funding_round) -> tuple[str, list[str]]:
    _db.session.flush()
    with counting_statements() as statements:
        text = notices._conflicts(funding_round)
    return text, statements


def test_conflicts_are_read_in_one_statement_however_many_there_are(decided):
    funding_round, bids, (member_a, member_b) = decided.funding_round, decided.bids, decided.members
    one, statements_for_one = _drafted(funding_round)
    assert one.count("A panel member declared a conflict of interest") == 1
    # Member A had scored bids 1 and 2 before declaring; member B declares on bid 2 too, without scoring.
    _db.session.add_all([
        ConflictDeclaration(application_id=bids[0].id, user_id=member_a.id, conflicted=True, reason="A trustee"),
        ConflictDeclaration(application_id=bids[1].id, user_id=member_a.id, conflicted=True, reason=""),
        ConflictDeclaration(application_id=bids[1].id, user_id=member_b.id, conflicted=True, reason="My employer"),
        ConflictDeclaration(application_id=bids[0].id, user_id=member_b.id, conflicted=False),  # no conflict
    ])
    _db.session.flush()
    four, statements_for_four = _drafted(funding_round)
    assert len(statements_for_one) == len(statements_for_four)
    assert [statement for statement in statements_for_four if "score_sheets" in statement] == [
        statement for statement in statements_for_four if "conflict_declarations" in statement]
    assert len([statement for statement in statements_for_four if "score_sheets" in statement]) == 1
    assert four.splitlines()[1:] == [
        "- A panel member declared a conflict of interest in CGS-2026-0001 (Community Safety Fund 2026 bidder 1): "
        "A trustee. The member had already started scoring this bid; the declaration is recorded with the scores.",
        "- A panel member declared a conflict of interest in CGS-2026-0002 (Community Safety Fund 2026 bidder 2). "
        "The member had already started scoring this bid; the declaration is recorded with the scores.",
        "- A panel member declared a conflict of interest in CGS-2026-0002 (Community Safety Fund 2026 bidder 2): "
        "My employer. The member could not open this bid and took no part in scoring it.",
        "- A panel member declared a conflict of interest in CGS-2026-0003 (Community Safety Fund 2026 bidder 3): "
        "My sister runs it. The member could not open this bid and took no part in scoring it.",
    ]
