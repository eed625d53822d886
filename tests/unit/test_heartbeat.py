"""A running job keeps a heartbeat that the sweep respects, and a large draft's extraction has its own queue."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from factdesk.celery_app import DEFAULT_QUEUE, LARGE_QUEUE, queue_for
from factdesk.db import unit_of_work
from factdesk.models import OutboxJob, Revision, utcnow
from factdesk.services import outbox
from factdesk.services.revisions import EXTRACT_TASK


class RecordingSender:
    def __init__(self) -> None:
        self.sent: list[outbox.Send] = []

    def send(self, sends):  # type: ignore[no-untyped-def]
        self.sent.extend(sends)


def factory_with(runtime, sender):  # type: ignore[no-untyped-def]
    return sessionmaker(**{**runtime.sessions.kw, "info": {outbox.SENDER_KEY: sender}})


def overdue_job(factory, args, *, heartbeat_age: float | None):  # type: ignore[no-untyped-def]
    """A pending job sent two minutes ago, its heartbeat `heartbeat_age` seconds old (None: never beat)."""
    now = utcnow()
    with unit_of_work(factory) as s:
        job = outbox.add_job(s, EXTRACT_TASK, args, size=2_000_000)
        job.available_at = job.sent_at = now - timedelta(seconds=120)
        if heartbeat_age is not None:
            job.heartbeat_at = now - timedelta(seconds=heartbeat_age)
        s.flush()
        return job.id


def test_the_sweep_leaves_a_running_job_alone_and_resends_a_dead_one(runtime, sessions):
    sender = RecordingSender()
    factory = factory_with(runtime, sender)
    running = overdue_job(factory, [1], heartbeat_age=outbox.HEARTBEAT_SECONDS)
    dead = overdue_job(factory, [2], heartbeat_age=outbox.HEARTBEAT_STALE_SECONDS + 5)
    never_ran = overdue_job(factory, [3], heartbeat_age=None)
    sender.sent.clear()
    resent = outbox.sweep_outbox(factory, grace=30, resend_after=300)
    assert sorted(s.job_id for s in resent) == sorted([dead, never_ran])
    assert running not in [s.job_id for s in sender.sent]
    assert {s.size for s in resent} == {2_000_000}  # re-sent to the queue it was routed to
    with unit_of_work(factory) as s:
        assert s.get(OutboxJob, running).send_count == 1
        assert s.get(OutboxJob, dead).send_count == 2


def test_a_second_delivery_does_not_start_while_the_first_beats(runtime, sessions):
    factory = factory_with(runtime, RecordingSender())
    job_id = overdue_job(factory, [7], heartbeat_age=None)
    with outbox.run_job(factory, job_id, every=0.05) as first:
        assert first
        with outbox.run_job(factory, job_id) as second:
            assert not second
        with unit_of_work(factory) as s:
            before = s.get(OutboxJob, job_id).heartbeat_at
        time.sleep(0.3)
        with unit_of_work(factory) as s:
            assert s.get(OutboxJob, job_id).heartbeat_at > before  # refreshed while it runs
    # Once its heartbeat is stale (the worker died), another delivery may run it.
    later = utcnow() + timedelta(seconds=outbox.HEARTBEAT_STALE_SECONDS + 1)
    assert outbox.claim_job(factory, job_id, now=later)


def test_a_finished_job_is_not_beaten_and_lets_a_redelivery_through(runtime, sessions):
    factory = factory_with(runtime, RecordingSender())
    job_id = overdue_job(factory, [8], heartbeat_age=None)
    with unit_of_work(factory) as s:
        s.get(OutboxJob, job_id).status = "done"
    assert outbox.claim_job(factory, job_id)  # the task itself then finds the work done
    outbox.beat_job(factory, job_id)
    with unit_of_work(factory) as s:
        assert s.get(OutboxJob, job_id).heartbeat_at is None
    assert outbox.claim_job(factory, 10**9)  # a job that is gone: the task finds that out too


def send(task: str = EXTRACT_TASK, size: int | None = None) -> outbox.Send:
    return outbox.Send(job_id=1, task=task, args=[1], countdown=0.0, size=size)


def test_a_large_revision_is_extracted_on_the_large_queue():
    assert queue_for(send(size=100_001), large_chars=100_000) == LARGE_QUEUE
    assert queue_for(send(size=100_000), large_chars=100_000) is None  # the default queue
    assert queue_for(send(size=None), large_chars=100_000) is None  # a job written before sizes were kept
    assert queue_for(send("factdesk.deliver_event", size=10**7), large_chars=100_000) is None
    assert DEFAULT_QUEUE != LARGE_QUEUE


def test_a_saved_revision_records_its_size_for_routing(runtime, sessions, users):
    from factdesk.services.revisions import Submission, save_revision

    actor, _ = users.make("rhea", "reporter")
    body = "The city paid $3 million. " * 5000
    with unit_of_work(sessions) as s:
        rev_id = save_revision(s, actor, Submission(body=body)).revision.id
    with unit_of_work(sessions) as s:
        [job] = [j for j in s.scalars(select(OutboxJob)) if j.args == [rev_id]]
        assert job.size == len(s.get(Revision, rev_id).text) > 100_000
        routed = outbox.Send(job.id, job.task, job.args, 0.0, job.size)
    assert queue_for(routed, runtime.settings.large_draft_chars) == LARGE_QUEUE
