"""Static files are linked with a hash of their bytes and cached for a year; pages are never cached."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from grants.static_assets import LONG_CACHE, ContentHashes
from tests.helpers import page


def _asset_urls(response) -> list[str]:
    soup = page(response)
    links = [tag["href"] for tag in soup.select("link[href]") if "/static/" in tag["href"]]
    scripts = [tag["src"] for tag in soup.select("script[src]") if "/static/" in tag["src"]]
    return links + scripts


def _fetch(client, url):
    response = client.get(url)
    response.close()  # a static file's response holds the file open
    return response


def test_pages_link_static_files_by_the_hash_of_their_content(app, client):
    urls = _asset_urls(client.get("/"))
    assert {urlsplit(url).path for url in urls} >= {
        "/static/css/application.css", "/static/js/application.mjs", "/static/images/favicon.svg"}
    for url in urls:
        parts = urlsplit(url)
        content = Path(app.static_folder, parts.path.removeprefix("/static/")).read_bytes()
        assert parse_qs(parts.query)["v"] == [hashlib.sha256(content).hexdigest()[:12]], url


def test_hashed_static_files_are_cached_for_a_year_and_pages_not_at_all(client):
    start = client.get("/")
    assert start.headers["Cache-Control"] == "no-store"
    for url in _asset_urls(start):
        response = _fetch(client, url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == LONG_CACHE == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("query", ["", "?v=0123456789ab", "?v="])
def test_unhashed_or_stale_static_urls_are_revalidated_not_kept(client, query):
    response = _fetch(client, "/static/css/application.css" + query)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"


def test_signed_in_pages_and_errors_are_not_cached(as_role, client):
    assert as_role("grants_officer").get("/home").headers["Cache-Control"] == "no-store"
    assert client.get("/no-such-page").headers["Cache-Control"] == "no-store"
    assert _fetch(client, "/static/no-such-file.css?v=0123456789ab").headers.get("Cache-Control") != LONG_CACHE


def test_a_changed_file_gets_a_new_hash(tmp_path):
    asset = tmp_path / "site.css"
    asset.write_text("body { color: black }")
    hashes = ContentHashes(str(tmp_path))
    first = hashes.get("site.css")
    assert first == hashlib.sha256(b"body { color: black }").hexdigest()[:12]
    assert hashes.get("site.css") == first  # kept, not read again
    asset.write_text("body { color: #0b0c0c }")
    os.utime(asset, ns=(0, asset.stat().st_mtime_ns + 1_000_000))
    assert hashes.get("site.css") not in (None, first)


@pytest.mark.parametrize("name", ["../secret_key", "/etc/passwd", "missing.css", "", None, "css"])
def test_only_files_inside_the_static_folder_get_a_hash(app, name):
    assert ContentHashes(app.static_folder).get(name) is None


def test_the_govuk_asset_path_stays_a_plain_folder(app):
    with app.test_request_context():
        from flask import url_for

        assert url_for("static", filename="govuk") == "/static/govuk"
