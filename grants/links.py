"""Links that leave the service: in emails, shareable addresses and anything else a person follows
later. They are built from the configured ``PUBLIC_BASE_URL``, never from the request's Host header,
which a visitor chooses (a forged Host would otherwise put the attacker's address in a genuine
password-reset email). They work outside a request too, as ``flask send-reminders`` needs.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app


def public_url(endpoint: str, **values) -> str:
    """The absolute address of ``endpoint`` at the service's public base URL."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    values = dict(values)
    current_app.inject_url_defaults(endpoint, values)
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    anchor = values.pop("_anchor", None)
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{anchor}" if anchor else url


def init_app(app: Flask) -> None:
    app.add_template_global(public_url)
