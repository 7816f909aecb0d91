"""The grants officer's panel pages: rounds, membership and settings, assignment, results, one
bid's scores and moderation. Commissioners and administrators see them without the forms."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from grants.extensions import db as _db
from grants.interfaces.panel import assignment as iface
from grants.interfaces.panel import results as panel_results
from grants.models.applications import ApplicationStatus
from grants.models.audit import AuditEvent
from grants.models.panel import ModeratedScore, PanelMember, ScoringAssignment
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, FundingRoundFactory, OrganisationFactory
from tests.helpers import counting_statements, error_messages, page, post

VIEWERS = ["grants_officer", "commissioner", "admin"]


@pytest.fixture
def officer(as_role):
    return as_role("grants_officer")


def _text(response) -> str:
    return " ".join(page(response).select_one("main").get_text(" ").split())


def _banner(response) -> str:
    banner = page(response).select_one(".govuk-notification-banner")
    return " ".join(banner.get_text(" ").split()) if banner else ""


def _pages(funding_round, bid) -> list[str]:
    base = f"/panel/rounds/{funding_round.id}"
    return ["/panel/rounds", base, f"{base}/assignments", f"{base}/results", f"{base}/bids/{bid.id}"]


@pytest.fixture
def scored(panel_round, bids, panel, seat, submit_scores):
    """Members A and B score every bid; A marks generously, B harshly. Member C sits on the panel
    with a conflict for the first bid.

    Raw totals (fit and value 50% each): bid 1 A 4.00 B 3.00 (mean 3.50, totals a point apart:
    flagged); bid 2 A 2.50 B 1.00 (mean 1.75, fit 3 against 1: flagged); bid 3 both 3.00 (3.00).
    """
    a, b, c = panel
    seat(a, *bids)
    seat(b, *bids)
    seat(c, *bids[1:], conflicted=[bids[0]])
    for member, marks in ((a, ((4, 4), (3, 2), (3, 3))), (b, ((3, 3), (1, 1), (3, 3)))):
        for application, (fit, value) in zip(bids, marks, strict=True):
            submit_scores(member, application, fit=fit, value=value)
    return panel


# Who sees what ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role", VIEWERS)
def test_every_page_renders_for_panel_viewers(as_role, role, panel_round, bids, scored):
    client = as_role(role)
    for url in _pages(panel_round, bids[0]):
        response = client.get(url)
        assert response.status_code == 200, url
        forms = page(response).select("main form[method=post]")
        if role != "grants_officer":
            assert forms == [], f"{role} sees a form on {url}"


def test_officers_get_the_forms(officer, panel_round, bids, scored):
    base = f"/panel/rounds/{panel_round.id}"
    actions = {
        form["action"]
        for url in _pages(panel_round, bids[0])
        for form in page(officer.get(url)).select("main form[method=post]")
    }
    assert {f"{base}/settings", f"{base}/members/{scored[2].id}/remove", f"{base}/assignments/run",
            f"{base}/bids/{bids[0].id}/moderate"} <= actions
    choose = page(officer.get(f"{base}/members/choose")).select("main form[method=post]")
    assert [form["action"] for form in choose] == [f"{base}/members/choose"]
    assert f"{base}/bids/{bids[1].id}/assign" not in actions  # C is assigned to bid 2 already
    assert f"{base}/bids/{bids[0].id}/unassign" not in actions  # A and B have submitted


def test_other_roles_are_refused(as_role, panel_round, bids):
    for role in ("applicant", "panel_member", "finance_officer"):
        assert as_role(role).get(f"/panel/rounds/{panel_round.id}").status_code == 403


def test_rounds_without_a_rubric_or_unpublished_are_not_found(officer):
    for funding_round in (FundingRoundFactory(rubric=None), FundingRoundFactory(published_at=None)):
        assert officer.get(f"/panel/rounds/{funding_round.id}").status_code == 404
        assert officer.get(f"/panel/rounds/{funding_round.id}/results").status_code == 404


def test_another_rounds_bid_is_not_found(officer, panel_round, bids, panel, seat):
    seat(panel[0])
    other = ApplicationFactory(status=bids[0].status, reference="CGS-2026-9999", submitted_at=utcnow())
    base = f"/panel/rounds/{panel_round.id}/bids/{other.id}"
    assert officer.get(base).status_code == 404
    assert post(officer, f"{base}/moderate", {"score": "2", "reason": "Agreed"}).status_code == 404
    assert post(officer, f"{base}/assign", {"user_id": panel[0].id}).status_code == 404
    assert post(officer, f"{base}/unassign", {"user_id": panel[0].id}).status_code == 404
    assert _db.session.scalar(select(func.count()).select_from(ScoringAssignment)) == 0


@pytest.fixture
def count_queries(db):
    """``with count_queries() as statements:`` lists the SQL statements run inside the block."""
    return counting_statements


def test_pages_take_the_same_number_of_queries_for_3_or_9_bids(officer, panel_round, bids, scored, seat,
                                                                submit_scores, count_queries):
    def counts():
        found = []
        for url in _pages(panel_round, bids[0]):
            with count_queries() as statements:
                assert officer.get(url).status_code == 200
            found.append(len(statements))
        return found

    few = counts()
    for number in range(4, 10):
        application = ApplicationFactory(
            funding_round=panel_round, status=bids[0].status, reference=f"CGS-2026-{number:04d}",
            amount_requested=Decimal("1000.00"), submitted_at=utcnow(),
        )
        seat(scored[0], application)
        seat(scored[2], conflicted=[application])
        submit_scores(scored[0], application, fit=2, value=2)
    assert counts() == few


# The list of rounds ----------------------------------------------------------------------------

def test_the_rounds_list_shows_counts(officer, panel_round, bids, scored):
    FundingRoundFactory(name="Draft round", published_at=None)
    response = officer.get("/panel/rounds")
    [row] = [row for row in page(response).select("tbody tr") if "Community Safety Fund 2026" in row.get_text()]
    cells = [" ".join(cell.get_text(" ").split()) for cell in row.select("td")]
    assert cells[0] == "Closed"
    assert cells[1:4] == ["3", "3", "6 of 8 assigned"]
    assert "Draft round" not in _text(response)


# Settings --------------------------------------------------------------------------------------

def test_an_officer_changes_the_panel_settings(officer, as_role, panel_round, bids):
    response = post(officer, f"/panel/rounds/{panel_round.id}/settings",
                    {"scorers_per_bid": "2", "aggregation": "median", "normalise": "yes"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/panel/rounds/{panel_round.id}#settings")
    assert (panel_round.scorers_per_bid, panel_round.score_aggregation, panel_round.normalise_scores) == (
        2, "median", True)
    assert _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "panel.settings_changed")) is not None
    form = page(officer.get(f"/panel/rounds/{panel_round.id}")).select_one("#settings ~ form")
    assert form.select_one("#scorers_per_bid")["value"] == "2"
    assert form.select_one("input[name=aggregation][checked]")["value"] == "median"
    assert form.select_one("input[name=normalise][checked]")["value"] == "yes"
    text = _text(as_role("commissioner").get(f"/panel/rounds/{panel_round.id}"))
    assert "Median of the members’ totals" in text and "Yes: members who mark harder" in text


@pytest.mark.parametrize("data, message", [
    ({"scorers_per_bid": "0"}, "Scorers per bid must be between 1 and 20"),
    ({"scorers_per_bid": "21"}, "Scorers per bid must be between 1 and 20"),
    ({"scorers_per_bid": ""}, "Enter how many panel members score each bid"),
    ({"scorers_per_bid": "  "}, "Enter how many panel members score each bid"),
    ({"scorers_per_bid": "two"}, "Scorers per bid must be a whole number, like 3"),
    ({"scorers_per_bid": "-3"}, "Scorers per bid must be a whole number, like 3"),
    ({"aggregation": "mode"}, "Select how members’ totals are combined"),
    ({"aggregation": ""}, "Select how members’ totals are combined"),
    ({"normalise": "maybe"}, "Select whether members’ totals are normalised"),
])
def test_settings_are_checked(officer, panel_round, data, message):
    form = {"scorers_per_bid": "3", "aggregation": "mean", "normalise": "no", **data}
    response = post(officer, f"/panel/rounds/{panel_round.id}/settings", form)
    assert response.status_code == 200
    assert error_messages(response) == [message.replace("’", "'")]
    assert (panel_round.scorers_per_bid, panel_round.score_aggregation) == (3, "mean")


# Membership ------------------------------------------------------------------------------------

def _choices(response) -> dict[str, tuple[bool, str]]:
    """The "Choose panel members" checkboxes: name -> (ticked, hint)."""
    found = {}
    for item in page(response).select("main .govuk-checkboxes__item"):
        box = item.select_one("input[type=checkbox]")
        hint = item.select_one(".govuk-hint")
        found[item.select_one("label").get_text(strip=True)] = (
            box.has_attr("checked"), " ".join(hint.get_text(" ").split()) if hint else "")
    return found


def _seated(panel_round) -> set[int]:
    return set(_db.session.scalars(select(PanelMember.user_id).where(PanelMember.round_id == panel_round.id)))


def test_the_round_page_leads_to_choosing_the_panel(officer, panel_round, panel):
    response = officer.get(f"/panel/rounds/{panel_round.id}")
    choose = page(response).select_one("#choose-members")
    assert choose.get_text(strip=True) == "Choose panel members"
    assert choose["href"] == f"/panel/rounds/{panel_round.id}/members/choose"
    assert "Only the people on this panel are given bids to score." in _text(response)
    assert "Everyone with the panel member role is on this panel" not in _text(response)


def test_an_officer_chooses_the_panel_with_checkboxes(officer, panel_round, bids, panel, seat, users):
    a, b, c = panel
    seat(b, bids[0])  # on the panel with a bid and no scores submitted
    url = f"/panel/rounds/{panel_round.id}/members/choose"
    response = officer.get(url)
    assert response.status_code == 200
    assert page(response).select_one("h1").get_text(strip=True) == "Panel members"
    choices = _choices(response)
    assert choices["Panel Member A"] == (False, "member.a@example.org")
    assert choices["Panel Member B"] == (True, "member.b@example.org. Assigned 1 bid")
    hints = " ".join(hint for _, hint in choices.values())
    assert "panel.member@example.org" in hints and "applicant.a@example.org" not in hints  # the role decides

    response = post(officer, url, {"members": [str(a.id), str(c.id)]})
    assert response.status_code == 302 and response.headers["Location"].endswith("#members")
    assert _seated(panel_round) == {a.id, c.id}
    assert _db.session.get(ScoringAssignment, (bids[0].id, b.id)) is None  # off the panel, off the bid
    banner = _banner(officer.get(f"/panel/rounds/{panel_round.id}"))
    assert "Panel members saved: Panel Member A added, Panel Member C added, Panel Member B removed" in banner
    events = {event.action: event.summary for event in _db.session.scalars(select(AuditEvent))}
    assert "panel.member_added" in events and "panel.member_removed" in events
    assert _choices(officer.get(url))["Panel Member C"][0] is True


def test_a_member_with_submitted_scores_stays_on_the_panel(officer, panel_round, bids, scored):
    a, b, c = scored
    url = f"/panel/rounds/{panel_round.id}/members/choose"
    choices = _choices(officer.get(url))
    assert choices["Panel Member A"] == (True, "member.a@example.org. Has submitted scores for 3 bids, "
                                               "so stays on the panel")
    response = post(officer, url, {"members": [str(c.id)]})
    assert response.status_code == 200
    assert error_messages(response) == [
        "Panel Member A and Panel Member B have submitted scores in this round, so they stay on the panel: "
        "their scores are part of the record"]
    assert _seated(panel_round) == {a.id, b.id, c.id}  # nothing changed, C included


@pytest.mark.parametrize("who", ["applicant", "nobody", "text"])
def test_choosing_someone_not_offered_is_refused(officer, panel_round, panel, users, who):
    value = {"applicant": str(users["applicant"].id), "nobody": "999999", "text": "A"}[who]
    response = post(officer, f"/panel/rounds/{panel_round.id}/members/choose",
                    {"members": [str(panel[0].id), value]})
    assert response.status_code == 200
    assert error_messages(response) == ["Select from the panel members shown"]
    assert _seated(panel_round) == set()


def test_a_decided_rounds_panel_cannot_be_chosen(officer, panel_round, panel, seat):
    seat(panel[0])
    panel_round.decided_at = utcnow()
    _db.session.flush()
    url = f"/panel/rounds/{panel_round.id}/members/choose"
    response = officer.get(url)
    assert "The round has been decided: its panel can no longer change" in _text(response)
    assert page(response).select("main form[method=post]") == []
    response = post(officer, url, {"members": [str(panel[1].id)]}, follow_redirects=True)
    assert "The round has been decided: its panel can no longer change" in _banner(response)
    assert _seated(panel_round) == {panel[0].id}


@pytest.mark.parametrize("role", ["commissioner", "admin", "panel_member"])
def test_only_officers_choose_the_panel(as_role, panel_round, role):
    assert as_role(role).get(f"/panel/rounds/{panel_round.id}/members/choose").status_code == 403


def test_an_officer_adds_a_panel_member(officer, panel_round, panel):
    response = post(officer, f"/panel/rounds/{panel_round.id}/members", {"user_id": panel[0].id})
    assert response.status_code == 302
    assert _db.session.get(PanelMember, (panel_round.id, panel[0].id)) is not None
    response = officer.get(f"/panel/rounds/{panel_round.id}")
    assert "Panel Member A added to the panel" in _banner(response)
    members = [row.select_one("th").get_text(" ") for row in page(response).select("#members + div tbody tr")]
    assert len(members) == 1 and "Panel Member A" in members[0]


@pytest.mark.parametrize("who, message", [
    ("applicant", "Test User"),  # the name varies; the reason does not
    ("nobody", "Select a panel member to add"),
    ("blank", "Select a panel member to add"),
    ("seated", "Panel Member A is already on the panel for this round"),
])
def test_adding_someone_who_cannot_join_is_refused(officer, panel_round, panel, seat, users, who, message):
    seat(panel[0])
    user_id = {"applicant": users["applicant"].id, "nobody": 999999, "blank": "", "seated": panel[0].id}[who]
    response = post(officer, f"/panel/rounds/{panel_round.id}/members", {"user_id": user_id})
    assert response.status_code == 200
    [error] = error_messages(response)
    assert error.startswith(message) if who != "applicant" else error.endswith(
        "is not an active panel member: an administrator can give them the role")
    assert _choices(response)["Panel Member A"][0] is True  # shown on the page that chooses the panel
    assert _db.session.scalar(select(func.count()).select_from(PanelMember)) == 1


def test_an_officer_removes_a_member_who_has_not_submitted(officer, panel_round, bids, panel, seat):
    seat(panel[0], bids[0])
    response = post(officer, f"/panel/rounds/{panel_round.id}/members/{panel[0].id}/remove")
    assert response.status_code == 302
    assert _db.session.get(PanelMember, (panel_round.id, panel[0].id)) is None
    assert _db.session.get(ScoringAssignment, (bids[0].id, panel[0].id)) is None


def test_a_member_with_submitted_scores_cannot_be_removed(officer, panel_round, bids, scored):
    response = post(officer, f"/panel/rounds/{panel_round.id}/members/{scored[0].id}/remove", follow_redirects=True)
    assert "Panel Member A has submitted scores in this round, so they stay on the panel" in _banner(response)
    assert _db.session.get(PanelMember, (panel_round.id, scored[0].id)) is not None
    # The page offers no button for them.
    buttons = [button.get_text(" ") for button in page(response).select("#members + div button")]
    assert not [text for text in buttons if "Panel Member A" in text]
    assert any("Remove Panel Member C from the panel" in " ".join(text.split()) for text in buttons)


# Assignment ------------------------------------------------------------------------------------

def test_automatic_assignment_respects_conflicts_and_fills_each_bid(officer, panel_round, bids, panel, seat):
    panel_round.scorers_per_bid = 2
    seat(panel[0], conflicted=[bids[0]])
    seat(panel[1])
    seat(panel[2])
    response = post(officer, f"/panel/rounds/{panel_round.id}/assignments/run")
    assert response.status_code == 302
    scorers = {application.id: set() for application in bids}
    for row in _db.session.scalars(select(ScoringAssignment)):
        scorers[row.application_id].add(row.user_id)
    assert scorers[bids[0].id] == {panel[1].id, panel[2].id}
    assert all(len(members) == 2 for members in scorers.values())
    response = officer.get(f"/panel/rounds/{panel_round.id}/assignments")
    assert "every bid has 2 scorers" in _banner(response)
    assert page(response).select_one("#short") is None


def test_shortfalls_are_explained(officer, panel_round, bids, panel, seat):
    seat(panel[0], conflicted=[bids[0]])
    seat(panel[1])
    response = post(officer, f"/panel/rounds/{panel_round.id}/assignments/run", follow_redirects=True)
    assert "3 bids could not get 3 scorers" in _banner(response)
    short = [" ".join(li.get_text(" ").split()) for li in page(response).select("#short + ul li")]
    assert short[0] == ("CGS-2026-0001 has 1 of 3 scorers. 1 panel member is free of conflicts for it. "
                        "Choose more panel members for the round, or lower the number of members who score each bid.")
    assert short[1].startswith("CGS-2026-0002 has 2 of 3 scorers. 2 panel members are free of conflicts")


def test_assignment_needs_members(officer, panel_round, bids):
    response = post(officer, f"/panel/rounds/{panel_round.id}/assignments/run", follow_redirects=True)
    assert "Choose the round's panel members before assigning bids" in _banner(response)


def test_an_officer_assigns_and_unassigns_by_hand(officer, panel_round, bids, panel, seat):
    seat(panel[0])
    base = f"/panel/rounds/{panel_round.id}/bids/{bids[1].id}"
    response = post(officer, f"{base}/assign", {"user_id": panel[0].id})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#bid-{bids[1].id}")
    row = _db.session.get(ScoringAssignment, (bids[1].id, panel[0].id))
    assert row is not None and row.manual
    grid = officer.get(f"/panel/rounds/{panel_round.id}/assignments")
    cell = page(grid).select_one(f"#bid-{bids[1].id} td:nth-of-type(2)")
    assert "Assigned" in cell.get_text() and "by hand" in cell.get_text()
    assert " ".join(cell.select_one("button").get_text(" ").split()) == (
        "Unassign Panel Member A from CGS-2026-0002")

    response = post(officer, f"{base}/unassign", {"user_id": panel[0].id})
    assert response.status_code == 302
    assert _db.session.get(ScoringAssignment, (bids[1].id, panel[0].id)) is None


def test_a_conflicted_member_cannot_be_assigned(officer, as_role, panel_round, bids, panel, seat):
    seat(panel[0], conflicted=[bids[0]])
    response = post(officer, f"/panel/rounds/{panel_round.id}/bids/{bids[0].id}/assign",
                    {"user_id": panel[0].id}, follow_redirects=True)
    assert "Panel Member A has declared a conflict of interest for CGS-2026-0001" in _banner(response)
    assert _db.session.get(ScoringAssignment, (bids[0].id, panel[0].id)) is None
    cell = page(response).select_one(f"#bid-{bids[0].id} td:nth-of-type(2)")
    assert "Conflict of interest" in cell.get_text() and "My sister runs it" in cell.get_text()
    assert cell.select("button") == []
    # The commissioner sees that there is a conflict, not what it is.
    cell = page(as_role("commissioner").get(f"/panel/rounds/{panel_round.id}/assignments")).select_one(
        f"#bid-{bids[0].id} td:nth-of-type(2)")
    assert "Conflict of interest" in cell.get_text() and "My sister" not in cell.get_text()


@pytest.mark.parametrize("user_id", ["", "abc", "999999"])
def test_assigning_without_a_member_is_refused(officer, panel_round, bids, user_id):
    response = post(officer, f"/panel/rounds/{panel_round.id}/bids/{bids[0].id}/assign", {"user_id": user_id},
                    follow_redirects=True)
    assert "Select a panel member" in _banner(response)


def test_a_member_who_has_submitted_cannot_be_unassigned(officer, panel_round, bids, scored):
    response = post(officer, f"/panel/rounds/{panel_round.id}/bids/{bids[0].id}/unassign",
                    {"user_id": scored[0].id}, follow_redirects=True)
    assert "Panel Member A has submitted scores for CGS-2026-0001, so they stay assigned" in _banner(response)


def test_nothing_changes_once_the_round_is_decided(officer, panel_round, bids, scored):
    panel_round.decided_at = utcnow()
    _db.session.flush()
    for url in _pages(panel_round, bids[0])[1:]:
        assert page(officer.get(url)).select("main form[method=post]") == [], url
    response = post(officer, f"/panel/rounds/{panel_round.id}/settings",
                    {"scorers_per_bid": "2", "aggregation": "mean", "normalise": "no"}, follow_redirects=True)
    assert "panel settings can no longer change" in _banner(response)
    assert panel_round.scorers_per_bid == 3
    response = post(officer, f"/panel/rounds/{panel_round.id}/assignments/run", follow_redirects=True)
    assert "assignments can no longer change" in _banner(response)
    response = post(officer, f"/panel/rounds/{panel_round.id}/members/{scored[2].id}/remove", follow_redirects=True)
    assert "its panel can no longer change" in _banner(response)
    assert _db.session.get(PanelMember, (panel_round.id, scored[2].id)) is not None


# Results ---------------------------------------------------------------------------------------

def _ranking(response) -> list[dict[str, str]]:
    table = page(response).select_one("#ranking + div table")
    headings = [" ".join(th.get_text(" ").split()) for th in table.select("thead th")]
    return [
        dict(zip(headings, [" ".join(cell.get_text(" ").split()) for cell in row.select("td, th")], strict=True))
        for row in table.select("tbody tr")
    ]


def test_results_rank_the_bids_with_raw_scores_and_flags(as_role, panel_round, bids, scored):
    response = as_role("commissioner").get(f"/panel/rounds/{panel_round.id}/results")
    rows = _ranking(response)
    assert [(row["Rank"], row["Bid"], row["Panel score (raw)"], row["Final score"]) for row in rows] == [
        ("1", "CGS-2026-0001", "3.50", "3.50"),
        ("2", "CGS-2026-0003", "3.00", "3.00"),
        ("3", "CGS-2026-0002", "1.75", "1.75"),
    ]
    assert "Panel score (normalised)" not in rows[0]
    assert rows[0]["Organisation"] == "Bidder 1" and rows[0]["Amount"] == "£4,000.00"
    assert rows[0]["Flags"] == "Flagged for moderation Total: range 1.00 points (flagged at 1)"
    assert rows[2]["Flags"].startswith("Flagged for moderation Strategic fit: range 2 points (flagged at 2)")
    assert rows[1]["Flags"] == ""
    assert [row["Why it ranks here"] for row in rows] == [
        "Highest final score", "Lower final score", "Lower final score"]
    explained = page(response).select_one("#ranking ~ .govuk-details")
    assert " ".join(explained.select_one(".govuk-details__summary").get_text(" ").split()) == (
        "What “Why it ranks here” means")
    assert ("When bids have the same final score, the one with the higher panel score on strategic fit goes first, "
            "then the one asking for less money, then the earlier reference.") in " ".join(explained.get_text().split())
    # References stay on one line, however narrow the column.
    assert all("opcc-nowrap" in th["class"] for th in page(response).select("#ranking + div tbody th"))
    text = _text(response)
    assert "Krippendorff’s alpha (interval) on the totals" in text
    assert "ICC(2,k) on the totals" in text
    assert "These results use members’ totals as scored" in text


def test_results_show_normalised_scores_beside_raw_ones(officer, panel_round, bids, scored):
    response = officer.get(f"/panel/rounds/{panel_round.id}/results?aggregation=mean&scores=normalised")
    expected = panel_results.round_results(panel_round, normalise=True)
    rows = _ranking(response)
    by_reference = {row["Bid"]: row for row in rows}
    for result in expected.bids:
        row = by_reference[result.application.reference]
        assert row["Panel score (normalised)"] == str(result.panel.score)
        assert row["Final score"] == str(result.panel.score)
    assert by_reference["CGS-2026-0002"]["Panel score (raw)"] == "1.75"
    assert by_reference["CGS-2026-0002"]["Panel score (normalised)"] != "1.75"
    text = _text(response)
    assert "rescaled to the whole panel’s mean of 2.75" in text
    # The bid page shows each member's raw and normalised totals.
    bid_page = officer.get(f"/panel/rounds/{panel_round.id}/bids/{bids[1].id}?aggregation=mean&scores=normalised")
    totals = {
        " ".join(row.select_one("th").get_text(" ").split()): [cell.get_text(strip=True) for cell in row.select("td")]
        for row in page(bid_page).select("#scores + div tbody tr")
    }
    assert totals["Total (as scored)"] == ["2.50", "1.00"]
    assert totals["Total (normalised)"] == [
        str(expected.bid(bids[1].id).normalised[user.id]) for user in scored[:2]
    ]


def test_results_default_to_the_round_settings_and_fall_back_on_unknown_values(officer, panel_round, bids, scored):
    panel_round.score_aggregation, panel_round.normalise_scores = "median", True
    _db.session.flush()
    response = officer.get(f"/panel/rounds/{panel_round.id}/results")
    assert page(response).select_one("#aggregation option[selected]")["value"] == "median"
    assert "Panel score (normalised)" in _ranking(response)[0]
    response = officer.get(f"/panel/rounds/{panel_round.id}/results?aggregation=mode&scores=raw")
    assert response.status_code == 200
    assert error_messages(response) == ["Select mean or median"]
    assert "Panel score (normalised)" not in _ranking(response)[0]


def test_a_round_with_no_scores_lists_its_bids_as_unscored(officer, panel_round, bids):
    response = officer.get(f"/panel/rounds/{panel_round.id}/results")
    text = _text(response)
    assert "No bid has a submitted score yet" in text
    assert [li.select_one("a").get_text() for li in page(response).select("#unscored + ul li")] == [
        "CGS-2026-0001", "CGS-2026-0002", "CGS-2026-0003"]


# One bid and moderation ------------------------------------------------------------------------

@pytest.mark.visible_text(allow=["<b>", "</b>"])  # a member's comment, typed with markup, shown as typed
def test_the_bid_page_shows_every_sheet_with_comments_and_flags(officer, panel_round, bids, panel, seat,
                                                                submit_scores):
    seat(panel[0], bids[0])
    seat(panel[1], bids[0])
    submit_scores(panel[0], bids[0], comments={"fit": "<b>Strong</b> fit", "value": "Fine"}, fit=4, value=2)
    submit_scores(panel[1], bids[0], fit=1, value=2)
    response = officer.get(f"/panel/rounds/{panel_round.id}/bids/{bids[0].id}")
    table = page(response).select_one("#scores + div table")
    assert [th.get_text() for th in table.select("thead th")] == ["Criterion", "Panel Member A", "Panel Member B"]
    fit_row = table.select("tbody tr")[0]
    assert "Strategic fit" in fit_row.select_one("th").get_text() and "50% of the total" in fit_row.get_text()
    assert fit_row.select("td")[0].get_text(" ", strip=True) == "4 <b>Strong</b> fit"  # shown as text
    assert "<b>Strong</b>" not in response.get_data(as_text=True)
    flags = [li.get_text() for li in page(response).select("#disagreements + ul li")]
    assert flags == ["Strategic fit: range 3 points (flagged at 2)", "Total: range 1.50 points (flagged at 1)"]


def test_an_officer_moderates_and_the_ranking_follows_with_raw_scores_kept(officer, users, panel_round, bids, scored):
    url = f"/panel/rounds/{panel_round.id}/bids/{bids[1].id}"
    response = post(officer, f"{url}/moderate", {"score": "3.25", "reason": "Panel agreed B misread the budget"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{url}#moderation")
    rows = _ranking(officer.get(f"/panel/rounds/{panel_round.id}/results"))
    assert [(row["Bid"], row["Panel score (raw)"], row["Moderated score"], row["Final score"]) for row in rows] == [
        ("CGS-2026-0001", "3.50", "– none", "3.50"),
        ("CGS-2026-0002", "1.75", "3.25", "3.25"),
        ("CGS-2026-0003", "3.00", "– none", "3.00"),
    ]
    # A second moderation: both are kept, newest first, and the newest counts.
    post(officer, f"{url}/moderate", {"score": "2", "reason": "Second look"})
    response = officer.get(url)
    history = [[cell.get_text(strip=True) for cell in row.select("td")]
               for row in page(response).select("#moderation + div tbody tr")]
    assert [(row[1], row[2], row[3]) for row in history] == [
        (users["grants_officer"].full_name, "2.00", "Second look"),
        (users["grants_officer"].full_name, "3.25", "Panel agreed B misread the budget"),
    ]
    assert _db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "panel.score_moderated")) == 2


@pytest.mark.parametrize("data, messages", [
    ({"score": "5", "reason": "Agreed"}, ["Moderated score must be a number from 0 to 4"]),
    ({"score": "-1", "reason": "Agreed"}, ["Moderated score must be a number from 0 to 4"]),
    ({"score": "three", "reason": "Agreed"}, ["Moderated score must be a number from 0 to 4"]),
    ({"score": "NaN", "reason": "Agreed"}, ["Moderated score must be a number from 0 to 4"]),
    ({"score": "2.125", "reason": "Agreed"}, ["Moderated score can have at most 2 decimal places"]),
    ({"score": "", "reason": "Agreed"}, ["Enter the moderated score"]),
    ({"score": "3", "reason": "   "}, ["Enter the reason for the moderated score"]),
    ({"score": "9", "reason": ""}, ["Moderated score must be a number from 0 to 4",
                                    "Enter the reason for the moderated score"]),
    ({"score": "3", "reason": "x" * 2001}, ["Reason must be 2,000 characters or fewer"]),
])
def test_moderation_input_is_checked_and_nothing_is_written(officer, panel_round, bids, scored, data, messages):
    response = post(officer, f"/panel/rounds/{panel_round.id}/bids/{bids[0].id}/moderate", data)
    assert response.status_code == 200
    assert error_messages(response) == messages
    assert page(response).title.get_text().startswith("Error: ")
    assert _db.session.scalar(select(func.count()).select_from(ModeratedScore)) == 0
    assert _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "panel.score_moderated")) is None


def test_moderation_after_the_decision_is_refused(officer, panel_round, bids, scored):
    panel_round.decided_at = utcnow()
    _db.session.flush()
    url = f"/panel/rounds/{panel_round.id}/bids/{bids[0].id}"
    response = post(officer, f"{url}/moderate", {"score": "3", "reason": "Too late"}, follow_redirects=True)
    assert "Scores can be moderated only while the round is being assessed" in _banner(response)
    assert _db.session.scalar(select(func.count()).select_from(ModeratedScore)) == 0
    assert page(response).select("main form[method=post]") == []


def test_moderation_before_the_round_closes_is_refused(officer, bids, panel_round):
    panel_round.closes_at = utcnow() + (panel_round.closes_at - panel_round.opens_at)
    _db.session.flush()
    response = post(officer, f"/panel/rounds/{panel_round.id}/bids/{bids[0].id}/moderate",
                    {"score": "3", "reason": "Early"}, follow_redirects=True)
    assert "Scores can be moderated only while the round is being assessed" in _banner(response)
    assert _db.session.scalar(select(func.count()).select_from(ModeratedScore)) == 0


@pytest.mark.visible_text(allow=["<script>", "</script>"])  # typed to prove it is escaped
def test_names_and_reasons_are_escaped(officer, panel_round, panel, seat):
    application = ApplicationFactory(
        funding_round=panel_round, status=iface.BID_STATUSES[0], reference="CGS-2026-0042",
        organisation=OrganisationFactory(name="<script>alert(1)</script>"), amount_requested=Decimal("100.00"),
        submitted_at=utcnow(),
    )
    seat(panel[0], conflicted=[application])
    for url in (f"/panel/rounds/{panel_round.id}/assignments", f"/panel/rounds/{panel_round.id}/results",
                f"/panel/rounds/{panel_round.id}/bids/{application.id}"):
        html = officer.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


# Results at scale: a page of the ranking, worked out once per state of the scores ---------------

def test_the_results_rank_fifty_bids_a_page_as_the_full_results_do(officer, panel_round, bids, scored, seat,
                                                                   submit_scores):
    for number in range(4, 64):
        application = ApplicationFactory(funding_round=panel_round, status=bids[0].status,
                                         reference=f"CGS-2026-{number:04d}", amount_requested=Decimal("1000.00"),
                                         submitted_at=utcnow())
        seat(scored[0], application)
        submit_scores(scored[0], application, fit=number % 5, value=(number * 3) % 5)
    url = f"/panel/rounds/{panel_round.id}/results?aggregation=median&scores=normalised"
    expected = panel_results.round_results(panel_round, aggregation="median", normalise=True)
    first, second = officer.get(url), officer.get(f"{url}&page=2")
    rows = _ranking(first) + _ranking(second)
    assert len(_ranking(first)) == 50 and len(rows) == 63
    assert [(row["Rank"], row["Bid"], row["Final score"], row["Panel score (normalised)"]) for row in rows] == [
        (str(bid.rank), bid.application.reference, str(bid.final_score), str(bid.panel.score))
        for bid in expected.bids
    ]
    assert "Showing 51 to 63 of 63 bids" in _text(second)
    links = {a.get_text(" ", strip=True): a["href"] for a in page(first).select(".govuk-pagination a")}
    assert links["Next page"] == (f"/panel/rounds/{panel_round.id}/results?page=2&aggregation=median"
                                  f"&scores=normalised#ranking")
    assert f"{len(expected.flagged)} bids are flagged for moderation" in _text(first)
    assert officer.get(f"{url}&page=3").status_code == 404


def test_the_results_follow_every_change_to_the_scores(officer, users, panel_round, bids, scored, seat,
                                                       submit_scores):
    url = f"/panel/rounds/{panel_round.id}/results"
    def final_scores():
        return {row["Bid"]: row["Final score"] for row in _ranking(officer.get(url))}

    assert final_scores() == {"CGS-2026-0001": "3.50", "CGS-2026-0002": "1.75", "CGS-2026-0003": "3.00"}
    submit_scores(scored[2], bids[1], fit=4, value=4)  # a sheet submitted
    assert final_scores()["CGS-2026-0002"] == "2.50"
    panel_results.moderate(bids[2], "1.5", "Agreed", users["grants_officer"])  # a moderation
    assert final_scores()["CGS-2026-0003"] == "1.50"
    bids[0].status = ApplicationStatus.WITHDRAWN  # a bid leaves assessment
    _db.session.flush()
    assert "CGS-2026-0001" not in final_scores()
    panel_round.score_aggregation = "median"  # the round's settings
    _db.session.flush()
    response = officer.get(url)
    assert "panel score is the median" in _text(response)
