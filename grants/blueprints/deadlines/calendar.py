"""The deadlines as an iCalendar (RFC 5545) feed, as Outlook, Google Calendar and Apple Calendar
subscribe to: one all-day event a deadline, its UID stable while the record exists, so that a
calendar refreshing the feed moves an event whose date changed rather than adding another."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event

from grants.interfaces.deadlines.dates import Deadline
from grants.links import public_url

PRODUCT_ID = ("-//Office of the Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly"
              "//Commissioners Grants//EN")
REFRESH = timedelta(hours=6)  # how often we ask calendar apps to fetch the feed again


def feed(deadlines: Iterable[Deadline], name: str, now: datetime | None = None) -> bytes:
    """The calendar, ready to send: CRLF line ends, long lines folded, text escaped by icalendar."""
    now = now or datetime.now(UTC)
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "localhost"
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")  # the same, as older Outlook reads it
    for deadline in deadlines:
        event = Event()
        event.add("uid", f"{deadline.key}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", deadline.on)  # a date: VALUE=DATE, an all-day event
        event.add("dtend", deadline.on + timedelta(days=1))
        event.add("summary", deadline.title)
        link = public_url(deadline.endpoint, **deadline.values)
        who = f"{deadline.organisation}. " if deadline.organisation else ""
        event.add("description", f"{deadline.kind_label}. {who}{deadline.detail}\n{link}")
        event.add("url", link)
        event.add("categories", [deadline.kind_label])
        event.add("transp", "TRANSPARENT")  # a deadline, not a meeting: the day is not shown as busy
        calendar.add_component(event)
    return calendar.to_ical()
