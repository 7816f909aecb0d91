"""Links that leave the service, and links a long table writes once a row.

Links that leave the service, in emails, shareable addresses and anything else a person follows
later, are built from the configured ``PUBLIC_BASE_URL``, never from the request's Host header,
which a visitor chooses (a forged Host would otherwise put the attacker's address in a genuine
password-reset email). They work outside a request too, as ``flask send-reminders`` needs.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, url_for


def public_url(endpoint: str, **values) -> str:
    """The absolute address of ``endpoint`` at the service's public base URL."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    values = dict(values)
    current_app.inject_url_defaults(endpoint, values)
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    anchor = values.pop("_anchor", None)
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{anchor}" if anchor else url


def link_around_id(endpoint: str, key: str, **values) -> tuple[str, str]:
    """``url_for(endpoint, **{key: <id>}, **values)`` as the text before the id and after it, so that a
    table writes a link for each of its rows by putting the row's id between them, without building
    each through the URL map. Made from the links for ids 0 and 1, which differ only there."""
    zero, one = (url_for(endpoint, **{**values, key: number}) for number in (0, 1))
    at = next(index for index, (a, b) in enumerate(zip(zero, one, strict=True)) if a != b)
    return zero[:at], zero[at + 1:]


def init_app(app: Flask) -> None:
    app.add_template_global(public_url)
    app.add_template_global(link_around_id)
