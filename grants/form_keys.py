"""One-time form keys: a form sent twice acts once.

A browser sends a form again when it got no answer the first time (a worker stopped after
committing, a dropped connection), and a person may press a button twice or go back and send the
same page again. Every form the service renders therefore carries a random key in a hidden input
(``FIELD``), drawn afresh for each form, next to its CSRF token.

A POST with a key stores a ``FormSubmission`` row in the request's own session before the view
runs, flushed but not committed: it commits with the view's single commit, or is rolled back with
everything else when the view commits nothing (a form with a mistake in it is shown again, and
its key stays usable). Because the key is the table's primary key, a second POST of a key whose
first use committed cannot insert its row; on PostgreSQL a second POST that arrives while the
first is still running waits for it at that insert, and fails only if the first commits. Either
way the view does not run again: the second POST is sent (303) to where the first one was sent,
or, when the first result was no redirect or was never recorded, gets a page saying the form was
already sent (409).

Where the first POST went is known only once its view has returned, after the view's commit, so it
is written in a second small transaction just after. A worker that stops between the two leaves a
row without a location: the change happened once, and a repeat gets the "already sent" page.

A POST without a key still works (scripts, tests, a page rendered before this was deployed): the
key is checked when present, never required. A file download that a POST returns does not use its
key up, so the same button downloads again. Rows are kept a day (``KEEP_FOR``); older ones are
deleted as new results are recorded.
"""

from __future__ import annotations

import logging
import re
import secrets
from datetime import timedelta
from typing import cast
from urllib.parse import urlsplit

from flask import Flask, abort, flash, g, has_request_context, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import Table, delete, event, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, object_session
from wtforms.csrf.core import CSRFTokenField

from grants.extensions import db
from grants.models.form_submissions import LOCATION_LENGTH, FormSubmission
from grants.models.types import utcnow

FIELD = "form_key"
# secrets.token_urlsafe(32) gives 43 characters; anything else that could be a key is accepted,
# so that changing the length later does not refuse pages already open.
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Longer than a session (8 hours), after which the form's CSRF token is refused anyway.
KEEP_FOR = timedelta(hours=24)
ALREADY_SENT = "You have already sent this form. It was not sent again."

logger = logging.getLogger(__name__)


def new_key() -> str:
    return secrets.token_urlsafe(32)


def key_input() -> Markup:
    """The hidden input that carries a new key: a template global, ``{{ form_key_input() }}``,
    for forms that write their CSRF token by hand (``GovForm`` adds it to ``form.csrf_token``)."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, new_key())


class CSRFTokenWithFormKey(CSRFTokenField):
    """A CSRF token field that renders a one-time form key after itself, so that every form whose
    template writes ``{{ form.csrf_token }}`` carries a key without asking for one."""

    def __call__(self, **kwargs):
        return super().__call__(**kwargs) + key_input()


def init_app(app: Flask) -> None:
    app.add_template_global(key_input, "form_key_input")
    # Registered after Flask-WTF's CSRF check (bound earlier in create_app), so a forged POST is
    # refused before its key is looked at.
    app.before_request(_use_key)
    app.after_request(_record_result)
    if not event.contains(Session, "after_commit", _note_commit):
        event.listen(Session, "after_commit", _note_commit)


def _use_key():
    if request.method != "POST" or request.endpoint in {None, "static"}:
        return None
    key = request.form.get(FIELD)
    if key is None:
        return None
    if not KEY_PATTERN.fullmatch(key):
        abort(400)
    submission = FormSubmission(key=key, user_id=_user_id(), endpoint=request.endpoint)
    db.session.add(submission)
    try:
        # Flushed now, before the view runs: a second POST of the same key stops here, waiting on
        # PostgreSQL for the first one's transaction to end, and never runs the view alongside it.
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return _already_sent(key)
    g.form_submission = submission
    return None


def _note_commit(session: Session) -> None:
    """After any commit: note whether it carried this request's key row (a view that rolled back
    before committing has dropped it, and a later commit then does not use the key up)."""
    if not has_request_context():
        return
    submission = g.get("form_submission")
    if submission is not None and object_session(submission) is session:
        g.form_key_used = True


def _record_result(response):
    submission = g.pop("form_submission", None)
    if submission is None or not g.pop("form_key_used", False):
        return response
    key = submission.key
    # A declared model's table is a Table; DeclarativeBase types ``__table__`` as any FromClause.
    rows = cast(Table, FormSubmission.__table__)
    try:
        # Anything the view left uncommitted after its commit is not meant to be kept.
        db.session.rollback()
        if response.headers.get("Content-Disposition", "").startswith("attachment"):
            # A download can be asked for again: the same button must download again.
            db.session.execute(delete(rows).where(rows.c.key == key))
        else:
            location = response.location if response.status_code in {301, 302, 303, 307, 308} else None
            if location is not None and len(location) > LOCATION_LENGTH:
                location = None
            db.session.execute(update(rows).where(rows.c.key == key)
                               .values(status=response.status_code, location=location))
        db.session.execute(delete(rows).where(rows.c.created_at < utcnow() - KEEP_FOR))
        db.session.commit()
    except SQLAlchemyError:
        # The change itself is committed: a repeat of this form still does nothing, and says so.
        db.session.rollback()
        logger.warning("Could not record the result of form %s", request.endpoint, exc_info=True)
    return response


def _already_sent(key: str):
    first = db.session.get(FormSubmission, key)
    # Plumbing, not a change of state: logged, not audited.
    logger.info("Form %s sent again by user %s: not acted on (first result %s)", request.endpoint, _user_id(),
                first.status if first is not None else "unknown")
    if (
        first is not None
        and first.location
        and first.endpoint == request.endpoint
        and first.user_id == _user_id()
        and _is_local(first.location)
    ):
        flash(ALREADY_SENT, "info")
        return redirect(first.location, 303)
    return render_template("errors/form_already_sent.html", back_link=_back_link()), 409


def _user_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def _is_local(location: str) -> bool:
    parts = urlsplit(location)
    if parts.scheme or parts.netloc:
        return parts.netloc == request.host
    return location.startswith("/")


def _back_link() -> str:
    referrer = request.referrer or ""
    if referrer and urlsplit(referrer).netloc == request.host:
        return referrer
    return url_for("main.home") if current_user.is_authenticated else url_for("main.start")
