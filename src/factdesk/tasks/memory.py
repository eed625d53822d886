"""The near search task: a revision's earlier checks in other words, found once its claims are stored."""

from __future__ import annotations

import logging

from celery import shared_task

from ..services.near_matches import search_revision
from ..services.outbox import run_job
from .context import runtime

log = logging.getLogger(__name__)


@shared_task(name="factdesk.match_near", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def match_near(revision_id: int, job_id: int | None = None) -> str:
    """Store the near matches of a revision's claims (safe to run twice), under the outbox job's heartbeat."""
    sessions = runtime().sessions
    with run_job(sessions, job_id) as mine:
        outcome = search_revision(sessions, revision_id) if mine else "running_elsewhere"
    log.info("match_near %s (job %s): %s", revision_id, job_id, outcome)
    return outcome
