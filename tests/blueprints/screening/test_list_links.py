"""The officers' list writes its sort, status and clear links from two url_for links (the list's own, and
with its filters) rather than a url_for each: every link must be the one url_for writes, with filters
whose values need encoding, with none, and with refused ones left out."""

from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import select

from grants.interfaces.screening.applications import SORTS, VISIBLE_STATUSES
from grants.models.reference import LocalAuthority
from tests.factories import OrganisationFactory
from tests.helpers import page

S = VISIBLE_STATUSES


@pytest.mark.parametrize("args, filters", [
    ({}, {}),
    ({"q": "Mary's & <b> 100%", "local_authority": "plymouth", "sort": "amount", "order": "desc"},
     {"q": "Mary's & <b> 100%", "local_authority": "plymouth"}),
    ({"status": "nonsense", "amount_band": "2500-5000", "sort": "nonsense"}, {"amount_band": "2500-5000"}),
], ids=["no filters", "filters to encode", "a refused filter"])
@pytest.mark.visible_text(typed=True)
def test_every_link_is_url_fors(app, db, officer, make_application, funding_round, args, filters):
    plymouth = db.session.scalar(select(LocalAuthority).where(LocalAuthority.code == "plymouth"))
    funding_round.local_authorities = [plymouth]
    for status in S:  # each found by the search, in the area
        make_application(status=status, local_authorities=[plymouth],
                         organisation=OrganisationFactory(name="St Mary's & <b> 100% Trust"))
    round_id = funding_round.id
    html = page(officer.get(f"/screening/rounds/{round_id}", query_string=args))
    sort, descending = args.get("sort") if args.get("sort") in SORTS else "submitted", args.get("order") == "desc"
    with app.test_request_context("/"):
        expected_sorts = []
        for key in SORTS:
            current = key == sort
            order = "asc" if current and descending else ("desc" if current else "asc")
            expected_sorts.append(url_for("screening.round_applications", round_id=round_id,
                                          **dict(filters, sort=key, order=order)))
        expected_statuses = [url_for("screening.round_applications", round_id=round_id, status=status.value)
                             for status in S]
        clear = url_for("screening.round_applications", round_id=round_id)
    assert [link["href"] for link in html.select("thead th a")] == expected_sorts
    assert [link["href"] for link in html.select("main h2 + ul.govuk-list li a")] == expected_statuses
    assert html.find("a", string="Clear filters")["href"] == clear
