"""Publishing a draft, extending the closing date, deleting a round."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time

from grants.models.rounds import FundingRound, RoundState
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, FundingRoundFactory
from tests.helpers import error_messages, page, post


def _flash(client, response) -> str:
    return " ".join(
        page(client.get(response.headers["Location"]))
        .select_one(".govuk-notification-banner")
        .get_text()
        .split()
    )


def _draft(**kwargs):
    return FundingRoundFactory(
        published_at=None,
        opens_at=utcnow() + timedelta(days=1),
        closes_at=utcnow() + timedelta(days=30),
        **kwargs,
    )


def test_publishing_a_draft_schedules_it_and_is_audited(officer, db, events):
    funding_round = _draft()
    with freeze_time(utcnow()):
        response = post(officer, f"/rounds/{funding_round.id}/publish")
        now = utcnow()
    assert response.status_code == 302
    db.session.refresh(funding_round)
    assert funding_round.published_at == now
    assert funding_round.state() is RoundState.SCHEDULED
    assert "has been published. It is open from" in _flash(officer, response)
    [event] = events("round.published")
    assert event.changes == {"published_at": {"before": None, "after": now.isoformat()}}


def test_a_round_published_after_its_opening_time_is_open_at_once(officer, db):
    funding_round = _draft()
    funding_round.opens_at = utcnow() - timedelta(hours=1)
    db.session.flush()
    response = post(officer, f"/rounds/{funding_round.id}/publish")
    db.session.refresh(funding_round)
    assert funding_round.is_open()
    assert "It is now open" in _flash(officer, response)


def test_a_round_cannot_be_published_twice(officer, db, events):
    funding_round = FundingRoundFactory()
    published_at = funding_round.published_at
    response = post(officer, f"/rounds/{funding_round.id}/publish")
    assert "has already been published" in _flash(officer, response)
    db.session.refresh(funding_round)
    assert funding_round.published_at == published_at
    assert events("round.published") == []


def test_a_round_whose_closing_date_has_passed_cannot_be_published(officer, db):
    funding_round = _draft()
    funding_round.opens_at, funding_round.closes_at = (
        utcnow() - timedelta(days=9),
        utcnow() - timedelta(days=1),
    )
    db.session.flush()
    response = post(officer, f"/rounds/{funding_round.id}/publish")
    assert "The closing date has passed" in _flash(officer, response)
    db.session.refresh(funding_round)
    assert funding_round.published_at is None


def test_publish_needs_a_post_with_a_csrf_token(officer):
    funding_round = _draft()
    assert officer.get(f"/rounds/{funding_round.id}/publish").status_code == 405
    assert officer.post(f"/rounds/{funding_round.id}/publish").status_code == 400


# Extending the closing date


def test_extending_the_closing_date_is_audited(officer, db, events):
    funding_round = FundingRoundFactory(closes_at=datetime(2099, 3, 1, 12, 0, tzinfo=UTC))
    response = post(
        officer,
        f"/rounds/{funding_round.id}/extend",
        {"closes_on": ["8", "4", "2099"], "closes_time": "5pm"},
    )
    assert response.status_code == 302, error_messages(response)
    db.session.refresh(funding_round)
    assert funding_round.closes_at == datetime(2099, 4, 8, 16, 0, tzinfo=UTC)  # 5pm BST
    [event] = events("round.closing_extended")
    assert event.changes == {
        "closes_at": {"before": "2099-03-01T12:00:00+00:00", "after": "2099-04-08T16:00:00+00:00"}
    }
    assert "The closing date is now 8 April 2099 at 5pm" in _flash(officer, response)


def test_a_closing_date_cannot_be_brought_forward(officer, db, events):
    funding_round = FundingRoundFactory(closes_at=datetime(2099, 3, 1, 12, 0, tzinfo=UTC))
    for day, typed in ((["1", "3", "2099"], "12:00pm"), (["28", "2", "2099"], "5pm")):
        response = post(
            officer, f"/rounds/{funding_round.id}/extend", {"closes_on": day, "closes_time": typed}
        )
        assert error_messages(response) == [
            "New closing date must be later than the current closing date, 1 March 2099 at midday"
        ]
    db.session.refresh(funding_round)
    assert funding_round.closes_at == datetime(2099, 3, 1, 12, 0, tzinfo=UTC)
    assert events("round.closing_extended") == []


def test_a_closed_round_can_be_extended_only_into_the_future(officer, db):
    funding_round = FundingRoundFactory(
        opens_at=utcnow() - timedelta(days=30), closes_at=utcnow() - timedelta(days=3)
    )
    yesterday = (utcnow() - timedelta(days=1)).date()
    form = {
        "closes_on": [str(yesterday.day), str(yesterday.month), str(yesterday.year)],
        "closes_time": "11pm",
    }
    assert error_messages(post(officer, f"/rounds/{funding_round.id}/extend", form)) == [
        "New closing date must be in the future"
    ]


def test_the_extension_form_checks_its_answers(officer):
    funding_round = FundingRoundFactory()
    assert error_messages(post(officer, f"/rounds/{funding_round.id}/extend", {})) == [
        "Enter the new closing date",
        "Enter the new closing time",
    ]


def test_a_decided_round_cannot_be_extended(officer, db, events):
    funding_round = FundingRoundFactory(
        opens_at=utcnow() - timedelta(days=60),
        closes_at=utcnow() - timedelta(days=30),
        decided_at=utcnow(),
    )
    soup = page(officer.get(f"/rounds/{funding_round.id}/extend"))
    assert "cannot be extended" in soup.get_text()
    assert soup.select_one("#closes_time") is None
    post(
        officer,
        f"/rounds/{funding_round.id}/extend",
        {"closes_on": ["1", "1", "2099"], "closes_time": "noon"},
    )
    assert events("round.closing_extended") == []


# Deleting


def test_a_round_without_applications_is_deleted_and_audited(officer, db, events):
    funding_round = _draft(name="Mistaken round")
    round_id = funding_round.id
    assert "Delete the round" in officer.get(f"/rounds/{round_id}/delete").get_data(as_text=True)
    response = post(officer, f"/rounds/{round_id}/delete")
    assert response.headers["Location"] == "/rounds/manage"
    assert db.session.get(FundingRound, round_id) is None
    [event] = events("round.deleted")
    assert event.entity_id == str(round_id)
    assert event.changes["name"] == {"before": "Mistaken round", "after": None}
    assert "Mistaken round has been deleted" in _flash(officer, response)


def test_a_round_with_applications_cannot_be_deleted(officer, db, events):
    funding_round = FundingRoundFactory(name="Busy round")
    ApplicationFactory(funding_round=funding_round)
    soup = page(officer.get(f"/rounds/{funding_round.id}/delete"))
    assert "Busy round cannot be deleted because it has 1 application" in soup.get_text()
    assert soup.select_one("main form") is None

    response = post(officer, f"/rounds/{funding_round.id}/delete")
    assert response.headers["Location"] == f"/rounds/manage/{funding_round.id}"
    assert "Busy round cannot be deleted because it has 1 application" in _flash(officer, response)
    assert db.session.get(FundingRound, funding_round.id) is not None
    assert events("round.deleted") == []
