"""Redis goes down under a running API and worker: REST submissions and CMS saves are still accepted, and once
Redis is back (empty: it keeps nothing on disk, so every queued message is gone) every one is placed and
extracted, none lost.

Always on the private Redis and PostgreSQL (servers.py), whatever the suite runs on: the fault is Redis's.
"""

from __future__ import annotations

import pytest

from tests.faults.conftest import Servers
from tests.faults.stack import Stack

pytestmark = pytest.mark.worker

TEXT = "The council approved a budget of ${} million on Tuesday, the mayor said."


def test_saves_and_submissions_made_while_redis_is_down_are_all_processed_once_it_is_back(
    servers: Servers, server_stack: Stack
):
    stack, http = server_stack, server_stack.http
    rita = stack.user("rita", "reporter")
    stack.integration("cms")

    servers.redis.stop()
    try:
        submitted = [http.post("/api/v1/drafts", json_body={"body": TEXT.format(n)}, headers=rita)
                     for n in range(1, 6)]
        saved = [stack.save("cms", f"doc-{n}", TEXT.format(100 + n)) for n in range(1, 6)]
        saved.append(stack.save("cms", "doc-1", TEXT.format(200), version=2))  # a newer save of doc-1
        assert [r.status for r in submitted] == [202] * 5, submitted
        assert [r.status for r in saved] == [202] * 6, saved
        assert stack.http.get("/readyz").status == 503  # the outage was real
    finally:
        servers.redis.start()

    revisions = [r.json()["current_revision"]["id"] for r in submitted]
    receipts = [r.json()["saves"][0]["receipt"] for r in saved]
    stack.wait(lambda: stack.placed(receipts), "every save placed", timeout=90)
    rows = stack.inbox(receipts)
    assert [rows[n].outcome for n in receipts] == ["created"] * 6, [rows[n].error for n in receipts]
    first, newer = rows[receipts[0]], rows[receipts[5]]
    assert newer.draft_id == first.draft_id and newer.revision_id != first.revision_id  # doc-1's new text
    # Every REST draft and every CMS draft's newest text is extracted (the CMS's once quiet for the debounce).
    newest = [rows[n].revision_id for n in receipts[1:]]
    stack.wait(lambda: stack.extracted(revisions + newest), "every draft extracted", timeout=90)
