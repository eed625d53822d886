"""The 1.9 MB hostile draft of issue 12 is extracted on the large-draft queue, by `factdesk worker`'s second
process, while small drafts and CMS saves keep flowing through the first; the sweep leaves the running job
alone (its heartbeat is fresh) instead of sending it again.

The large draft takes minutes of CPU, so the test ends while it is still being extracted: that it completes, and
once, is tests/integration/test_large_drafts.py's (300 KB, to the end); its time and memory are bench/'s
(BENCHMARKS.md). On what the suite runs on (private PostgreSQL and Redis, or SQLite and the embedded broker).
"""

from __future__ import annotations

import pytest

from tests.faults.stack import Stack
from tests.integration.test_large_drafts import HOSTILE

pytestmark = [pytest.mark.worker, pytest.mark.slow]

LARGEST = HOSTILE * 75_000  # 1.95 MB: under the 2 MiB body limit with its JSON around it
SMALL = "Sales rose {}% in 2019, the company said."


@pytest.fixture
def stack(stack_urls: tuple[str, str], make_stack) -> Stack:  # type: ignore[no-untyped-def]
    """A worker with its second process for the large-draft queue, as `factdesk worker` runs by default."""
    return make_stack(*stack_urls, large_worker=True)


def test_small_drafts_and_saves_flow_while_the_largest_draft_is_extracted(stack: Stack):
    rita = stack.user("rita", "reporter")
    stack.integration("cms")
    large = stack.http.post("/api/v1/drafts", json_body={"body": LARGEST}, headers=rita)
    assert large.status == 202, large
    large_revision = large.json()["current_revision"]["id"]
    # The large worker has taken it (heartbeat set) before anything small is sent.
    running = stack.wait(lambda: (job := stack.extraction_job(large_revision)) and job.heartbeat_at and job,
                         "the large draft taken by the large worker", timeout=60)

    small = [stack.http.post("/api/v1/drafts", json_body={"body": SMALL.format(n)}, headers=rita)
             for n in range(1, 4)]
    saves = [stack.save("cms", f"doc-{n}", SMALL.format(10 + n)) for n in range(1, 4)]
    assert [r.status for r in small + saves] == [202] * 6, small + saves
    receipts = [r.json()["saves"][0]["receipt"] for r in saves]
    stack.wait(lambda: stack.placed(receipts), "the saves placed", timeout=60)
    placed = [row.revision_id for row in stack.inbox(receipts).values()]
    stack.wait(lambda: stack.extracted([r.json()["current_revision"]["id"] for r in small] + placed),
               "the small drafts extracted", timeout=90)

    assert not stack.extracted([large_revision])  # all of the above went by while it was being extracted
    job = stack.extraction_job(large_revision)
    assert job is not None and job.status == "pending" and job.heartbeat_at is not None
    # The sweep (every second) never sent the running job again. (It may have before the job started: a job not
    # taken within FACTDESK_SWEEP_GRACE_SECONDS is sent again, and a second delivery finds it taken.)
    assert job.send_count == running.send_count
    assert stack.worker.log().count(f"extracting revision {large_revision} ") == 1
