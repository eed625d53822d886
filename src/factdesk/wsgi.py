"""WSGI entrypoint for gunicorn: `gunicorn factdesk.wsgi:app`."""

from .api import create_app

app = create_app()
