"""The outbound event task: deliver one signed event to a CMS callback URL, retrying with backoff."""

from __future__ import annotations

import logging

from celery import Task, shared_task

from ..services.deliveries import attempt_delivery
from .context import runtime

log = logging.getLogger(__name__)


@shared_task(name="factdesk.deliver_event", bind=True, acks_late=True, reject_on_worker_lost=True,
             ignore_result=True, max_retries=None)
def deliver_event(self: Task, delivery_id: int, job_id: int | None = None) -> str:
    """POST event delivery `delivery_id`; on failure retry after the backoff the delivery log recorded.

    The attempt count lives in the database (FACTDESK_CALLBACK_MAX_ATTEMPTS), not in Celery, so a retry
    re-sent by the outbox sweep after a worker crash continues the same count.
    """
    rt = runtime()
    attempt = attempt_delivery(rt.sessions, rt.settings, delivery_id)
    log.info("deliver_event %s (job %s): %s", delivery_id, job_id, attempt.outcome)
    if attempt.outcome == "retry":
        raise self.retry(countdown=attempt.retry_in, kwargs={"job_id": job_id})
    return attempt.outcome
