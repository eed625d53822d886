"""The outbox: jobs are sent only after commit, never on rollback, and swept again when lost."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from factdesk.db import unit_of_work
from factdesk.models import OutboxJob, utcnow
from factdesk.services import outbox


class RecordingSender:
    """A fake broker that remembers what it was given."""

    def __init__(self) -> None:
        self.sent: list[outbox.Send] = []

    def send(self, sends):  # type: ignore[no-untyped-def]
        self.sent.extend(sends)


def session_factory(runtime, sender):  # type: ignore[no-untyped-def]
    factory = runtime.sessions.kw.copy()
    from sqlalchemy.orm import sessionmaker

    return sessionmaker(**{**factory, "info": {outbox.SENDER_KEY: sender}})


def test_a_job_is_sent_after_commit_and_not_on_rollback(runtime, sessions):
    sender = RecordingSender()
    factory = session_factory(runtime, sender)
    with unit_of_work(factory) as s:
        outbox.add_job(s, "factdesk.x", [1], delay=5)
        assert sender.sent == []  # not before the commit
    assert [(x.task, x.args) for x in sender.sent] == [("factdesk.x", [1])]
    assert 4 < sender.sent[0].countdown <= 5
    try:
        with unit_of_work(factory) as s:
            outbox.add_job(s, "factdesk.x", [2])
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass
    assert len(sender.sent) == 1
    with unit_of_work(factory) as s:
        assert s.scalars(select(OutboxJob.args)).all() == [[1]]


def test_the_sweep_resends_only_jobs_left_undone(runtime, sessions):
    sender = RecordingSender()
    factory = session_factory(runtime, sender)
    now = utcnow()
    with unit_of_work(factory) as s:
        lost = outbox.add_job(s, "factdesk.x", ["lost"])
        done = outbox.add_job(s, "factdesk.x", ["done"])
        fresh = outbox.add_job(s, "factdesk.x", ["fresh"])
        for job in (lost, done):
            job.available_at = job.sent_at = now - timedelta(seconds=120)
        done.status = "done"
        fresh.available_at = fresh.sent_at = now - timedelta(seconds=5)
    sender.sent.clear()
    resent = outbox.sweep_outbox(factory, grace=30, resend_after=300, now=now)
    assert [j.args for j in resent] == [["lost"]]
    assert [x.args for x in sender.sent] == [["lost"]]
    # Just re-sent: the next sweep leaves it alone for a while.
    assert outbox.sweep_outbox(factory, grace=30, resend_after=300, now=now) == []


def test_a_job_from_a_rolled_back_savepoint_is_not_sent(runtime, sessions):
    sender = RecordingSender()
    factory = session_factory(runtime, sender)
    with unit_of_work(factory) as s:
        outbox.add_job(s, "factdesk.x", ["kept"])
        try:
            with s.begin_nested():
                outbox.add_job(s, "factdesk.x", ["undone"])
                s.flush()
                raise RuntimeError("this part failed")
        except RuntimeError:
            pass
    assert [x.args for x in sender.sent] == [["kept"]]


def test_jobs_that_ended_long_ago_are_pruned_in_batches_and_pending_ones_never(runtime, sessions):
    now = utcnow()
    with unit_of_work(sessions) as s:
        jobs = {name: outbox.add_job(s, "factdesk.x", [name]) for name in
                ("old done", "old superseded", "old done 2", "recent done", "old pending")}
        for name, job in jobs.items():
            if name != "old pending":
                job.status = "superseded" if "superseded" in name else "done"
                job.done_at = now - timedelta(days=1 if name.startswith("recent") else 20)
        jobs["old pending"].available_at = now - timedelta(days=30)
    assert outbox.prune_jobs(sessions, keep_days=14, now=now, batch=2) == 3  # two batches
    with unit_of_work(sessions) as s:
        assert sorted(args[0] for args in s.scalars(select(OutboxJob.args))) == ["old pending", "recent done"]
    assert outbox.prune_jobs(sessions, keep_days=14, now=now) == 0
