"""The API killed (SIGKILL) while it answers a batch of CMS saves: every save it answered 202 is placed once it
is back, and a poison save waiting in the same inbox is rejected with its reason while the others are placed.

On what the suite runs on (private PostgreSQL and Redis, or SQLite and the embedded broker). The poison rules in
detail are tests/cms/test_poison.py's; here the poison save goes through the real worker's drain.
"""

from __future__ import annotations

import http.client
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
from sqlalchemy import select

from factdesk.cms.adapters.common import Save
from factdesk.db import unit_of_work
from factdesk.models import Draft
from tests.cms.test_poison import EARLY, _integration_id, _store_unchecked
from tests.faults.stack import Stack

pytestmark = pytest.mark.worker

TEXT = "The council approved a budget of ${} million on Tuesday, the mayor said."
SAVES = 48
KILL_AFTER = 16  # answers 202, then the API is killed while the other saves are on their way


@pytest.fixture
def stack(stack_urls: tuple[str, str], make_stack) -> Stack:  # type: ignore[no-untyped-def]
    """No worker until the API has been killed and started again: until then the accepted saves are in the
    inbox only, placed by nobody."""
    return make_stack(*stack_urls, worker=False)


def test_every_save_answered_202_before_the_api_was_killed_is_placed(stack: Stack):
    stack.integration("cms")
    # A save stored before the door checked deadlines (year 0 once in UTC): the drain cannot place it.
    poison = _store_unchecked(stack.runtime, _integration_id(stack.sessions, "cms"), Save(
        external_id="poison", body=TEXT.format(0), format="text", deadline=datetime.fromisoformat(EARLY)))

    accepted: list[int] = []
    lock = threading.Lock()

    def send(n: int) -> None:
        try:
            r = stack.save("cms", f"doc-{n}", TEXT.format(n))
        except (OSError, http.client.HTTPException):  # the API died under it: not answered, the CMS sends it again
            return
        if r.status == 202:
            with lock:
                accepted.append(r.json()["saves"][0]["receipt"])
                if len(accepted) == KILL_AFTER:
                    stack.api.kill()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(send, range(SAVES)))
    assert not stack.api.alive()
    assert len(accepted) >= KILL_AFTER

    assert len(stack.inbox(accepted)) == len(accepted)  # answered 202 means committed
    stack.api.start()
    stack.worker.start()
    stack.wait(lambda: stack.placed(accepted), "every accepted save placed", timeout=90)

    rows = stack.inbox([*accepted, poison])
    assert {rows[n].outcome for n in accepted} == {"created"}
    assert rows[poison].outcome == "rejected" and "deadline" in (rows[poison].error or "")
    with unit_of_work(stack.sessions) as s:
        assert "poison" not in set(s.scalars(select(Draft.external_id)))  # rolled back whole: no draft, no job
    metrics = stack.http.get("/metrics").body.decode()
    assert "factdesk_inbox_rejected_total 1.0" in metrics
