"""The gate's rule for a draft with a CMS save accepted but not yet placed: shut, whatever else holds."""

from __future__ import annotations

import pytest

from factdesk.domain.gate import PENDING_SAVE, Approved, ClaimRating, decide_gate
from factdesk.domain.states import DraftStatus


@pytest.mark.parametrize("status", list(DraftStatus))
def test_a_waiting_save_shuts_the_gate_in_every_state(status: DraftStatus) -> None:
    approved = Approved(10, "h")
    claims = [ClaimRating(1, "verdict", "accurate")]
    common = dict(draft_status=status, asked_hash="h", current_hash="h", current_revision_id=10, approval=approved,
                  claims=claims)
    assert decide_gate(**common, save_waiting=True).publishable is False  # type: ignore[arg-type]
    assert decide_gate(**common, save_waiting=True).reason == PENDING_SAVE  # type: ignore[arg-type]
    opened = status in (DraftStatus.APPROVED, DraftStatus.PUBLISHED)
    assert decide_gate(**common, save_waiting=False).publishable is opened  # type: ignore[arg-type]


def test_an_older_text_is_not_current_whether_or_not_a_save_waits() -> None:
    answer = decide_gate(draft_status="approved", asked_hash="old", current_hash="h", current_revision_id=10,
                         approval=Approved(10, "h"), claims=[], save_waiting=True)
    assert (answer.publishable, answer.reason) == (False, "not_current")
