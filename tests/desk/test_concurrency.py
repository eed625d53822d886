"""20 checkers leasing at once from 1,000 claims on PostgreSQL: never one claim to two checkers, none left behind."""

from __future__ import annotations

import os
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from factdesk.db import unit_of_work
from factdesk.models import AuditEvent, Claim, Verdict
from factdesk.services.queue import lease_next_claim
from factdesk.services.verdicts import VerdictInput, record_verdict

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.committed,  # the checkers' threads each have their own connection: they must see committed rows
    pytest.mark.skipif(not os.environ.get("FACTDESK_TEST_DATABASE_URL"),
                       reason="row-lock concurrency needs PostgreSQL: set FACTDESK_TEST_DATABASE_URL"),
]

CHECKERS, DRAFTS, PER_DRAFT = 20, 50, 20
SOURCE = [{"url": "https://example.org/record", "title": "The record", "accessed_at": None}]


def test_twenty_checkers_lease_a_thousand_claims_without_sharing_or_leaving_any(sessions, users, drafts) -> None:
    author, _ = users.make("rita", "reporter", "politics")
    for i in range(DRAFTS):
        drafts.make(author, PER_DRAFT, external_id=f"story-{i}", desk="politics" if i % 2 else "business",
                    scores=[(i * 7 + k) % 10 / 10 for k in range(PER_DRAFT)])
    checkers = [users.make(f"checker-{n}", "checker")[0] for n in range(CHECKERS)]
    leased: dict[int, list[int]] = {c.id: [] for c in checkers}
    errors: list[BaseException] = []
    start = threading.Barrier(CHECKERS)

    def work(actor) -> None:  # type: ignore[no-untyped-def]
        try:
            start.wait()
            while True:
                got = lease_next_claim(sessions, actor, lease_seconds=900, cap=10)
                claim_id = got.id if got else None
                if claim_id is None:
                    return
                leased[actor.id].append(claim_id)
                record_verdict(sessions, actor, claim_id, VerdictInput("accurate", sources=SOURCE))
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(c,)) for c in checkers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors[:3]
    handed_out = Counter(cid for ids in leased.values() for cid in ids)
    assert len(handed_out) == DRAFTS * PER_DRAFT
    assert max(handed_out.values()) == 1  # never one claim to two checkers
    assert sum(1 for ids in leased.values() if ids) > 1  # they really worked side by side
    with unit_of_work(sessions) as s:
        assert s.scalar(select(func.count()).select_from(Claim).where(Claim.status != "verdict")) == 0
        assert s.scalar(select(func.count(func.distinct(Verdict.claim_id)))) == DRAFTS * PER_DRAFT
        assert s.scalar(select(func.count()).select_from(Verdict)) == DRAFTS * PER_DRAFT
        leases = s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "claim.leased"))
    assert leases == DRAFTS * PER_DRAFT
