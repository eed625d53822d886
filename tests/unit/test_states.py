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
    status_after_approval,
    status_after_extraction,
    status_after_publication,
    status_after_unpublication,
    status_after_verdict,
    status_once_extracted,
)

D = DraftStatus
DRAFT_ALLOWED = {
    (D.RECEIVED, D.EXTRACTING), (D.RECEIVED, D.IN_REVIEW), (D.RECEIVED, D.CLEARED),
    (D.EXTRACTING, D.IN_REVIEW), (D.EXTRACTING, D.CLEARED),
    (D.IN_REVIEW, D.EXTRACTING), (D.IN_REVIEW, D.CLEARED),
    (D.CLEARED, D.EXTRACTING), (D.CLEARED, D.IN_REVIEW), (D.CLEARED, D.APPROVED),
    (D.APPROVED, D.EXTRACTING), (D.APPROVED, D.IN_REVIEW), (D.APPROVED, D.CLEARED), (D.APPROVED, D.PUBLISHED),
    (D.PUBLISHED, D.EXTRACTING), (D.PUBLISHED, D.IN_REVIEW),
    # The CMS publishes without asking: unapproved text can go out from any state.
    *((s, D.PUBLISHED_UNAPPROVED) for s in D if s != D.PUBLISHED_UNAPPROVED),
    (D.PUBLISHED_UNAPPROVED, D.EXTRACTING), (D.PUBLISHED_UNAPPROVED, D.IN_REVIEW),
    (D.PUBLISHED_UNAPPROVED, D.CLEARED), (D.PUBLISHED_UNAPPROVED, D.PUBLISHED),
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


@pytest.mark.parametrize("current", list(D))
def test_publication_marks_the_draft_by_the_gate(current):
    assert status_after_publication(current, gate_open=False) == D.PUBLISHED_UNAPPROVED
    if current in (D.APPROVED, D.PUBLISHED, D.PUBLISHED_UNAPPROVED):
        assert status_after_publication(current, gate_open=True) == D.PUBLISHED


@pytest.mark.parametrize(("current", "statuses", "expected"), [
    (D.PUBLISHED, ["verdict"], D.APPROVED),
    (D.PUBLISHED_UNAPPROVED, ["open", "verdict"], D.IN_REVIEW),
    (D.PUBLISHED_UNAPPROVED, ["verdict"], D.CLEARED),
    (D.PUBLISHED_UNAPPROVED, None, D.EXTRACTING),
    (D.IN_REVIEW, ["open"], D.IN_REVIEW),
    (D.APPROVED, ["verdict"], D.APPROVED),
])
def test_unpublication(current, statuses, expected):
    assert status_after_unpublication(current, statuses) == expected


def test_published_unapproved_holds_through_extraction_and_verdicts():
    # The text is out: checking its claims reports on it, and never makes it look like a draft in review.
    assert status_once_extracted(D.PUBLISHED_UNAPPROVED, ["open"]) == D.PUBLISHED_UNAPPROVED
    assert status_after_verdict(D.PUBLISHED_UNAPPROVED, ["verdict"], gate_open=False) == D.PUBLISHED_UNAPPROVED
    assert status_once_extracted(D.EXTRACTING, ["open"]) == D.IN_REVIEW


def test_approval_after_the_fact_makes_the_live_text_published():
    assert status_after_approval(D.PUBLISHED_UNAPPROVED) == D.PUBLISHED
    assert status_after_approval(D.CLEARED) == D.APPROVED
    for not_approvable in (D.IN_REVIEW, D.PUBLISHED):
        with pytest.raises(TransitionError):
            status_after_approval(not_approvable)
