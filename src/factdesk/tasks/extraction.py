"""The extraction task."""

from __future__ import annotations

import logging

from celery import shared_task

from ..services.extraction import extract_revision as extract_revision_service
from ..services.outbox import run_job
from .context import runtime

log = logging.getLogger(__name__)


@shared_task(name="factdesk.extract_revision", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def extract_revision(revision_id: int, job_id: int | None = None) -> str:
    """Extract one revision's claims (safe to run twice). `job_id` is the outbox job that sent this: the run
    keeps a heartbeat on it, so the sweep does not send it again while it runs, and a second delivery of it
    that arrives meanwhile returns "running_elsewhere" at once."""
    sessions = runtime().sessions
    log.info("extracting revision %s (job %s)", revision_id, job_id)
    with run_job(sessions, job_id) as mine:
        outcome = extract_revision_service(sessions, revision_id) if mine else "running_elsewhere"
    log.info("extract_revision %s (job %s): %s", revision_id, job_id, outcome)
    return outcome
