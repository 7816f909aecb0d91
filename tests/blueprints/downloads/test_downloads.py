"""Slow exports made in the background: asked for with a button, made by a job, downloaded by the
person who asked (grants.interfaces.downloads)."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import openpyxl
import pytest
from sqlalchemy import select

from grants import jobs
from grants.extensions import db
from grants.interfaces import downloads
from grants.models.accounts import Role
from grants.models.audit import AuditEvent
from grants.models.mail import ExportFile
from grants.models.types import utcnow
from tests.factories import UserFactory
from tests.helpers import page, post
from tests.test_open_data import make_grant


@pytest.fixture
def officer(as_role):
    return as_role("grants_officer")


def _ask(client, key="360giving-xlsx") -> ExportFile:
    response = post(client, f"/downloads/ask/{key}")
    assert response.status_code == 302
    made = db.session.scalars(select(ExportFile).order_by(ExportFile.id.desc())).first()
    assert response.headers["Location"] == f"/downloads/{made.id}"
    return made


def _text(client, url) -> str:
    return page(client.get(url)).select_one("main").get_text(" ", strip=True)


def test_the_spreadsheet_is_made_by_the_job_and_then_downloaded(db, officer):
    award = make_grant(db)
    made = _ask(officer)
    assert "Your file is being made" in _text(officer, f"/downloads/{made.id}")
    assert officer.get(f"/downloads/{made.id}/file").status_code == 404  # nothing to download yet

    assert downloads.make(made.id) == "ready"  # the job

    shown = page(officer.get(f"/downloads/{made.id}"))
    assert "Your file is ready" in shown.get_text()
    link = shown.find("a", string=lambda text: text and text.startswith("Download 360giving-"))
    response = officer.get(link["href"])
    assert response.headers["Content-Disposition"].startswith("attachment; filename=360giving-")
    sheet = openpyxl.load_workbook(BytesIO(response.data), data_only=True)["grants"]
    assert sheet["A2"].value == f"360G-opccdc-{award.application.reference}"
    assert db.session.scalars(select(AuditEvent.summary).where(AuditEvent.action == "download.requested")).all() == [
        "360Giving data as a spreadsheet (xlsx) asked for"]


def test_the_json_file_holds_the_grants(db, officer):
    award = make_grant(db)
    made = _ask(officer, "360giving-json")
    downloads.make(made.id)
    data = officer.get(f"/downloads/{made.id}/file").get_json()
    assert [grant["id"] for grant in data["grants"]] == [f"360G-opccdc-{award.application.reference}"]


def test_running_the_job_twice_makes_the_file_once(db, officer):
    made = _ask(officer)
    downloads.make(made.id)
    finished = db.session.get(ExportFile, made.id).finished_at
    assert downloads.make(made.id) == "ready"
    assert db.session.get(ExportFile, made.id).finished_at == finished


def test_a_file_that_fails_says_so_and_can_be_asked_for_again(db, officer, monkeypatch):
    def broken(parameters):
        raise OSError("disk full")

    monkeypatch.setitem(downloads.KINDS, "360giving-xlsx",
                        downloads.Export("360giving-xlsx", "360Giving data as a spreadsheet (xlsx)",
                                         downloads.KINDS["360giving-xlsx"].roles, broken, "awards.open_data"))
    made = _ask(officer)
    assert downloads.make(made.id) == "failed"
    text = _text(officer, f"/downloads/{made.id}")
    assert "Your file could not be made" in text and "OSError: disk full" in text
    assert page(officer.get(f"/downloads/{made.id}")).find("button", string=lambda s: s and "Make a new file" in s)


def test_only_the_person_who_asked_sees_the_file(db, officer, as_role):
    made = _ask(officer)
    downloads.make(made.id)
    other = as_role("admin")
    assert other.get(f"/downloads/{made.id}").status_code == 404
    assert other.get(f"/downloads/{made.id}/file").status_code == 404
    assert "You have not asked for any files" in _text(other, "/downloads/")
    listed = page(officer.get("/downloads/")).select("table tbody tr")
    assert [cell.get_text(strip=True) for cell in listed[0].select("td")][::2] == [
        "360Giving data as a spreadsheet (xlsx)", "Ready"]


@pytest.mark.parametrize("actor", ["applicant", "panel_member"])
def test_applicants_and_panel_members_cannot_ask(as_role, actor):
    client = as_role(actor)
    assert post(client, "/downloads/ask/360giving-xlsx").status_code == 403
    assert db.session.scalar(select(db.func.count()).select_from(ExportFile)) == 0


def test_an_unknown_file_is_not_found(officer):
    assert post(officer, "/downloads/ask/everything.zip").status_code == 404


def test_asking_without_the_form_token_is_refused(officer):
    assert officer.post("/downloads/ask/360giving-xlsx").status_code == 400


def test_the_job_starts_after_the_commit_and_not_after_a_rollback(app, db, users, monkeypatch):
    started = []
    monkeypatch.setattr(jobs, "enqueue", lambda path, *args: started.append((path, args)))
    app.config["BACKGROUND_JOBS"] = "background"
    try:
        downloads.ask(downloads.KINDS["360giving-xlsx"], users["grants_officer"])
        db.session.rollback()  # the officer's request, and the fixture's users, are gone
        assert started == []
        officer = UserFactory(roles=[Role.GRANTS_OFFICER])
        made = downloads.ask(downloads.KINDS["360giving-xlsx"], officer)
        assert started == []  # not before the commit
        db.session.commit()
        assert started == [("grants.interfaces.downloads.make", (made.id,))]
    finally:
        app.config["BACKGROUND_JOBS"] = "manual"


def test_files_are_removed_after_a_week(db, users):
    old = ExportFile(kind="360giving-xlsx", requested_by_id=users["grants_officer"].id,
                     requested_at=utcnow() - timedelta(days=8))
    new = ExportFile(kind="360giving-xlsx", requested_by_id=users["grants_officer"].id)
    db.session.add_all([old, new])
    db.session.flush()
    assert downloads.prune() == 1
    assert db.session.scalars(select(ExportFile.id)).all() == [new.id]


def test_the_daily_jobs_remove_old_files(db, users):
    from grants.daily import run_daily_jobs

    db.session.add(ExportFile(kind="360giving-xlsx", requested_by_id=users["grants_officer"].id,
                              requested_at=utcnow() - timedelta(days=8)))
    db.session.flush()
    assert "Downloads older than 7 days removed: 1" in run_daily_jobs()
    assert db.session.scalar(select(db.func.count()).select_from(ExportFile)) == 0
