"""The claim page shows what the desk checked before: a fresh match with a button to reuse it, a stale one
without."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from factdesk.db import unit_of_work
from factdesk.models import AuditEvent, Verdict, utcnow
from factdesk.services.users import add_user
from factdesk.services.verdicts import VerdictInput, record_verdict
from tests.desk.test_memory import MONEY_1, MONEY_2, WANG_1, WANG_2, store
from tests.web.test_claim_page import take_next

pytestmark = pytest.mark.committed

SOURCE = [{"url": "https://example.org/scale", "title": "Scale AI: about", "accessed_at": None}]


def test_a_checker_reuses_a_fresh_match_and_cannot_reuse_a_stale_one(sessions, signed_in, desk_user):
    rita = add_user(sessions, "rita", "reporter", "politics")
    eddy = add_user(sessions, "eddy", "editor", "politics")
    desk_user("cara", "checker")
    _, (wang_1, money_1) = store(sessions, rita, "first", [WANG_1, MONEY_1])
    fresh = record_verdict(sessions, eddy, wang_1, VerdictInput("accurate", "On Scale AI's site", SOURCE))
    old = record_verdict(sessions, eddy, money_1, VerdictInput("accurate", "Meta's filing", SOURCE))
    with unit_of_work(sessions) as s:  # the money check is 400 days old: money verdicts keep 365
        s.execute(update(Verdict).where(Verdict.id == old.id).values(created_at=utcnow() - timedelta(days=400)))
    store(sessions, rita, "second", [WANG_2, MONEY_2])

    page = signed_in("cara")
    wang_2 = take_next(page)
    matches = page.get_by_role("region", name="Checked before")
    assert "exact match" in matches.inner_text() and "On Scale AI's site" in matches.inner_text()
    assert "eddy" in matches.inner_text() and WANG_1[2] in matches.inner_text()
    matches.get_by_role("button", name="Reuse this verdict").click()
    page.wait_for_url(re.compile(rf"/desk/claims/{wang_2}\?recorded=1"))
    assert "Verdict recorded: accurate" in page.inner_text("main")
    with unit_of_work(sessions) as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.claim_id == wang_2, AuditEvent.action == "verdict.reused"))
        assert event is not None and event.after["reuse_of"] == fresh.id

    take_next(page)
    matches = page.get_by_role("region", name="Checked before")
    assert "stale" in matches.inner_text() and "Meta's filing" in matches.inner_text()
    assert matches.get_by_role("button", name="Reuse this verdict").count() == 0
