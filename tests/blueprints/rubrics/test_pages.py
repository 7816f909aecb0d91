"""The list of rubrics and a rubric's page: who may see them, and what they show."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from grants.models.rubrics import RubricCriterion
from tests.factories import FundingRoundFactory, RubricFactory
from tests.helpers import page, post


@pytest.mark.parametrize("role", ["grants_officer", "admin"])
def test_staff_see_the_list_with_versions_status_and_rounds(as_role, db, rubric, role):
    frozen = RubricFactory(name="Community safety rubric", version=2, frozen_at=datetime(2026, 3, 2, 10, tzinfo=UTC))
    FundingRoundFactory(name="Safer Streets 2026", rubric=frozen)
    soup = page(as_role(role).get("/rubrics"))
    rows = {
        " ".join(row.select("td")[0].get_text().split()): [
            " ".join(td.get_text().split()) for td in row.select("td")[1:]
        ]
        for row in soup.select("tbody tr")
    }
    assert rows["Community safety rubric, version 2"] == ["2", "Frozen", "Safer Streets 2026"]
    assert rows["Community safety rubric, version 1"] == ["1", "Can be changed", "Not used by a round"]
    assert ("Create a rubric" in soup.get_text()) is (role == "grants_officer")


@pytest.mark.parametrize("role", ["grants_officer", "admin"])
def test_a_rubric_page_shows_every_criterion_weight_and_descriptor(as_role, db, rubric, role):
    FundingRoundFactory(name="Safer Streets 2026", rubric=rubric)
    soup = page(as_role(role).get(f"/rubrics/{rubric.id}"))
    text = " ".join(soup.get_text().split())
    assert "1. Strategic fit (50%)" in text and "2. Value for money (50%)" in text
    assert "The weights add up to 100%" in text
    tables = soup.select("table")
    assert len(tables) == 2
    for table in tables:
        cells = [(row.th.get_text(strip=True), row.td.get_text(strip=True)) for row in table.select("tbody tr")]
        assert cells == [(str(score), f"Score {score}") for score in range(5)]
    assert "Not frozen" in text
    assert soup.select_one(f'a[href="/rounds/manage/{rubric.rounds[0].id}"]').get_text() == "Safer Streets 2026"
    officer = role == "grants_officer"
    assert bool(soup.select_one(f'a[href="/rubrics/{rubric.id}/edit"]')) is officer
    assert bool(soup.select_one(f'form[action="/rubrics/{rubric.id}/new-version"]')) is officer


def test_a_frozen_rubric_page_says_when_it_froze_and_offers_no_change(officer, db, rubric):
    rubric.frozen_at = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
    db.session.flush()
    soup = page(officer.get(f"/rubrics/{rubric.id}"))
    text = " ".join(soup.get_text().split())
    assert "Frozen on 1 July 2026" in text
    assert "make a new version" in text
    assert soup.select_one(f'a[href="/rubrics/{rubric.id}/edit"]') is None
    assert soup.select_one(f'a[href="/rubrics/{rubric.id}/delete"]') is None
    assert soup.select_one(f'form[action="/rubrics/{rubric.id}/new-version"]') is not None


@pytest.mark.parametrize("role", ["applicant", "panel_member", "commissioner", "finance_officer"])
def test_other_roles_may_not_see_or_change_rubrics(as_role, db, rubric, role):
    client = as_role(role)
    for url in ("/rubrics", f"/rubrics/{rubric.id}", "/rubrics/new", f"/rubrics/{rubric.id}/edit",
                f"/rubrics/{rubric.id}/delete"):
        assert client.get(url).status_code == 403, url
    for url in (f"/rubrics/{rubric.id}/edit", f"/rubrics/{rubric.id}/new-version", f"/rubrics/{rubric.id}/delete"):
        assert post(client, url).status_code == 403, url


def test_administrators_may_look_but_not_change(admin, db, rubric):
    assert admin.get(f"/rubrics/{rubric.id}/edit").status_code == 403
    assert post(admin, f"/rubrics/{rubric.id}/new-version").status_code == 403
    assert post(admin, "/rubrics/new", {"name": "Admin's rubric"}).status_code == 403


def test_visitors_are_sent_to_sign_in(client, rubric):
    response = client.get(f"/rubrics/{rubric.id}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_a_rubric_that_does_not_exist_is_not_found(officer):
    assert officer.get("/rubrics/999999").status_code == 404
    assert officer.get("/rubrics/999999/edit").status_code == 404
    assert post(officer, "/rubrics/999999/new-version").status_code == 404


@pytest.mark.visible_text(allow=["<b>Bold</b>", "<img src=x onerror=alert(1)>", "<script>alert('title')</script>",
                                 "<script>alert('descriptor')</script>", "<i>guidance</i>"])  # shown as typed
def test_text_typed_by_officers_is_escaped(officer, db):
    rubric = RubricFactory(name="<b>Bold</b> rubric")
    rubric.description = "<img src=x onerror=alert(1)>"
    criterion: RubricCriterion = rubric.criteria[0]
    criterion.title = "<script>alert('title')</script>"
    criterion.guidance = "<i>guidance</i>"
    criterion.descriptors = {**criterion.descriptors, "2": "<script>alert('descriptor')</script>"}
    db.session.flush()
    for url in ("/rubrics", f"/rubrics/{rubric.id}", f"/rubrics/{rubric.id}/edit"):
        html = officer.get(url).get_data(as_text=True)
        assert "<script>alert(" not in html, url
        assert "<b>Bold</b>" not in html and "<img src=x" not in html, url
    html = officer.get(f"/rubrics/{rubric.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(&#39;descriptor&#39;)&lt;/script&gt;" in html
