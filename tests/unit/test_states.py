"""Draft and claim state machines: every pair of states, allowed or refused."""

from __future__ import annotations

import itertools

import pytest

from factdesk.domain.states import (
    ClaimStatus,
    DraftStatus,
    TransitionError,
    next_claim_status,
    next_draft_status,
    status_after_extraction,
)

D = DraftStatus
DRAFT_ALLOWED = {
    (D.RECEIVED, D.EXTRACTING), (D.RECEIVED, D.IN_REVIEW), (D.RECEIVED, D.CLEARED),
    (D.EXTRACTING, D.IN_REVIEW), (D.EXTRACTING, D.CLEARED),
    (D.IN_REVIEW, D.EXTRACTING), (D.IN_REVIEW, D.CLEARED),
    (D.CLEARED, D.EXTRACTING), (D.CLEARED, D.IN_REVIEW), (D.CLEARED, D.APPROVED),
    (D.APPROVED, D.EXTRACTING), (D.APPROVED, D.IN_REVIEW), (D.APPROVED, D.CLEARED), (D.APPROVED, D.PUBLISHED),
    (D.PUBLISHED, D.EXTRACTING), (D.PUBLISHED, D.IN_REVIEW),
}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(D, D)))
def test_draft_transitions(current, target):
    if current == target or (current, target) in DRAFT_ALLOWED:
        assert next_draft_status(current, target) == target
    else:
        with pytest.raises(TransitionError):
            next_draft_status(current, target)


C = ClaimStatus
CLAIM_ALLOWED = {
    (C.OPEN, C.LEASED), (C.OPEN, C.VERDICT), (C.OPEN, C.RETIRED),
    (C.LEASED, C.OPEN), (C.LEASED, C.VERDICT), (C.LEASED, C.RETIRED),
    (C.VERDICT, C.VERDICT), (C.VERDICT, C.LEASED), (C.VERDICT, C.RETIRED),
}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(C, C)))
def test_claim_transitions(current, target):
    if (current, target) in CLAIM_ALLOWED:
        assert next_claim_status(current, target) == target
    else:
        with pytest.raises(TransitionError):
            next_claim_status(current, target)


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [([], D.CLEARED), (["verdict", "retired"], D.CLEARED), (["open"], D.IN_REVIEW),
     (["verdict", "leased"], D.IN_REVIEW)],
)
def test_status_after_extraction(statuses, expected):
    assert status_after_extraction(statuses) == expected
