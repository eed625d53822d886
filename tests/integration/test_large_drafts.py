"""End to end: a large draft is extracted on its own queue while a small one posted after it goes through."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factdesk.db import unit_of_work
from factdesk.models import OutboxJob, Revision
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.slow]

# One claim-dense sentence, repeated: the hostile draft of issue 12 (tests/faults/test_large_draft.py sends it
# 75,000 times, 1.9 MB).
HOSTILE = "The city paid $3 million. "
LARGE = HOSTILE * 11_800  # about 300 KB


def extracted_at(sessions, revision_id):  # type: ignore[no-untyped-def]
    with unit_of_work(sessions) as s:
        return s.get(Revision, revision_id).extracted_at


def test_a_small_draft_is_not_held_back_by_a_large_one(worker, client, reporter, sessions):
    large = client.post("/api/v1/drafts", json={"body": LARGE}, headers=reporter)
    small = client.post("/api/v1/drafts", json={"body": "Sales rose 12% in 2019, the company said."},
                        headers=reporter)
    assert large.status_code == small.status_code == 202
    large_rev, small_rev = large.json["current_revision"]["id"], small.json["current_revision"]["id"]

    small_done = wait_for(lambda: extracted_at(sessions, small_rev), timeout=120)
    large_done = wait_for(lambda: extracted_at(sessions, large_rev), timeout=900, interval=1.0)
    assert small_done < large_done  # the small draft did not wait behind the large one

    listing = client.get(f"/api/v1/drafts/{large.json['id']}/claims", headers=reporter).json
    money = next(c for c in listing["items"] if c["type"] == "money")
    assert len(money["spans"]) == 11_800  # one claim, stated at every repeat
    with unit_of_work(sessions) as s:
        job = next(j for j in s.scalars(select(OutboxJob)) if j.args == [large_rev])
        assert job.status == "done" and job.size and job.size > 300_000
    # Run once: the sweep (every second in tests) left the running job alone while its heartbeat was fresh.
    log = worker.log()
    assert log.count(f"extract_revision {large_rev} (job {job.id}): stored") == 1
    assert f"revision {large_rev} was extracted concurrently" not in log
