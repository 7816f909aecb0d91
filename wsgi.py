"""WSGI entry point: ``gunicorn wsgi:app``."""

from grants import create_app

app = create_app()
