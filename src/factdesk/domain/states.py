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
    # The CMS published a text the gate did not clear (never approved, edited since, or blocked since).
    PUBLISHED_UNAPPROVED = "published_unapproved"


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
    DraftStatus.PUBLISHED_UNAPPROVED: frozenset(
        {DraftStatus.EXTRACTING, DraftStatus.IN_REVIEW, DraftStatus.CLEARED, DraftStatus.PUBLISHED}
    ),
}
# Text the gate did not clear can go out from any state: the CMS does not ask us first.
_DRAFT_MOVES = {
    status: moves if status == DraftStatus.PUBLISHED_UNAPPROVED else moves | {DraftStatus.PUBLISHED_UNAPPROVED}
    for status, moves in _DRAFT_MOVES.items()
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
    if now in _LIVE or (now == DraftStatus.APPROVED and gate_open):
        return now
    return next_draft_status(now, status_after_extraction(claim_statuses))


# The states of a draft whose text is out: verdicts and extraction report on them, never move them back.
_LIVE = (DraftStatus.PUBLISHED, DraftStatus.PUBLISHED_UNAPPROVED)


def status_once_extracted(current: str, claim_statuses: list[str]) -> DraftStatus:
    """What a draft becomes once its current revision's claims are stored: `status_after_extraction`, except
    that a draft whose unapproved text the CMS published stays `published_unapproved` (the text is out; its
    claims are now being checked)."""
    if DraftStatus(current) == DraftStatus.PUBLISHED_UNAPPROVED:
        return DraftStatus.PUBLISHED_UNAPPROVED
    return next_draft_status(current, status_after_extraction(claim_statuses))


def status_after_approval(current: str) -> DraftStatus:
    """What a draft becomes once an editor approves its current text: `approved`, or `published` when that
    text is out already (approved after the fact). A published approved text is not approved again.
    Raises TransitionError."""
    if DraftStatus(current) == DraftStatus.PUBLISHED_UNAPPROVED:
        return DraftStatus.PUBLISHED
    return next_draft_status(current, DraftStatus.APPROVED)


def status_after_publication(current: str, *, gate_open: bool) -> DraftStatus:
    """What a draft becomes when its CMS publishes a text: `published` when the gate was open for that very
    text, `published_unapproved` otherwise (from any state)."""
    return next_draft_status(current, DraftStatus.PUBLISHED if gate_open else DraftStatus.PUBLISHED_UNAPPROVED)


def status_after_unpublication(current: str, claim_statuses: list[str] | None) -> DraftStatus:
    """What a draft becomes when its CMS takes it down: an approved text goes back to `approved`, an
    unapproved one to where its claims leave it (`in_review` or `cleared`; `extracting` while its current
    text's claims are not extracted yet: `claim_statuses` None); a draft not out stays put."""
    now = DraftStatus(current)
    if now == DraftStatus.PUBLISHED:
        return DraftStatus.APPROVED  # taken down, still approved: an editor's approval is not undone by it
    if now == DraftStatus.PUBLISHED_UNAPPROVED:
        if claim_statuses is None:
            return DraftStatus.EXTRACTING
        return next_draft_status(now, status_after_extraction(claim_statuses))
    return now
