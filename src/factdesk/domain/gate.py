"""The publish gate: which claims block a draft, whether an editor may approve it, and whether a text may go out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .ratings import blocks
from .states import ClaimStatus, DraftStatus

NO_VERDICT = "no_verdict"
# The gate's reason while a newer save of the draft waits to be placed.
PENDING_SAVE = "pending_save"


@dataclass(frozen=True)
class ClaimRating:
    """A claim of the revision in question and the rating of its latest verdict (None: no verdict yet)."""

    claim_id: int
    status: str
    rating: str | None


@dataclass(frozen=True)
class Blocker:
    claim_id: int
    reason: str  # NO_VERDICT or the blocking rating


def find_blockers(claims: Iterable[ClaimRating], overridden: Iterable[int] = ()) -> list[Blocker]:
    """The claims that stop a revision from being approved, in claim order.

    A claim blocks when it has no verdict, or its latest verdict blocks and no editor overrode it.
    Retired claims belong to no current text and never block.
    """
    skip = set(overridden)
    found = []
    for c in claims:
        if c.status == ClaimStatus.RETIRED:
            continue
        if c.rating is None:
            found.append(Blocker(c.claim_id, NO_VERDICT))
        elif blocks(c.rating) and c.claim_id not in skip:
            found.append(Blocker(c.claim_id, c.rating))
    return found


class OverrideError(ValueError):
    """An override names a claim it cannot apply to."""

    def __init__(self, claim_id: int, message: str) -> None:
        super().__init__(message)
        self.claim_id = claim_id


def check_overrides(claims: Iterable[ClaimRating], overrides: Mapping[int, str]) -> None:
    """Overrides may only set aside a blocking verdict of the revision being approved, with a written reason.

    A claim nobody checked cannot be overridden: the override is an editor's answer to a verdict.
    Raises OverrideError for the first override that does not fit.
    """
    by_id = {c.claim_id: c for c in claims if c.status != ClaimStatus.RETIRED}
    for claim_id, reason in overrides.items():
        claim = by_id.get(claim_id)
        if claim is None:
            raise OverrideError(claim_id, f"claim {claim_id} is not a claim of the revision being approved")
        if not reason or not reason.strip():
            raise OverrideError(claim_id, f"the override of claim {claim_id} needs a written reason")
        if claim.rating is None:
            raise OverrideError(claim_id, f"claim {claim_id} has no verdict yet; only a verdict can be overridden")
        if not blocks(claim.rating):
            raise OverrideError(claim_id, f"claim {claim_id} is rated {claim.rating!r}, which does not block")


@dataclass(frozen=True)
class Approved:
    """The facts of the latest approval that matter to the gate."""

    revision_id: int
    content_hash: str
    overridden: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class GateAnswer:
    publishable: bool
    reason: str
    blockers: list[Blocker]


def decide_gate(
    *,
    draft_status: str,
    asked_hash: str,
    current_hash: str | None,
    current_revision_id: int | None,
    approval: Approved | None,
    claims: Iterable[ClaimRating],
    save_waiting: bool = False,
) -> GateAnswer:
    """May the text with `asked_hash` be published? Only the current text, approved as that revision under
    that very hash, with no claim blocking (overrides of the approval applied), while the draft is approved
    or published, and while no newer text is on its way: `save_waiting` says the CMS has a save of this draft
    that was accepted but not yet placed, which will replace the current text (a CMS that publishes in that
    window would publish text nobody checked).

    `reason` says why not: "not_current" (an older or unknown text), "pending_save", "not_approved",
    "blockers"; "approved" when open.
    """
    if current_hash is None or asked_hash != current_hash:
        return GateAnswer(False, "not_current", [])
    if save_waiting:
        return GateAnswer(False, PENDING_SAVE, [])
    blockers = find_blockers(claims, approval.overridden if approval else ())
    if approval is None or approval.content_hash != current_hash or approval.revision_id != current_revision_id:
        return GateAnswer(False, "not_approved", blockers)
    if blockers:
        return GateAnswer(False, "blockers", blockers)
    if DraftStatus(draft_status) not in (DraftStatus.APPROVED, DraftStatus.PUBLISHED):
        # An approval closed by a later blocking verdict stays closed until an editor approves again.
        return GateAnswer(False, "not_approved", [])
    return GateAnswer(True, "approved", [])
