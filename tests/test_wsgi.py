"""``gunicorn wsgi:app`` serves the app, in the production profile."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_gunicorn_serves_the_start_page_and_health_check(app, tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "GRANTS_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "BANK_DETAILS_KEYS": "XlYs6h2pn0m4vQp8KZCqRk7bqk2bq1bQ6tq5xv0cW3I=",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "GRANTS_INSTANCE_PATH": str(tmp_path),
    }
    root = Path(__file__).resolve().parent.parent
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "wsgi:app"],
        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError as error:
                if time.monotonic() > deadline or server.poll() is not None:
                    output = server.stdout.read().decode() if server.poll() is not None else "no answer"
                    raise AssertionError(output) from error
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            body = response.read().decode()
            assert "Apply for a Commissioners Grant" in body
            assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        # Only the configured public host is answered: a forged Host header gets 400, not a page
        # (nor an email) whose links point elsewhere.
        forged = urllib.request.Request(f"http://127.0.0.1:{port}/reset-password", headers={"Host": "evil.example"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(forged, timeout=5)
        assert refused.value.code == 400
        refused.value.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()
