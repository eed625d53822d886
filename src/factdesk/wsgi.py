"""WSGI entrypoint for gunicorn: `gunicorn factdesk.wsgi:app`.

gunicorn imports this module in each worker process after forking it (no --preload), so the warm-up below runs
once per worker, before its first request.
"""

from .api import create_app, warm_up

app = create_app()
warm_up(app)
