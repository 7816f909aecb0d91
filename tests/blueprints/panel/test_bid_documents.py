"""Panel members download a bid's documents only while they may score it."""

from __future__ import annotations

import pytest

from grants.document_store import LocalDocumentStore
from grants.extensions import db as _db
from grants.models.applications import ApplicationDocument, DocumentKind
from tests.helpers import page
from tests.test_uploads import pdf_bytes


@pytest.fixture
def document(app, tmp_path, monkeypatch, bids):
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    stored_name = LocalDocumentStore(folder).save(pdf_bytes())
    row = ApplicationDocument(application=bids[0], kind=DocumentKind.ACCOUNTS, original_filename="accounts.pdf",
                              stored_name=stored_name, content_type="application/pdf", size_bytes=10, sha256="0" * 64)
    _db.session.add(row)
    _db.session.flush()
    return row


def url(document):
    return f"/panel/bids/{document.application_id}/documents/{document.id}"


def test_an_assigned_member_downloads_it_as_an_attachment(as_member, panel, bids, seat, document):
    seat(panel[0], bids[0])
    with as_member(panel[0]).get(url(document)) as response:
        assert response.status_code == 200
        assert response.data.startswith(b"%PDF-")
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response.headers["Cache-Control"]


def test_the_score_page_links_to_it(as_member, panel, bids, seat, document):
    seat(panel[0], bids[0])
    assert url(document) in as_member(panel[0]).get(f"/panel/bids/{bids[0].id}/score").get_data(as_text=True)


def test_a_member_who_has_not_declared_is_sent_to_declare(as_member, panel, bids, seat, document):
    from grants.models.panel import ScoringAssignment

    seat(panel[0])
    _db.session.add(ScoringAssignment(application_id=bids[0].id, user_id=panel[0].id, round_id=bids[0].round_id))
    _db.session.flush()
    response = as_member(panel[0]).get(url(document))
    assert response.status_code == 302 and response.headers["Location"].endswith("/declaration")


@pytest.mark.parametrize("who", ["unassigned", "not_on_panel"])
def test_others_are_not_found(as_member, panel, bids, seat, document, who):
    member = panel[0]
    if who == "unassigned":
        seat(member, bids[1])
    assert as_member(member).get(url(document)).status_code == 404


def test_a_conflicted_member_is_told_why(as_member, panel, bids, seat, document):
    seat(panel[0], conflicted=[bids[0]])
    response = as_member(panel[0]).get(url(document))
    assert response.status_code == 403
    assert "You declared a conflict of interest with this application, so you cannot see or score it." in (
        " ".join(page(response).get_text(" ").split()))


def test_another_bids_document_id_is_not_found(as_member, panel, bids, seat, document):
    seat(panel[0], bids[0], bids[1])
    assert as_member(panel[0]).get(f"/panel/bids/{bids[1].id}/documents/{document.id}").status_code == 404
