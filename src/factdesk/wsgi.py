"""WSGI entrypoint for gunicorn: `gunicorn factdesk.wsgi:app`.

gunicorn imports this module in each worker process after forking it (no --preload), so the warm-up below runs
once per worker, before its first request.
"""

import logging

from .api import create_app, warm_up

app = create_app()
logging.captureWarnings(True)  # a warning is a log line in the process's format, not bare text on stderr
warm_up(app)
