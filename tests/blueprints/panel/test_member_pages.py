"""A panel member's pages: the queue, the conflict of interest declaration, scoring and the
submitted scores beside the other members' (blind until the member submits their own)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.extensions import db as _db
from grants.interfaces.panel import assignment as iface
from grants.interfaces.panel import decisions, score_sheets
from grants.models.applications import Application, ApplicationSection, ApplicationStatus
from grants.models.panel import ConflictDeclaration, PanelMember, ScoreSheet, ScoringAssignment, SheetStatus
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, FundingRoundFactory, UserFactory
from tests.helpers import error_messages, page, post


def _score_url(bid) -> str:
    return f"/panel/bids/{bid.id}/score"


def _declaration_url(bid) -> str:
    return f"/panel/bids/{bid.id}/declaration"


def _scored_url(bid) -> str:
    return f"/panel/bids/{bid.id}"


def _flash(response) -> str:
    banner = page(response).select_one(".govuk-notification-banner")
    return " ".join(banner.get_text(" ").split()) if banner else ""


def _error_links(response) -> list[str]:
    return [a["href"] for a in page(response).select(".govuk-error-summary__list a")]


def _sheets() -> list[ScoreSheet]:
    return list(_db.session.scalars(_db.select(ScoreSheet).order_by(ScoreSheet.id)))


def _checked(response, name: str) -> str | None:
    radio = page(response).select_one(f'input[type=radio][name="{name}"][checked]')
    return radio["value"] if radio else None


@pytest.fixture
def assign_only(panel_round):
    """``assign_only(user, *bids)``: on the panel and assigned, without declaring anything yet."""

    def _assign(user, *assigned):
        if _db.session.get(PanelMember, (panel_round.id, user.id)) is None:
            _db.session.add(PanelMember(round_id=panel_round.id, user_id=user.id))
        for application in assigned:
            _db.session.add(ScoringAssignment(application_id=application.id, user_id=user.id, round_id=panel_round.id))
        _db.session.flush()

    return _assign


@pytest.fixture
def member(panel, bids, seat, as_member):
    """Panel member A, assigned to the first bid with no conflict declared, and signed in."""
    seat(panel[0], bids[0])
    return as_member(panel[0])


def _score(client, bid, button="save_draft", **values):
    data = {button: "y"}
    for key, value in values.items():
        data[key.replace("_", "-", 1)] = value
    return post(client, _score_url(bid), data)


# The queue -----------------------------------------------------------------------------------------

def _queue_rows(response) -> dict[str, tuple[str, str, str | None]]:
    """reference -> (tag, action link text, link href) for every bid listed."""
    rows = {}
    for row in page(response).select("tbody tr"):
        link = row.select_one("a")
        rows[row.th.get_text(strip=True)] = (
            row.select_one(".govuk-tag").get_text(strip=True),
            " ".join(link.get_text(" ").split()) if link else "",
            link["href"] if link else None,
        )
    return rows


def test_the_queue_shows_progress_and_the_next_step_for_each_bid(panel, bids, seat, assign_only, submit_scores,
                                                                  as_member):
    member = panel[0]
    seat(member, bids[0], bids[1])
    assign_only(member, bids[2])
    submit_scores(member, bids[0], fit=3, value=2)
    score_sheets.save_sheet(bids[1], member, {"fit": 2}, {}, submit=False)

    response = as_member(member).get("/panel")
    assert response.status_code == 200
    text = page(response).get_text(" ")
    assert "Community Safety Fund 2026" in text
    assert "1 of 3 bids submitted" in " ".join(text.split())
    assert _queue_rows(response) == {
        "CGS-2026-0001": ("Submitted", "View CGS-2026-0001", _scored_url(bids[0])),
        "CGS-2026-0002": ("Draft", "Continue CGS-2026-0002", _score_url(bids[1])),
        "CGS-2026-0003": ("Declaration needed", "Declare interests CGS-2026-0003", _declaration_url(bids[2])),
    }
    table = page(response).select_one("table")
    assert [th.get_text(strip=True) for th in table.select("thead th")][:5] == [
        "Reference", "Organisation", "Project", "Amount", "Status"]
    assert "Bidder 1" in table.get_text() and "Project 1" in table.get_text() and "£4,000.00" in table.get_text()


def test_a_conflicted_or_unassigned_bid_has_no_link_to_the_bid(panel, bids, seat, as_member):
    member = panel[1]
    seat(member, bids[1], conflicted=[bids[0]])
    response = as_member(member).get("/panel")
    assert _queue_rows(response) == {
        "CGS-2026-0001": ("Conflict of interest declared", "", None),
        "CGS-2026-0002": ("Not started", "Score CGS-2026-0002", _score_url(bids[1])),
        "CGS-2026-0003": ("Not assigned", "", None),
    }
    assert "0 of 1 bid submitted" in " ".join(page(response).get_text(" ").split())


def test_a_member_on_no_panel_is_told_so(panel, as_member):
    response = as_member(panel[0]).get("/panel")
    assert response.status_code == 200
    assert "You are not on an assessment panel yet" in response.get_data(as_text=True)
    assert page(response).select("table") == []


def test_the_queue_says_when_scoring_opens(panel_round, panel, bids, seat, as_member, db):
    panel_round.closes_at = utcnow() + timedelta(days=3)
    db.session.flush()
    seat(panel[0], bids[0])
    response = as_member(panel[0]).get("/panel")
    inset = page(response).select_one(".govuk-inset-text")
    assert inset is not None and "Scoring opens when the round closes" in inset.get_text()


@pytest.fixture
def many_bids(db, panel_round, bids):
    """Bids 4 to 123 beside the three of ``bids``: 123 in all, three pages of the queue."""
    more = [ApplicationFactory(funding_round=panel_round, status=ApplicationStatus.UNDER_ASSESSMENT,
                               reference=f"CGS-2026-{number:04d}", submitted_at=utcnow() - timedelta(days=5))
            for number in range(4, 124)]
    _db.session.flush()
    return [*bids, *more]


def test_the_queue_shows_a_round_fifty_bids_a_page(panel_round, panel, many_bids, seat, submit_scores, as_member):
    member = panel[0]
    seat(member, *many_bids[:60], conflicted=many_bids[60:62])
    for bid in many_bids[:55]:
        submit_scores(member, bid, fit=3, value=2)
    client = as_member(member)

    first = client.get("/panel")
    assert list(_queue_rows(first)) == [f"CGS-2026-{n:04d}" for n in range(1, 51)]
    text = " ".join(page(first).get_text(" ").split())
    assert "55 of 60 bids submitted" in text  # over the whole round, not the page
    assert "Showing 1 to 50 of 123 bids" in text
    links = {a.get_text(" ", strip=True): a["href"] for a in page(first).select(".govuk-pagination a")}
    assert links["Next page"] == f"/panel?page=2&round={panel_round.id}#round-{panel_round.id}"
    assert links["3"] == f"/panel?page=3&round={panel_round.id}#round-{panel_round.id}"

    second = client.get(f"/panel?round={panel_round.id}&page=2")
    assert list(_queue_rows(second)) == [f"CGS-2026-{n:04d}" for n in range(51, 101)]
    assert _queue_rows(second)["CGS-2026-0055"][0] == "Submitted"
    assert _queue_rows(second)["CGS-2026-0056"][0] == "Not started"
    assert _queue_rows(second)["CGS-2026-0061"][0] == "Conflict of interest declared"
    assert _queue_rows(second)["CGS-2026-0063"][0] == "Not assigned"
    assert "55 of 60 bids submitted" in " ".join(page(second).get_text(" ").split())
    third = client.get(f"/panel?round={panel_round.id}&page=3")
    assert list(_queue_rows(third)) == [f"CGS-2026-{n:04d}" for n in range(101, 124)]


def test_a_queue_page_past_the_last_or_of_another_round_is_not_found(panel_round, panel, many_bids, seat, as_member):
    seat(panel[0], many_bids[0])
    client = as_member(panel[0])
    assert client.get(f"/panel?round={panel_round.id}&page=4").status_code == 404
    assert client.get(f"/panel?round={panel_round.id}&page=0").status_code == 404
    other = FundingRoundFactory()
    assert client.get(f"/panel?round={other.id}&page=1").status_code == 404
    assert client.get("/panel?round=abc&page=2").status_code == 200  # no round named: the first pages


def test_pages_of_one_round_leave_the_other_rounds_on_their_first_page(panel_round, panel, many_bids, seat,
                                                                        as_member):
    other = FundingRoundFactory(name="Another round", opens_at=panel_round.opens_at,
                                closes_at=panel_round.closes_at - timedelta(hours=1),
                                published_at=panel_round.published_at)
    for number in range(1, 4):
        ApplicationFactory(funding_round=other, status=ApplicationStatus.UNDER_ASSESSMENT,
                           reference=f"CGS-2026-{9000 + number:04d}", submitted_at=utcnow())
    seat(panel[0], many_bids[0])
    _db.session.add(PanelMember(round_id=other.id, user_id=panel[0].id))
    _db.session.flush()
    response = as_member(panel[0]).get(f"/panel?round={panel_round.id}&page=2")
    rows = list(_queue_rows(response))
    assert rows[:50] == [f"CGS-2026-{n:04d}" for n in range(51, 101)]
    assert rows[50:] == ["CGS-2026-9001", "CGS-2026-9002", "CGS-2026-9003"]
    assert len(page(response).select(".govuk-pagination")) == 1  # the small round needs none


def _decided_round(member, number: int, bids: int = 2, submitted: int = 1):
    """A decided round ``number`` months ago with ``bids`` bids, all assigned to ``member``, who
    submitted ``submitted`` of them."""
    decided = utcnow() - timedelta(days=30 * number)
    funding_round = FundingRoundFactory(name=f"Past round {number:02d}", opens_at=decided - timedelta(days=60),
                                        closes_at=decided - timedelta(days=30),
                                        published_at=decided - timedelta(days=61), decided_at=decided)
    _db.session.add(PanelMember(round_id=funding_round.id, user_id=member.id))
    for position in range(bids):
        application = ApplicationFactory(funding_round=funding_round, status=ApplicationStatus.SUCCESSFUL,
                                         reference=f"CGS-2025-{number * 10 + position:04d}", submitted_at=decided)
        _db.session.add(ScoringAssignment(application_id=application.id, user_id=member.id, round_id=funding_round.id))
        _db.session.add(ConflictDeclaration(application_id=application.id, user_id=member.id, conflicted=False))
        if position < submitted:
            _db.session.add(ScoreSheet(application_id=application.id, user_id=member.id, round_id=funding_round.id,
                                       rubric_id=funding_round.rubric_id, status=SheetStatus.SUBMITTED,
                                       values={"fit": 2, "value": 2}, comments={}, submitted_at=decided))
    _db.session.flush()
    decisions.record_member_counts(funding_round.id)  # as the commissioner's decision does
    return funding_round


def _past_rounds(response) -> list[str]:
    return [" ".join(li.get_text(" ").split()) for li in page(response).select("#past-rounds li")]


def test_decided_rounds_are_listed_in_brief_below_the_rounds_being_assessed(panel_round, panel, bids, seat,
                                                                            as_member):
    member = panel[0]
    seat(member, bids[0])
    past = _decided_round(member, 2, bids=3, submitted=2)
    response = as_member(member).get("/panel")
    assert list(_queue_rows(response)) == ["CGS-2026-0001", "CGS-2026-0002", "CGS-2026-0003"]  # the current round only
    [summary] = _past_rounds(response)
    assert summary.startswith("Past round 02 – decided ") and summary.endswith("you submitted 2 of 3 assigned bids")
    assert page(response).select_one("#past-rounds a")["href"] == f"/panel?round={past.id}"
    headings = [h.get_text(strip=True) for h in page(response).select("main h1, main h2, main h3")]
    assert headings == ["Your scoring", "Rounds being assessed", "Community Safety Fund 2026", "Past rounds"]


def test_a_past_rounds_bids_open_on_their_own_page(panel_round, panel, bids, seat, as_member):
    member = panel[0]
    seat(member, bids[0])
    past = _decided_round(member, 1, bids=2, submitted=1)
    response = as_member(member).get(f"/panel?round={past.id}")
    assert response.status_code == 200
    assert page(response).select_one("h1").get_text(strip=True) == "Past round 01"
    ids = dict(_db.session.execute(_db.select(Application.reference, Application.id)
                                   .where(Application.round_id == past.id)).all())
    assert _queue_rows(response) == {
        "CGS-2025-0010": ("Submitted", "View CGS-2025-0010", f"/panel/bids/{ids['CGS-2025-0010']}"),
        "CGS-2025-0011": ("Not started", "Score CGS-2025-0011", f"/panel/bids/{ids['CGS-2025-0011']}/score"),
    }
    text = " ".join(page(response).get_text(" ").split())
    assert "1 of 2 bids submitted" in text
    assert "Scoring has closed: the commissioner has made the funding decision for this round" in text
    assert page(response).select_one(".govuk-back-link")["href"] == "/panel"
    assert _past_rounds(response) == []  # the round alone
    assert as_member(member).get(f"/panel?round={past.id}&page=2").status_code == 404


def test_past_rounds_come_ten_a_page_and_only_the_members_own(panel_round, panel, bids, seat, as_member):
    member = panel[0]
    seat(member, bids[0])
    for number in range(1, 13):
        _decided_round(member, number, bids=1, submitted=1)
    someone_elses = _decided_round(panel[1], 20)
    client = as_member(member)
    first = client.get("/panel")
    assert [line.split(" – ")[0] for line in _past_rounds(first)] == [f"Past round {n:02d}" for n in range(1, 11)]
    assert "Showing 1 to 10 of 12 past rounds" in " ".join(page(first).get_text(" ").split())
    older = page(first).select_one(".govuk-pagination__next a")["href"]
    assert older == "/panel?past=2#past"
    second = client.get("/panel?past=2")
    assert [line.split(" – ")[0] for line in _past_rounds(second)] == ["Past round 11", "Past round 12"]
    assert list(_queue_rows(second)) == ["CGS-2026-0001", "CGS-2026-0002", "CGS-2026-0003"]
    assert client.get("/panel?past=3").status_code == 404
    assert client.get(f"/panel?round={someone_elses.id}").status_code == 404


def test_a_member_whose_rounds_are_all_decided_is_told_none_is_being_assessed(panel, as_member):
    _decided_round(panel[0], 1)
    response = as_member(panel[0]).get("/panel")
    assert "None of your rounds is being assessed now" in " ".join(page(response).get_text(" ").split())
    assert len(_past_rounds(response)) == 1


# Conflict of interest ------------------------------------------------------------------------------

def test_the_declaration_page_shows_the_bid_in_brief_only(panel, bids, assign_only, as_member, db):
    bids[0].sections.append(ApplicationSection(key="project", answers={"summary": ["A secret summary"]},
                                               complete=True))
    db.session.flush()
    assign_only(panel[0], bids[0])
    response = as_member(panel[0]).get(_declaration_url(bids[0]))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for shown in ("CGS-2026-0001", "Bidder 1", "Project 1", "£4,000.00"):
        assert shown in html
    assert "A secret summary" not in html
    assert page(response).select(".govuk-summary-card") == []  # not the answers
    fieldset = page(response).select_one("form fieldset")
    assert "Do you have a conflict of interest" in fieldset.legend.get_text()
    labels = [label.get_text(strip=True) for label in fieldset.select(".govuk-radios__label")]
    assert labels == ["No, I have no conflict of interest", "Yes, I have a conflict of interest"]
    assert page(response).select_one("textarea#reason") is not None
    assert page(response).select_one('input[name="csrf_token"]') is not None


def test_declaring_no_conflict_goes_on_to_scoring(panel, bids, assign_only, as_member):
    assign_only(panel[0], bids[0])
    client = as_member(panel[0])
    response = post(client, _declaration_url(bids[0]), {"conflicted": "no", "reason": "ignored"})
    assert response.status_code == 302
    assert response.headers["Location"] == _score_url(bids[0])
    declared = iface.declaration(bids[0], panel[0])
    assert declared is not None and not declared.conflicted and declared.reason is None
    followed = client.get(response.headers["Location"])
    assert "You have declared no conflict of interest for CGS-2026-0001" in _flash(followed)


def test_declaring_no_conflict_on_a_bid_not_assigned_goes_back_to_the_queue(panel, bids, seat, as_member):
    seat(panel[0])
    response = post(as_member(panel[0]), _declaration_url(bids[2]), {"conflicted": "no"})
    assert response.status_code == 302 and response.headers["Location"] == "/panel"


def test_a_conflict_needs_a_reason(panel, bids, assign_only, as_member):
    assign_only(panel[0], bids[0])
    response = post(as_member(panel[0]), _declaration_url(bids[0]), {"conflicted": "yes", "reason": "   "})
    assert response.status_code == 200
    assert error_messages(response) == ["Say what the conflict of interest is"]
    assert _error_links(response) == ["#reason"]
    assert page(response).title.get_text().startswith("Error:")
    assert iface.declaration(bids[0], panel[0]) is None


def test_a_declaration_needs_an_answer(panel, bids, assign_only, as_member):
    assign_only(panel[0], bids[0])
    for data in ({}, {"conflicted": "perhaps"}):
        response = post(as_member(panel[0]), _declaration_url(bids[0]), data)
        assert response.status_code == 200
        assert error_messages(response) == ["Select whether you have a conflict of interest"]
        assert _error_links(response) == ["#conflicted"]
    assert iface.declaration(bids[0], panel[0]) is None


def test_a_declared_conflict_takes_the_bid_away_and_is_shown_read_only(panel, bids, seat, as_member, db):
    seat(panel[0], bids[0])
    client = as_member(panel[0])
    response = post(client, _declaration_url(bids[0]), {"conflicted": "yes", "reason": "My cousin chairs it"})
    assert response.status_code == 302 and response.headers["Location"] == "/panel"
    assert "You have declared a conflict of interest for CGS-2026-0001" in _flash(client.get("/panel"))
    declared = iface.declaration(bids[0], panel[0])
    assert declared.conflicted and declared.reason == "My cousin chairs it"
    assert not iface.is_assigned(bids[0], panel[0])

    response = client.get(_declaration_url(bids[0]))
    assert response.status_code == 200
    assert page(response).select("form fieldset") == []
    text = " ".join(page(response).get_text(" ").split())
    assert "My cousin chairs it" in text and "cannot be withdrawn" in text

    response = post(client, _declaration_url(bids[0]), {"conflicted": "no"})
    assert response.status_code == 200
    assert error_messages(response) == [
        "You have declared a conflict of interest for this bid. A declared conflict cannot be withdrawn"]
    db.session.refresh(declared)
    assert declared.conflicted


@pytest.mark.visible_text(allow=["<script>", "</script>"])  # typed to prove it is escaped
def test_a_conflict_reason_is_escaped(panel, bids, seat, as_member):
    seat(panel[0], conflicted=[])
    client = as_member(panel[0])
    post(client, _declaration_url(bids[1]), {"conflicted": "yes", "reason": "<script>alert(1)</script>"})
    html = client.get(_declaration_url(bids[1])).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# Who may open the pages ----------------------------------------------------------------------------

def test_a_conflicted_member_is_told_why_they_cannot_open_the_bid(panel, bids, seat, submit_scores, as_member):
    seat(panel[0], conflicted=[bids[0]])
    submit_scores(panel[1], bids[0], fit=3, value=3)
    client = as_member(panel[0])
    for response in (client.get(_score_url(bids[0])), _score(client, bids[0], score_fit="3"),
                     client.get(_scored_url(bids[0]))):
        assert response.status_code == 403
        text = " ".join(page(response).select_one("main").get_text(" ").split())
        assert page(response).select_one("h1").get_text(strip=True) == "You declared a conflict of interest"
        assert ("You declared a conflict of interest with this application, so you cannot see or score it."
                in text)
        assert "Application CGS-2026-0001" in text and "Your reason My sister runs it" in text
        assert "Page not found" not in text
        assert "Bidder 1" not in text and "Project 1" not in text  # nothing of the bid itself
        back = page(response).select_one("main a.govuk-link[href^='/panel']")
        assert back.get_text(strip=True) == "Back to your scoring"
        assert back["href"] == f"/panel#round-{bids[0].round_id}"
    assert [sheet.user_id for sheet in _sheets()] == [panel[1].id]  # nothing saved for the member
    assert client.get(_declaration_url(bids[0])).status_code == 200  # read-only


def test_a_conflict_in_a_round_the_member_has_left_is_not_found(panel, bids, seat, as_member, interface, users):
    seat(panel[0], conflicted=[bids[0]])
    interface.remove_member(bids[0].funding_round, panel[0], users["grants_officer"])
    _db.session.flush()
    client = as_member(panel[0])
    assert client.get(_score_url(bids[0])).status_code == 404
    assert client.get(_scored_url(bids[0])).status_code == 404


def test_someone_not_on_the_panel_finds_nothing(panel, bids, seat, as_member):
    seat(panel[0], bids[0])
    outsider = UserFactory(full_name="Not On The Panel", roles=["panel_member"])
    client = as_member(outsider)
    assert client.get(_declaration_url(bids[0])).status_code == 404
    assert post(client, _declaration_url(bids[0]), {"conflicted": "no"}).status_code == 404
    assert client.get(_score_url(bids[0])).status_code == 404
    assert _score(client, bids[0], score_fit="3").status_code == 404
    assert client.get(_scored_url(bids[0])).status_code == 404
    assert client.get("/panel/bids/999999/declaration").status_code == 404
    assert _db.session.scalars(_db.select(ConflictDeclaration).where(
        ConflictDeclaration.user_id == outsider.id)).all() == []


def test_a_member_not_assigned_to_the_bid_cannot_score_it(panel, bids, seat, as_member):
    seat(panel[0], bids[0])
    client = as_member(panel[0])
    assert client.get(_score_url(bids[1])).status_code == 404
    assert _score(client, bids[1], score_fit="3").status_code == 404
    assert client.get(_scored_url(bids[1])).status_code == 404
    assert _sheets() == []


def test_scoring_before_declaring_goes_to_the_declaration(panel, bids, assign_only, as_member):
    assign_only(panel[0], bids[0])
    client = as_member(panel[0])
    response = client.get(_score_url(bids[0]))
    assert response.status_code == 302 and response.headers["Location"] == _declaration_url(bids[0])
    response = _score(client, bids[0], "submit_scores", score_fit="2", score_value="2")
    assert response.status_code == 302 and response.headers["Location"] == _declaration_url(bids[0])
    assert _sheets() == []


def test_the_submitted_scores_page_waits_for_a_submission(member, bids):
    response = member.get(_scored_url(bids[0]))
    assert response.status_code == 302 and response.headers["Location"] == _score_url(bids[0])


# Scoring -------------------------------------------------------------------------------------------

def test_the_score_page_shows_the_bid_and_a_form_built_from_the_rubric(member, bids):
    response = member.get(_score_url(bids[0]))
    assert response.status_code == 200
    soup = page(response)
    assert soup.h1.get_text(" ", strip=True).startswith("Score CGS-2026-0001")
    assert soup.select(".govuk-summary-card")  # the application's answers
    form = soup.select_one("form[method=post]:has(#submit-scores)")
    assert form.select_one('input[name="csrf_token"]') is not None
    fieldsets = form.select("fieldset")
    assert [" ".join(f.legend.get_text(" ").split()) for f in fieldsets] == [
        "Strategic fit 50% of the total score", "Value for money 50% of the total score"]
    labels = [label.get_text(strip=True) for label in fieldsets[0].select(".govuk-radios__label")]
    assert labels == [f"{score} – Score {score}" for score in range(5)]
    assert [r["name"] for r in fieldsets[0].select("input[type=radio]")] == ["score-fit"] * 5
    comment = form.select_one("textarea#comment-fit")
    label = form.select_one('label[for="comment-fit"]')
    assert label.get_text(strip=True) == "Your comments on strategic fit"
    assert "Required for a score of 0 or 4" in form.select_one("#comment-fit-hint").get_text()
    assert comment is not None
    buttons = [b.get_text(strip=True) for b in form.select("button")]
    assert buttons == ["Save as draft", "Submit scores"]
    # Headings in order: h1, then h2s, each criterion an h3 inside its legend.
    levels = [int(h.name[1]) for h in soup.select("main h1, main h2, main h3")]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


def test_saving_a_draft_keeps_what_was_entered(member, bids, panel):
    response = _score(member, bids[0], score_fit="3", comment_fit="Fits the plan well", score_value="")
    assert response.status_code == 302 and response.headers["Location"] == _score_url(bids[0])
    [sheet] = _sheets()
    assert sheet.status is SheetStatus.DRAFT
    assert sheet.values == {"fit": 3, "value": None}
    assert sheet.comments == {"fit": "Fits the plan well", "value": ""}

    response = member.get(_score_url(bids[0]))
    assert "Draft saved" in _flash(response)
    assert _checked(response, "score-fit") == "3"
    assert _checked(response, "score-value") is None
    assert page(response).select_one("textarea#comment-fit").get_text() == "Fits the plan well"

    # Another draft replaces the first.
    _score(member, bids[0], score_fit="1", score_value="2")
    [sheet] = _sheets()
    assert sheet.values == {"fit": 1, "value": 2} and sheet.status is SheetStatus.DRAFT


def test_submitting_a_top_score_without_a_comment_keeps_the_draft(member, bids):
    response = _score(member, bids[0], "submit_scores", score_fit="4", score_value="2", comment_value="Fair")
    assert response.status_code == 200
    assert error_messages(response) == [
        "Enter a comment for strategic fit: a score of 4 needs a comment explaining it"]
    assert _error_links(response) == ["#comment-fit"]
    assert page(response).select_one("#comment-fit-error") is not None
    assert "saved as a draft" in page(response).select_one(".govuk-inset-text").get_text()
    assert _checked(response, "score-fit") == "4"
    [sheet] = _sheets()
    assert sheet.status is SheetStatus.DRAFT and sheet.values == {"fit": 4, "value": 2}
    assert sheet.comments["value"] == "Fair"


def test_submitting_with_a_score_missing_says_which(member, bids):
    response = _score(member, bids[0], "submit_scores", score_fit="2")
    assert response.status_code == 200
    assert error_messages(response) == ["Select a score for value for money"]
    assert _error_links(response) == ["#score-value"]
    [sheet] = _sheets()
    assert sheet.status is SheetStatus.DRAFT and sheet.values == {"fit": 2, "value": None}


@pytest.mark.parametrize("tampered", ["7", "-1", "2.5", "three", "sNaN", "NaN", "Infinity", "1e400"])
def test_a_score_off_the_scale_is_refused_and_nothing_is_saved(member, bids, tampered):
    response = _score(member, bids[0], "submit_scores", score_fit=tampered, score_value="2")
    assert response.status_code == 200
    assert error_messages(response) == ["Score for strategic fit must be a whole number from 0 to 4"]
    assert _error_links(response) == ["#score-fit"]
    assert _sheets() == []


def test_a_very_long_comment_is_refused(member, bids):
    response = _score(member, bids[0], score_fit="2", comment_fit="x" * 5001)
    assert response.status_code == 200
    assert error_messages(response) == ["Comments on strategic fit must be 5,000 characters or fewer"]
    assert _sheets() == []


def test_submitted_scores_cannot_be_changed(member, bids):
    response = _score(member, bids[0], "submit_scores", score_fit="3", score_value="4", comment_value="Excellent")
    assert response.status_code == 302 and response.headers["Location"] == _scored_url(bids[0])
    assert "Your scores for CGS-2026-0001 have been submitted" in _flash(member.get(response.headers["Location"]))
    [sheet] = _sheets()
    assert sheet.status is SheetStatus.SUBMITTED and sheet.values == {"fit": 3, "value": 4}

    response = member.get(_score_url(bids[0]))
    assert response.status_code == 302 and response.headers["Location"] == _scored_url(bids[0])
    response = _score(member, bids[0], "submit_scores", score_fit="0", score_value="0", comment_fit="Changed")
    assert response.status_code == 302 and response.headers["Location"] == _scored_url(bids[0])
    [sheet] = _sheets()
    assert sheet.values == {"fit": 3, "value": 4} and sheet.comments["fit"] == ""


def test_the_submitted_scores_page_shows_the_weighted_total(member, bids):
    _score(member, bids[0], "submit_scores", score_fit="3", score_value="2")
    response = member.get(_scored_url(bids[0]))
    assert response.status_code == 200
    text = " ".join(page(response).get_text(" ").split())
    assert "Scored by you" in text
    assert "3 – Score 3" in text and "2 – Score 2" in text
    assert "Weighted total 2.50 out of 4" in text
    assert "No other panel member has submitted scores for this bid yet" in text


def test_scoring_is_blind_until_the_member_submits(member, bids, panel, seat, submit_scores):
    seat(panel[1], bids[0])
    submit_scores(panel[1], bids[0], comments={"fit": "Zebra crossing remark", "value": "Quokka remark"},
                  fit=4, value=0)
    html = member.get(_score_url(bids[0])).get_data(as_text=True)
    for secret in ("Zebra crossing remark", "Quokka remark", "Panel Member B"):
        assert secret not in html
    # A draft does not lift it either.
    _score(member, bids[0], score_fit="2")
    html = member.get(_score_url(bids[0])).get_data(as_text=True)
    assert "Zebra crossing remark" not in html and "Panel Member B" not in html

    _score(member, bids[0], "submit_scores", score_fit="2", score_value="2")
    response = member.get(_scored_url(bids[0]))
    text = " ".join(page(response).get_text(" ").split())
    assert "Panel Member B" in text
    assert "Zebra crossing remark" in text and "Quokka remark" in text
    assert "Weighted total 2.00 out of 4" in text  # B's total: 50% of 4 + 50% of 0


@pytest.mark.visible_text(allow=["<script>", "</script>"])  # typed to prove it is escaped
def test_a_comment_is_escaped(member, bids):
    _score(member, bids[0], "submit_scores", score_fit="0", score_value="2",
           comment_fit="<script>alert('x')</script>")
    for url in (_scored_url(bids[0]),):
        html = member.get(url).get_data(as_text=True)
        assert "<script>alert('x')</script>" not in html
        assert "&lt;script&gt;" in html


def test_a_draft_comment_is_escaped_in_the_form(member, bids):
    _score(member, bids[0], comment_fit="</textarea><script>alert('x')</script>")
    html = member.get(_score_url(bids[0])).get_data(as_text=True)
    assert "<script>alert('x')</script>" not in html


@pytest.mark.parametrize("when", ["open", "decided"])
def test_no_scores_are_taken_while_scoring_is_not_open(panel_round, member, bids, db, when):
    if when == "open":
        panel_round.closes_at = utcnow() + timedelta(days=3)
        message = "Scoring opens when the round closes"
    else:
        panel_round.decided_at = utcnow()
        message = "Scoring has closed"
    db.session.flush()
    response = member.get(_score_url(bids[0]))
    assert response.status_code == 200
    soup = page(response)
    assert soup.select('input[name="score-fit"]') == [] and soup.select_one("#submit-scores") is None
    assert message in soup.select_one(".govuk-inset-text").get_text()
    assert soup.select(".govuk-summary-card")  # the bid can still be read

    response = _score(member, bids[0], "submit_scores", score_fit="2", score_value="2")
    assert response.status_code == 200
    [problem] = error_messages(response)
    assert problem.startswith("Scoring is not open for this round")
    assert _sheets() == []
