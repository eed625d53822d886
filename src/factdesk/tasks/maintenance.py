"""Periodic housekeeping: re-sending outbox jobs that were never run, returning expired leases to the queue,
deleting the jobs that ended long ago."""

from __future__ import annotations

import logging

from celery import shared_task

from ..domain.actors import SYSTEM
from ..services.outbox import prune_jobs as prune_jobs_service
from ..services.outbox import sweep_outbox as sweep_outbox_service
from ..services.queue import expire_leases as expire_leases_service
from .context import runtime

log = logging.getLogger(__name__)


@shared_task(name="factdesk.sweep_outbox", acks_late=True, ignore_result=True)
def sweep_outbox(job_id: int | None = None) -> int:
    """Re-send pending outbox jobs whose first send was lost (broker down, worker killed); a job a worker
    is running keeps a fresh heartbeat and is left alone (services.outbox.run_job)."""
    rt = runtime()
    settings = rt.settings
    resent = sweep_outbox_service(
        rt.sessions, grace=settings.sweep_grace_seconds, resend_after=max(300.0, settings.sweep_grace_seconds)
    )
    if resent:
        log.info("sweep re-sent %d job(s)", len(resent))
    return len(resent)


@shared_task(name="factdesk.expire_leases", acks_late=True, ignore_result=True)
def expire_leases(job_id: int | None = None) -> int:
    """Return claims whose lease ran out to the queue, each audited (safe to run twice).

    Leasing already treats an expired lease as over; this sweep makes the queue, the audit log and
    /metrics say so too, even when nobody leases.
    """
    expired = expire_leases_service(runtime().sessions, SYSTEM)
    if expired:
        log.info("returned %d expired lease(s) to the queue", expired)
    return expired


@shared_task(name="factdesk.prune_jobs", acks_late=True, ignore_result=True)
def prune_jobs(job_id: int | None = None) -> int:
    """Delete the outbox jobs that ended more than FACTDESK_JOB_RETENTION_DAYS ago (safe to run twice): every
    revision writes one or two, and the table would otherwise grow for as long as the newsroom saves drafts."""
    rt = runtime()
    deleted = prune_jobs_service(rt.sessions, keep_days=rt.settings.job_retention_days)
    if deleted:
        log.info("deleted %d job(s) that ended over %d days ago", deleted, rt.settings.job_retention_days)
    return deleted

