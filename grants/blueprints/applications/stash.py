"""Keeping the answers of an applicant whose session expired while a section was open.

The answers go into ``StashedAnswers`` under a random token whose hash is stored; the token goes
into a cookie of the browser that typed them. After signing in, the section page shows the kept
answers for the applicant to check and save. Only same-origin posts are kept, and kept answers are
never saved without the applicant pressing a button, so another site cannot put words in a form.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

from flask import after_this_request, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import delete, select

from grants.extensions import db
from grants.interfaces.applications.questions import Section, raw_answers
from grants.models.applications import Application, StashedAnswers
from grants.models.organisations import hash_token
from grants.models.types import utcnow

COOKIE = "grants_kept_answers"
KEEP_FOR = timedelta(hours=24)
MAX_BYTES = 200_000  # far more than any section's answers


def _same_origin() -> bool:
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    return bool(source) and urlsplit(source).netloc == request.host


def keeps_answers_of_expired_sessions(view):
    """Wraps a section view: a POST from a signed-out browser is kept, then the visitor signs in."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if request.method == "POST" and not current_user.is_authenticated:
            _keep(kwargs["application_id"], kwargs["key"])
            return redirect(url_for("auth.login", next=request.path))
        return view(*args, **kwargs)

    return wrapper


def _keep(application_id: int, key: str) -> None:
    answers = raw_answers(request.form)
    if not _same_origin() or not answers or len(json.dumps(answers)) > MAX_BYTES:
        return
    if db.session.get(Application, application_id) is None:
        return
    token = secrets.token_urlsafe(32)
    db.session.execute(delete(StashedAnswers).where(StashedAnswers.expires_at < utcnow()))
    db.session.add(
        StashedAnswers(
            token_hash=hash_token(token),
            application_id=application_id,
            section_key=key,
            answers=answers,
            expires_at=utcnow() + KEEP_FOR,
        )
    )

    @after_this_request
    def _set_cookie(response):
        response.set_cookie(
            COOKIE,
            token,
            max_age=int(KEEP_FOR.total_seconds()),
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
            path="/applications/",
        )
        return response


def restore(application: Application, section: Section) -> dict | None:
    """The answers kept for this section by this browser, if any (used once, then forgotten)."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    kept = db.session.scalar(
        select(StashedAnswers).where(
            StashedAnswers.token_hash == hash_token(token),
            StashedAnswers.application_id == application.id,
            StashedAnswers.section_key == section.key,
            StashedAnswers.expires_at > utcnow(),
        )
    )
    if kept is None:
        return None
    answers = kept.answers
    db.session.delete(kept)

    @after_this_request
    def _forget(response):
        response.delete_cookie(COOKIE, path="/applications/")
        return response

    return answers
