"""The CMS inbox drain: saves the hook stored become draft revisions here, in batches."""

from __future__ import annotations

import logging

from celery import shared_task

from ..services.inbox import DRAIN_TASK, drain_inbox
from .context import runtime

log = logging.getLogger(__name__)

# A drain gives its worker slot back after this long (extractions wait for slots too) and asks for the next.
DRAIN_SECONDS = 20.0


@shared_task(name=DRAIN_TASK, acks_late=True, ignore_result=True)
def process_inbox(job_id: int | None = None) -> int:
    """Place every save waiting in the inbox (safe to run twice or concurrently). Sent by the hook when no
    drain is pending, and by the scheduler every FACTDESK_SWEEP_INTERVAL_SECONDS for anything left over."""
    rt = runtime()
    rt.drain_signal.clear()  # saves stored from now on ask for another drain
    drained = drain_inbox(rt.sessions, debounce=rt.settings.debounce_seconds, seconds=DRAIN_SECONDS)
    if drained.placed:
        log.info("placed %d CMS save(s) from the inbox", drained.placed)
    if drained.waiting:  # stopped at DRAIN_SECONDS with saves still waiting
        process_inbox.apply_async(retry=False)
    return drained.placed
