"""Celery entrypoint: `celery -A workers.celery_app worker` (or `factdesk worker`, which does the same).

Configuration comes from the FACTDESK_* environment variables, like every other factdesk process.
"""

from factdesk.celery_app import create_celery
from factdesk.config import Settings

app = create_celery(Settings.from_env())
