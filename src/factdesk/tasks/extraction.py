"""The extraction task."""

from __future__ import annotations

import logging

from celery import shared_task

from ..services.extraction import extract_revision as extract_revision_service
from .context import runtime

log = logging.getLogger(__name__)


@shared_task(name="factdesk.extract_revision", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def extract_revision(revision_id: int, job_id: int | None = None) -> str:
    """Extract one revision's claims; `job_id` is the outbox job that sent this (informational)."""
    log.info("extracting revision %s (job %s)", revision_id, job_id)
    outcome = extract_revision_service(runtime().sessions, revision_id)
    log.info("extract_revision %s (job %s): %s", revision_id, job_id, outcome)
    return outcome
