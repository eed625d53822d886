"""The revert task: ask a CMS to unpublish a text the gate did not clear, retrying with backoff."""

from __future__ import annotations

import logging

from celery import Task, shared_task

from ..services.reverts import revert_publication as revert
from .context import runtime

log = logging.getLogger(__name__)


@shared_task(name="factdesk.revert_publication", bind=True, acks_late=True, reject_on_worker_lost=True,
             ignore_result=True, max_retries=None)
def revert_publication(self: Task, publication_id: int, job_id: int | None = None) -> str:
    """Ask the CMS once to unpublish publication `publication_id`; on a transient failure retry after the
    backoff the publication's attempt count gives (the count lives in the database, as deliveries' does)."""
    rt = runtime()
    attempt = revert(rt.sessions, rt.settings, publication_id)
    log.info("revert_publication %s (job %s): %s", publication_id, job_id, attempt.outcome)
    if attempt.outcome == "retry":
        raise self.retry(countdown=attempt.retry_in, kwargs={"job_id": job_id})
    return attempt.outcome
