"""The queue page's counts: exact when counting on every read; shared and refreshed in the background otherwise."""

from __future__ import annotations

import pytest

from factdesk.db import unit_of_work
from factdesk.services.desk_queue import load_desk_queue
from factdesk.services.queue import lease_next_claim
from factdesk.services.queue_counts import QueueCount, QueueCounter
from tests.conftest import wait_for


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_counts_leave_out_the_readers_own_drafts_and_taken_claims(sessions, drafts, desk):  # type: ignore[no-untyped-def]
    drafts.make(desk.rita, 3, desk="politics", claim_type="money")
    drafts.make(desk.eddy, 2, desk="politics", claim_type="money")  # the editor's own draft
    drafts.make(desk.rita, 1, desk="sport", claim_type="date")
    lease_next_claim(sessions, desk.cara, lease_seconds=600, cap=10)  # one claim taken

    seen_by_eddy = load_desk_queue(sessions, desk.eddy)  # eddy's desk is politics
    assert seen_by_eddy.counts == [QueueCount("politics", "money", 2)]  # 5 - his 2 - cara's 1, the sport draft not his
    seen_by_cara = load_desk_queue(sessions, desk.cara)
    assert seen_by_cara.total == 5 and seen_by_cara.counts[-1] == QueueCount("sport", "date", 1)


@pytest.mark.committed
def test_a_shared_count_is_served_until_it_is_older_than_its_age_and_then_recounted_in_the_background(  # type: ignore[no-untyped-def]
    sessions, drafts, desk
):
    clock = Clock()
    counter = QueueCounter(sessions, max_age=10, clock=clock)

    def read() -> int:
        with unit_of_work(sessions) as session:
            return sum(c.count for c in counter.counts(session, None).counts)

    drafts.make(desk.rita, 2)
    assert read() == 2  # the first reader counts
    drafts.make(desk.rita, 3)
    clock.now += 9
    assert read() == 2  # younger than 10 s: the shared count, not a new one
    clock.now += 1
    assert read() == 2  # old: this reader still gets it at once, and a count starts behind it
    wait_for(lambda: read() == 5, timeout=10)
