"""Draft and claim states, and the only place that decides which transitions are allowed."""

from __future__ import annotations

from enum import StrEnum


class DraftStatus(StrEnum):
    RECEIVED = "received"
    EXTRACTING = "extracting"
    IN_REVIEW = "in_review"
    CLEARED = "cleared"
    APPROVED = "approved"
    PUBLISHED = "published"


class ClaimStatus(StrEnum):
    OPEN = "open"
    LEASED = "leased"
    VERDICT = "verdict"
    RETIRED = "retired"


class TransitionError(Exception):
    """An action is not allowed in the entity's current state."""

    def __init__(self, entity: str, current: str, target: str) -> None:
        super().__init__(f"{entity} cannot go from {current} to {target}")
        self.entity, self.current, self.target = entity, current, target


_DRAFT_MOVES: dict[DraftStatus, frozenset[DraftStatus]] = {
    DraftStatus.RECEIVED: frozenset({DraftStatus.EXTRACTING, DraftStatus.IN_REVIEW, DraftStatus.CLEARED}),
    DraftStatus.EXTRACTING: frozenset({DraftStatus.IN_REVIEW, DraftStatus.CLEARED}),
    DraftStatus.IN_REVIEW: frozenset({DraftStatus.EXTRACTING, DraftStatus.CLEARED}),
    DraftStatus.CLEARED: frozenset({DraftStatus.EXTRACTING, DraftStatus.IN_REVIEW, DraftStatus.APPROVED}),
    DraftStatus.APPROVED: frozenset(
        {DraftStatus.EXTRACTING, DraftStatus.IN_REVIEW, DraftStatus.CLEARED, DraftStatus.PUBLISHED}
    ),
    DraftStatus.PUBLISHED: frozenset({DraftStatus.EXTRACTING, DraftStatus.IN_REVIEW}),
}

_CLAIM_MOVES: dict[ClaimStatus, frozenset[ClaimStatus]] = {
    ClaimStatus.OPEN: frozenset({ClaimStatus.LEASED, ClaimStatus.VERDICT, ClaimStatus.RETIRED}),
    ClaimStatus.LEASED: frozenset({ClaimStatus.OPEN, ClaimStatus.VERDICT, ClaimStatus.RETIRED}),
    ClaimStatus.VERDICT: frozenset({ClaimStatus.VERDICT, ClaimStatus.LEASED, ClaimStatus.RETIRED}),
    ClaimStatus.RETIRED: frozenset(),
}


def next_draft_status(current: str, target: DraftStatus) -> DraftStatus:
    """The draft's new status; staying put is always allowed. Raises TransitionError otherwise."""
    now = DraftStatus(current)
    if target == now or target in _DRAFT_MOVES[now]:
        return target
    raise TransitionError("draft", now, target)


def next_claim_status(current: str, target: ClaimStatus) -> ClaimStatus:
    """The claim's new status. Raises TransitionError when the move is not allowed."""
    now = ClaimStatus(current)
    if target in _CLAIM_MOVES[now]:
        return target
    raise TransitionError("claim", now, target)


def status_after_extraction(claim_statuses: list[str]) -> DraftStatus:
    """What a draft becomes once its current revision's claims are stored."""
    live = [ClaimStatus(s) for s in claim_statuses if s != ClaimStatus.RETIRED]
    if all(s == ClaimStatus.VERDICT for s in live):
        return DraftStatus.CLEARED
    return DraftStatus.IN_REVIEW


def status_after_verdict(current: str, claim_statuses: list[str], *, gate_open: bool) -> DraftStatus:
    """What a draft becomes once a verdict is recorded on one of its current claims.

    An approved draft stays approved while its gate stays open; a verdict that closes the gate sends it
    back to `cleared`, so only a new approval opens it again. A published draft stays published (the
    text is out; the blocking verdict is reported instead). Otherwise: `cleared` once every claim has a verdict.
    """
    now = DraftStatus(current)
    if now == DraftStatus.PUBLISHED or (now == DraftStatus.APPROVED and gate_open):
        return now
    return next_draft_status(now, status_after_extraction(claim_statuses))
