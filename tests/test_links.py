"""grants.links.link_around_id: the text either side of a row's id in a link, as url_for makes it."""

import pytest
from flask import url_for

from grants.links import link_around_id


@pytest.mark.parametrize("round_id", [1, 10, 101, 1000])
@pytest.mark.parametrize("bid_id", [0, 1, 7, 10, 123456])
def test_the_id_between_the_parts_is_url_fors_link(app, round_id, bid_id):
    with app.test_request_context("/"):
        before, after = link_around_id("panel.bid_scores", "bid_id", round_id=round_id,
                                       aggregation="median", scores="normalised")
        assert before + str(bid_id) + after == url_for("panel.bid_scores", round_id=round_id, bid_id=bid_id,
                                                       aggregation="median", scores="normalised")
        assert after.startswith("?")  # the query follows the id


def test_an_id_that_ends_the_path(app):
    with app.test_request_context("/"):
        before, after = link_around_id("screening.application", "application_id")
    assert (before, after) == ("/screening/applications/", "")


def test_the_id_in_the_middle_of_the_path(app):
    with app.test_request_context("/"):
        before, after = link_around_id("panel.remove_member", "user_id", round_id=38)
    assert (before, after) == ("/panel/rounds/38/members/", "/remove")
