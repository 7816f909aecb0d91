"""The queue's statements are built once per process and bound to each request's member and
rounds (grants.interfaces.panel.queue): two members of one panel each see their own place with
every bid, and the next request sees what changed since the last."""

from __future__ import annotations

from grants.interfaces.panel import score_sheets
from tests.helpers import page


def _states(response) -> dict[str, str]:
    return {row.th.get_text(strip=True): row.select_one(".govuk-tag").get_text(strip=True)
            for row in page(response).select("tbody tr")}


def test_two_members_of_one_panel_each_see_their_own_queue(panel, bids, seat, submit_scores, as_member):
    first, second = panel[0], panel[1]
    seat(first, bids[0], bids[1])
    seat(second, bids[2], conflicted=[bids[0]])
    submit_scores(first, bids[0], fit=3, value=2)

    first_client, second_client = as_member(first), as_member(second)
    for _ in range(2):  # and again, from the statements built by the first request
        assert _states(first_client.get("/panel")) == {
            "CGS-2026-0001": "Submitted", "CGS-2026-0002": "Not started", "CGS-2026-0003": "Not assigned"}
        assert _states(second_client.get("/panel")) == {
            "CGS-2026-0001": "Conflict of interest declared", "CGS-2026-0002": "Not assigned",
            "CGS-2026-0003": "Not started"}
    assert "1 of 2 bids submitted" in " ".join(page(first_client.get("/panel")).get_text(" ").split())
    assert "0 of 1 bid submitted" in " ".join(page(second_client.get("/panel")).get_text(" ").split())


def test_the_queue_shows_what_changed_since_the_last_request(panel, bids, seat, as_member):
    member = panel[0]
    seat(member, bids[1])
    client = as_member(member)
    assert _states(client.get("/panel"))["CGS-2026-0002"] == "Not started"

    score_sheets.save_sheet(bids[1], member, {"fit": 2}, {}, submit=False)
    assert _states(client.get("/panel"))["CGS-2026-0002"] == "Draft"
    score_sheets.save_sheet(bids[1], member, {"fit": 2, "value": 1}, {"fit": "Fine", "value": "Fine"}, submit=True)
    response = client.get("/panel")
    assert _states(response)["CGS-2026-0002"] == "Submitted"
    assert "1 of 1 bid submitted" in " ".join(page(response).get_text(" ").split())
