"""The transactional outbox: jobs are written with the change that needs them and sent only after commit.

A job is sent to the broker right after its transaction commits. If the broker is down the job stays
`pending` in the database and `sweep_outbox` sends it again later, so nothing accepted is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from ..db import Sessions, unit_of_work
from ..models import OutboxJob, utcnow

log = logging.getLogger(__name__)

_PENDING_SENDS = "factdesk.pending_sends"
SENDER_KEY = "factdesk.sender"


@dataclass(frozen=True)
class Send:
    """What the broker needs to run one outbox job: plain values, never ORM objects."""

    job_id: int
    task: str
    args: list[Any]
    countdown: float


class Sender(Protocol):
    def send(self, sends: Sequence[Send]) -> None: ...


def add_job(
    session: Session, task: str, args: list[Any], *, draft_id: int | None = None, delay: float = 0.0
) -> OutboxJob:
    """Write a job in the caller's transaction; it is sent once that transaction commits."""
    now = utcnow()
    job = OutboxJob(
        task=task,
        args=args,
        draft_id=draft_id,
        status="pending",
        available_at=now + timedelta(seconds=delay),
        sent_at=now,
        send_count=1,
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
    sessions: Sessions, *, grace: float, resend_after: float, now: datetime | None = None, limit: int = 500
) -> list[Send]:
    """Send again the pending jobs that should have run by now but have not (one unit of work; the sends
    go out after its commit).

    A job is re-sent when it became due more than `grace` seconds ago and was last sent more than
    `grace` seconds ago (and at most every `resend_after` seconds after its second send). Sending twice
    is harmless: every task is safe to run twice. Returns what was re-sent.
    """
    now = now or utcnow()
    cutoff = now - timedelta(seconds=grace)
    query = (
        select(OutboxJob)
        .where(OutboxJob.status == "pending", OutboxJob.available_at <= cutoff)
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
    return Send(job.id, job.task, list(job.args), max(0.0, (job.available_at - (now or utcnow())).total_seconds()))


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
