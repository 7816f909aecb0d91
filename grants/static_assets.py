"""Cache-busting static URLs: ``url_for('static', ...)`` adds ``?v=`` and a hash of the file's bytes.

A browser or proxy may then keep a hashed file for a year without asking again (``immutable``):
a changed file gets a new hash, so a new URL. The hash is computed from the file on first use and
kept while the file's size and modification time stay the same, so there is no build step or
manifest, and a rebuilt asset gets its new hash without a restart. A request whose ``v`` is not
the file's current hash (an old page asking for a file that has since changed) gets the file
with the ordinary ``no-cache`` header, never a year-long one.
"""

from __future__ import annotations

import hashlib
import os
import stat as file_mode
import threading

from flask import Flask, request
from werkzeug.security import safe_join

LONG_CACHE = "public, max-age=31536000, immutable"  # a year: the longest HTTP caches honour


class ContentHashes:
    """Short SHA-256 hashes of the files under one folder, recomputed when a file changes."""

    def __init__(self, folder: str | None):
        self.folder = folder
        self._known: dict[str, tuple[int, int, str]] = {}
        self._lock = threading.Lock()

    def get(self, filename: str | None) -> str | None:
        """The file's hash (12 hex digits), or None when it is not a file in the folder."""
        if not self.folder or not filename:
            return None
        path = safe_join(self.folder, filename)
        if path is None:
            return None
        try:
            status = os.stat(path)
        except OSError:
            return None
        if not file_mode.S_ISREG(status.st_mode):
            return None
        known = self._known.get(filename)
        if known and known[:2] == (status.st_mtime_ns, status.st_size):
            return known[2]
        with open(path, "rb") as file:
            digest = hashlib.file_digest(file, "sha256").hexdigest()[:12]
        with self._lock:
            self._known[filename] = (status.st_mtime_ns, status.st_size, digest)
        return digest


def init_app(app: Flask) -> None:
    hashes = ContentHashes(app.static_folder)
    app.extensions["static_hashes"] = hashes

    @app.url_defaults
    def _add_content_hash(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values:
            digest = hashes.get(values.get("filename"))
            if digest:
                values["v"] = digest

    @app.after_request
    def _cache_hashed_files(response):
        if request.endpoint != "static" or response.status_code not in (200, 206, 304):
            return response
        requested = request.args.get("v")
        if requested and requested == hashes.get((request.view_args or {}).get("filename")):
            response.headers["Cache-Control"] = LONG_CACHE
        return response
