"""The deadlines page and its calendar feed.

The page is for signed-in staff and grantees. The feed (``/deadlines.ics?token=…``) is public:
the random token in its address is the key, because a calendar app subscribing to it cannot sign
in. A wrong, replaced or stopped token is "not found", as is a person who can no longer sign in.
Opening the feed changes nothing.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from grants.blueprints.deadlines import bp
from grants.blueprints.deadlines.calendar import feed as calendar_feed
from grants.formatting import london_today
from grants.interfaces.deadlines import dates as deadlines
from grants.links import public_url
from grants.permissions import public, role_required


def _page(new_address: str | None = None, status: int = 200):
    user = current_user._get_current_object()
    found = deadlines.deadlines_for(user)
    return render_template(
        "deadlines/index.html",
        groups=deadlines.grouped(found, london_today()),
        count=len(found),
        everyone=deadlines.may_see_all(user),
        organisation=user.organisation,
        calendar=deadlines.feed_of(user),
        new_address=new_address,
        horizon_days=deadlines.HORIZON_DAYS,
    ), status


@bp.route("/deadlines")
@role_required(*deadlines.DEADLINE_USERS)
def index():
    return _page()


@bp.route("/deadlines/calendar", methods=["POST"])
@role_required(*deadlines.DEADLINE_USERS)
def new_calendar():
    """A new secret address, shown on the page this once (only its digest is kept)."""
    token = deadlines.new_feed_token(current_user._get_current_object())
    return _page(new_address=public_url("deadlines.feed", token=token))


@bp.route("/deadlines/calendar/stop", methods=["POST"])
@role_required(*deadlines.DEADLINE_USERS)
def stop_calendar():
    if deadlines.stop_feed(current_user._get_current_object()):
        flash("Your calendar feed has stopped. Its address no longer works", "success")
    else:
        flash("You have no calendar feed to stop", "error")
    return redirect(url_for("deadlines.index", _anchor="calendar"))


@bp.route("/deadlines.ics")
@public
def feed():
    user = deadlines.user_for_token(request.args.get("token"))
    if user is None:
        abort(404)
    if deadlines.may_see_all(user):
        name = "Commissioners Grants deadlines"
    else:
        name = f"{user.organisation.name} grant deadlines" if user.organisation else "Grant deadlines"
    body = calendar_feed(deadlines.deadlines_for(user), name)
    # Sent as "text/calendar; charset=utf-8": Werkzeug adds the charset to a text/ type.
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    # Personal to the token's owner: never kept by a shared cache.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
