"""One commit point per request: views call the services and render; the request commits once, here.

After each request the session is committed when the response is a success or a redirect (status
below 400) and the request wrote something; otherwise it is rolled back. A request that ends in an
exception is rolled back (``teardown_request``). Views therefore never commit for themselves, except
where a write must be committed before the response is finished (each such commit says why).

"Wrote something" means a flush that saved, changed or deleted a row, or an INSERT, UPDATE or DELETE
run through the session, other than the one-time form key (``grants.form_keys``), which is flushed
before every keyed POST: a form shown again with its mistakes writes nothing else, so its key is
rolled back with it and stays usable. A view that catches a service's refusal and shows the form
again (status 200) or redirects must undo what the service may have written before refusing: its
``except`` branch calls ``db.session.rollback()`` (which also leaves the form's key usable).

If the commit itself fails, the response must not claim success (a redirect to a page that says
"saved", a success message waiting in the session): the transaction is rolled back, the messages
waiting to be shown are dropped, and the person sees the error page instead: "someone else changed
this" (409) when another transaction saved a row after this one read it, "the service is
unavailable" (503) when the database cannot be reached, else "there is a problem with the service"
(500, logged with its traceback).

CLI commands and other work outside a request (``flask send-reminders``, the demo seed, reference
data) are not requests: they commit for themselves.

Registered in ``create_app`` after ``grants.form_keys``: Flask runs ``after_request`` functions in
the reverse order of registration, so this commit comes first and the form key's result, written in
its own small transaction just after the request's commit, sees it.
"""

from __future__ import annotations

import logging

from flask import Flask, Response
from flask import session as browser_session
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.orm.exc import StaleDataError

from grants.extensions import db
from grants.models.form_submissions import FormSubmission

# The key in ``Session.info`` that says the session's transaction wrote something worth committing.
WROTE = "grants.transaction_wrote"

logger = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    app.after_request(_commit_or_roll_back)
    app.teardown_request(_roll_back_after_exception)
    for name, listener in (("after_flush", _note_flush), ("do_orm_execute", _note_statement),
                           ("after_transaction_end", _forget_writes)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def wrote(session: Session) -> bool:
    """Whether the session's transaction has written, or holds changes still to write, other than a
    one-time form key."""
    return bool(session.info.get(WROTE)) or _changes_other_than_form_keys(session)


def _commit_or_roll_back(response: Response) -> Response:
    if not db.session.registry.has():  # the request never used the database (a static file)
        return response
    session = db.session()  # this request's session, behind the scoped proxy
    if response.status_code >= 400 or not wrote(session):
        session.rollback()
        return response
    try:
        session.commit()
    except SQLAlchemyError as error:
        return _commit_failed(error)
    return response


def _roll_back_after_exception(error: BaseException | None) -> None:
    if error is None:
        return
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the request has already failed; this must not hide why
        logger.warning("Could not roll back after an exception", exc_info=True)


def _commit_failed(error: SQLAlchemyError):
    from grants import errors

    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - with the database gone even this can fail; the page is still drawn
        logger.warning("Could not roll back after a failed commit", exc_info=True)
    # "Saved" and the like, flashed by the view for the page after its redirect, are not true.
    browser_session.pop("_flashes", None)
    if isinstance(error, StaleDataError):
        logger.warning("Commit refused: another transaction changed a row first: %s", error)
        response = errors.changed_by_someone_else()
    elif errors.database_unavailable(error):
        logger.warning("The database became unavailable at the commit: %s", errors.summary(error))
        response = errors.unavailable()
    else:
        logger.error("The request's commit failed", exc_info=error)
        response = errors.server_error_page()
    return errors.as_response(response)


def _changes_other_than_form_keys(session: Session) -> bool:
    return any(not isinstance(obj, FormSubmission) for obj in (*session.new, *session.deleted)) or any(
        not isinstance(obj, FormSubmission) and session.is_modified(obj) for obj in session.dirty
    )


def _note_flush(session: Session, _flush_context) -> None:
    # After the flush the session still lists what it flushed as new, dirty and deleted.
    if _changes_other_than_form_keys(session):
        session.info[WROTE] = True


def _note_statement(state) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if table is not None and table is FormSubmission.__table__:
        return
    state.session.info[WROTE] = True


def _forget_writes(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the session's own transaction (not a savepoint) has ended
        session.info.pop(WROTE, None)
