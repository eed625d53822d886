"""A worker killed (SIGKILL) in the middle of an extraction: the job is run again by another worker, and the draft
gets its claims once: exactly the claims of its text, stored by one run.

On what the suite runs on (private PostgreSQL and Redis, or SQLite and the embedded broker)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factdesk.db import unit_of_work
from factdesk.extraction import extract
from factdesk.models import Claim, Revision
from tests.faults.stack import Stack

pytestmark = [pytest.mark.worker, pytest.mark.slow]


def test_an_extraction_cut_off_by_a_killed_worker_is_run_again_and_stored_once(stack: Stack, lecun_text: str):
    # Long enough (60 KB, seconds of work) that the worker is still at it when it is killed.
    text = "\n\n".join([lecun_text] * 15)
    rita = stack.user("rita", "reporter")
    r = stack.http.post("/api/v1/drafts", json_body={"body": text}, headers=rita)
    assert r.status == 202, r
    revision_id = r.json()["current_revision"]["id"]

    # The worker has taken the job: it set the job's heartbeat, then started extracting.
    stack.wait(lambda: (job := stack.extraction_job(revision_id)) and job.heartbeat_at, "the job taken",
               timeout=60, interval=0.05)
    stack.worker.kill()
    assert not stack.extracted([revision_id]), "the worker finished before it was killed: nothing was tested"
    killed_log = stack.worker.log()

    stack.worker.start()  # another worker: the sweep sends the job again once the dead run's heartbeat is stale
    stack.wait(lambda: stack.extracted([revision_id]), "extracted by the other worker", timeout=150, interval=0.5)

    with unit_of_work(stack.sessions) as s:
        stored = list(s.scalars(select(Claim.fingerprint).where(Claim.revision_id == revision_id)))
        revision = s.get(Revision, revision_id)
        assert revision is not None
        expected = [c.fingerprint for c in extract(revision.body, fmt=revision.format, title=revision.title,
                                                    reference_date=revision.reference_date).claims]
    assert sorted(stored) == sorted(expected)  # every claim of the text, each once
    job = stack.extraction_job(revision_id)
    assert job is not None and job.status == "done" and job.send_count >= 2  # sent again after the crash
    outcome = f"extract_revision {revision_id} (job {job.id}): "
    assert outcome not in killed_log  # the killed run never finished
    log = stack.worker.log()
    assert log.count(outcome + "stored") == 1, log[-3000:]
