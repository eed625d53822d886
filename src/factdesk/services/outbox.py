"""The transactional outbox: jobs are written with the change that needs them and sent only after commit.

A job is sent to the broker right after its transaction commits. If the broker is down the job stays
`pending` in the database and `sweep_outbox` sends it again later, so nothing accepted is lost.

A long job keeps a heartbeat on its row while it runs (`run_job`): the sweep leaves a job with a fresh
heartbeat alone, and a second delivery of it does not start while the first is alive, so a job is never
run twice at once; once the heartbeat goes stale (the worker died) the sweep sends it again.
"""

from __future__ import annotations

import contextvars
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import delete, event, inspect, or_, select, update
from sqlalchemy.orm import Session

from ..db import Sessions, unit_of_work
from ..logs import current_request_id
from ..models import OutboxJob, utcnow

log = logging.getLogger(__name__)

_PENDING_SENDS = "factdesk.pending_sends"
SENDER_KEY = "factdesk.sender"
# A running job refreshes its heartbeat this often; one not refreshed for HEARTBEAT_STALE_SECONDS is dead.
HEARTBEAT_SECONDS = 10.0
HEARTBEAT_STALE_SECONDS = 3 * HEARTBEAT_SECONDS


@dataclass(frozen=True)
class Send:
    """What the broker needs to run one outbox job: plain values, never ORM objects."""

    job_id: int
    task: str
    args: list[Any]
    countdown: float
    # how much work the job is (characters of text for an extraction); the sender routes large jobs
    size: int | None = None
    # the request that wrote the job: the task's log lines carry it, however late the sweep sends it
    request_id: str | None = None


class Sender(Protocol):
    def send(self, sends: Sequence[Send]) -> None: ...


def add_job(
    session: Session, task: str, args: list[Any], *, draft_id: int | None = None, delay: float = 0.0,
    size: int | None = None,
) -> OutboxJob:
    """Write a job in the caller's transaction; it is sent once that transaction commits. `size` is how much
    work it is (characters of text, for an extraction): the sender routes a large job to its own queue. The
    job keeps the request id of the request (or task) being served, for its task's log lines."""
    now = utcnow()
    job = OutboxJob(
        task=task,
        args=args,
        draft_id=draft_id,
        status="pending",
        available_at=now + timedelta(seconds=delay),
        sent_at=now,
        send_count=1,
        size=size,
        request_id=current_request_id(),
    )
    session.add(job)
    session.info.setdefault(_PENDING_SENDS, []).append(job)
    return job


def supersede_jobs(session: Session, task: str, draft_id: int) -> int:
    """Drop pending jobs of `task` for a draft that newer work replaces; returns how many."""
    result = session.execute(
        update(OutboxJob)
        .where(OutboxJob.task == task, OutboxJob.draft_id == draft_id, OutboxJob.status == "pending")
        .values(status="superseded", done_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def finish_jobs(session: Session, task: str, args: list[Any], *, draft_id: int | None) -> None:
    """Mark every pending job of `task` with these `args` done (safe to repeat)."""
    for job in session.scalars(
        select(OutboxJob).where(
            OutboxJob.task == task, OutboxJob.status == "pending", OutboxJob.draft_id == draft_id
        )
    ):
        if job.args == args:
            job.status, job.done_at = "done", utcnow()


def sweep_outbox(
    sessions: Sessions, *, grace: float, resend_after: float, now: datetime | None = None, limit: int = 500,
    stale_after: float = HEARTBEAT_STALE_SECONDS,
) -> list[Send]:
    """Send again the pending jobs that should have run by now but have not (one unit of work; the sends
    go out after its commit).

    A job is re-sent when it became due more than `grace` seconds ago and was last sent more than
    `grace` seconds ago (and at most every `resend_after` seconds after its second send), unless a worker
    is running it: a job whose heartbeat is less than `stale_after` seconds old is left alone. Sending
    twice is harmless: every task is safe to run twice. Returns what was re-sent.
    """
    now = now or utcnow()
    cutoff = now - timedelta(seconds=grace)
    query = (
        select(OutboxJob)
        .where(OutboxJob.status == "pending", OutboxJob.available_at <= cutoff,
               or_(OutboxJob.heartbeat_at.is_(None), OutboxJob.heartbeat_at <= now - timedelta(seconds=stale_after)))
        .order_by(OutboxJob.available_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    resent = []
    with unit_of_work(sessions) as session:
        for job in session.scalars(query):
            wait = grace if job.send_count <= 1 else max(grace, resend_after)
            if job.sent_at is not None and job.sent_at > now - timedelta(seconds=wait):
                continue
            job.sent_at, job.send_count = now, job.send_count + 1
            session.info.setdefault(_PENDING_SENDS, []).append(job)
            resent.append(_send(job))
    return resent


# Jobs that ended are kept this long after, for whoever asks why a draft was extracted twice or a callback sent
# when; then deleted (`prune_jobs`), a batch per transaction so that no long lock is held on a busy table.
PRUNE_BATCH = 5000


def prune_jobs(sessions: Sessions, *, keep_days: int, now: datetime | None = None, batch: int = PRUNE_BATCH) -> int:
    """Delete the jobs that ended (done or superseded) more than `keep_days` days ago; a pending job is never
    deleted, however old. Returns how many were deleted."""
    cutoff = (now or utcnow()) - timedelta(days=keep_days)
    deleted = 0
    while True:
        with unit_of_work(sessions) as session:
            ids = list(session.scalars(
                select(OutboxJob.id).where(OutboxJob.status.in_(("done", "superseded")), OutboxJob.done_at < cutoff)
                .limit(batch)))
            if ids:
                session.execute(delete(OutboxJob).where(OutboxJob.id.in_(ids)))
        deleted += len(ids)
        if len(ids) < batch:
            return deleted


def _collect(session: Session) -> None:
    jobs = session.info.pop(_PENDING_SENDS, [])
    if not jobs:
        return
    session.flush()
    # A job added inside a savepoint that was rolled back is no longer in the database: don't send it.
    jobs = [j for j in jobs if inspect(j).persistent]
    now = utcnow()
    session.info["factdesk.ready_sends"] = [_send(j, now) for j in jobs]


def _send(job: OutboxJob, now: datetime | None = None) -> Send:
    countdown = max(0.0, (job.available_at - (now or utcnow())).total_seconds())
    return Send(job.id, job.task, list(job.args), countdown, job.size, job.request_id)


def claim_job(sessions: Sessions, job_id: int, *, stale_after: float = HEARTBEAT_STALE_SECONDS,
              now: datetime | None = None) -> bool:
    """Start running a pending job: set its heartbeat, unless another run's heartbeat is fresh (one atomic
    UPDATE, so two deliveries starting at once cannot both win). Returns False only when another run is
    alive; True when this run may go on (also for a job that is done or gone: the task finds that out
    itself, safely). Safe to repeat."""
    now = now or utcnow()
    with unit_of_work(sessions) as session:
        claimed = session.execute(
            update(OutboxJob)
            .where(OutboxJob.id == job_id, OutboxJob.status == "pending",
                   or_(OutboxJob.heartbeat_at.is_(None),
                       OutboxJob.heartbeat_at <= now - timedelta(seconds=stale_after)))
            .values(heartbeat_at=now)
            .execution_options(synchronize_session=False)
        )
        if getattr(claimed, "rowcount", 0):
            return True
        job = session.get(OutboxJob, job_id)
        return job is None or job.status != "pending"


def beat_job(sessions: Sessions, job_id: int, now: datetime | None = None) -> None:
    """Refresh a running job's heartbeat (a pending job only; a finished one is left as it is)."""
    with unit_of_work(sessions) as session:
        session.execute(
            update(OutboxJob)
            .where(OutboxJob.id == job_id, OutboxJob.status == "pending")
            .values(heartbeat_at=now or utcnow())
            .execution_options(synchronize_session=False)
        )


@contextmanager
def run_job(sessions: Sessions, job_id: int | None, *, every: float = HEARTBEAT_SECONDS,
            stale_after: float = HEARTBEAT_STALE_SECONDS) -> Iterator[bool]:
    """Run an outbox job under a heartbeat: yields False when another run of it is alive (skip it), else True
    and refreshes the heartbeat every `every` seconds from a thread until the block ends. A heartbeat that
    fails (database down) is logged and tried again; it never fails the job. `job_id` None: no heartbeat."""
    if job_id is None:
        yield True
        return
    if not claim_job(sessions, job_id, stale_after=stale_after):
        yield False
        return
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(every):
            try:
                beat_job(sessions, job_id)
            except Exception as exc:  # the job goes on; a missed beat only lets the sweep re-send it later
                log.warning("heartbeat of outbox job %s failed: %s", job_id, exc)

    # In the task's context, so that its warnings carry the task's request id.
    thread = threading.Thread(target=contextvars.copy_context().run, args=(beat,), name=f"heartbeat-{job_id}",
                              daemon=True)
    thread.start()
    try:
        yield True
    finally:
        stop.set()
        thread.join()


def _dispatch(session: Session) -> None:
    sends = session.info.pop("factdesk.ready_sends", [])
    sender: Sender | None = session.info.get(SENDER_KEY)
    if sends and sender is not None:
        sender.send(sends)


def _discard(session: Session, previous_transaction: Any) -> None:
    # Only the outermost rollback forgets the jobs; a savepoint's rollback leaves the rest of the
    # transaction's jobs to be sent (its own jobs are dropped in _collect, no longer being persistent).
    if previous_transaction.parent is None:
        session.info.pop(_PENDING_SENDS, None)
        session.info.pop("factdesk.ready_sends", None)


def install(session_class: Any = Session) -> None:
    """Hook the outbox into every session: collect before commit, send after it, forget on rollback."""
    if not event.contains(session_class, "before_commit", _collect):
        event.listen(session_class, "before_commit", _collect)
        event.listen(session_class, "after_commit", _dispatch)
        event.listen(session_class, "after_soft_rollback", _discard)
