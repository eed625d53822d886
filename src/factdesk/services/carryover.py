"""Carrying claims across revisions: what a checker already decided survives an edit that did not touch it.

When a new revision's claims are stored they are matched to the previous extracted revision's claims:
- same fingerprint (same type, values and wording, wherever it moved): the claim continues. Its latest
  verdict is copied onto the new claim (a new `Verdict` row with `carried_from_id`, audited) and a live
  lease moves with it;
- no fingerprint match, but an old claim of the same type sits at the same place once its span is
  re-anchored on the text around it: the claim changed. The new claim is open and links the old one;
- an old claim matched by neither: removed.
Every claim of the previous revision is retired; `previous_claim_id` on the new claims keeps the chain.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.actors import SYSTEM
from ..domain.states import ClaimStatus, next_claim_status
from ..models import Claim, Revision, Verdict, utcnow
from . import audit
from .read_models import latest_verdicts

CONTEXT_WIDTHS = (40, 20, 10)
# How far from its old offset a changed claim's context is looked for, in characters. A news article lies
# wholly inside it; in a megabyte draft it keeps matching linear (a context absent from the new text would
# otherwise cost a scan of the whole text for every claim).
REANCHOR_REACH = 20_000
# Claim ids per query when reading the previous revision's verdicts (a parameter list has a size limit).
_ID_BATCH = 1000


@dataclass(frozen=True)
class CarryOver:
    previous_revision_id: int | None
    carried: int = 0
    changed: int = 0
    removed: int = 0


def carry_over_claims(session: Session, revision: Revision, claims: Sequence[Claim]) -> CarryOver:
    """Match `claims` (of `revision`, flushed) to the previous extracted revision's and carry verdicts over.

    Sets status and `previous_claim_id` on `claims`, writes carried verdicts and retires the old claims.
    Call once per revision, in the unit of work that stores its claims.
    """
    previous = session.scalar(
        select(Revision)
        .where(Revision.draft_id == revision.draft_id, Revision.id != revision.id,
               Revision.extracted_at.is_not(None), Revision.number < revision.number)
        .order_by(Revision.number.desc())
        .limit(1)
    )
    if previous is None:
        return CarryOver(None)
    old_claims = list(session.scalars(select(Claim).where(Claim.revision_id == previous.id).order_by(Claim.start)))
    old_ids = [c.id for c in old_claims]
    verdicts: dict[int, Verdict] = {}
    for i in range(0, len(old_ids), _ID_BATCH):
        verdicts.update(latest_verdicts(session, old_ids[i : i + _ID_BATCH]))
    by_print = {c.fingerprint: c for c in old_claims}
    unmatched = _Candidates()
    successor: dict[int, tuple[Claim, str]] = {}
    for new in claims:
        old = by_print.get(new.fingerprint)
        if old is None:
            unmatched.add(new)
            continue
        _continue_claim(session, old, new, verdicts.get(old.id))
        successor[old.id] = (new, "carried")
    for old in old_claims:
        if old.id in successor:
            continue
        changed = _reanchored_match(old, previous.text, revision.text, unmatched)
        if changed is not None:
            unmatched.take(changed)
            changed.previous_claim_id = old.id
            successor[old.id] = (changed, "changed")
    for old in old_claims:
        follower, reason = successor.get(old.id, (None, "removed"))
        _retire(session, old, reason, follower)
    session.flush()
    reasons = [r for _, r in successor.values()]
    return CarryOver(previous.id, carried=reasons.count("carried"), changed=reasons.count("changed"),
                     removed=len(old_claims) - len(successor))


def _continue_claim(session: Session, old: Claim, new: Claim, verdict: Verdict | None) -> None:
    new.previous_claim_id = old.id
    if verdict is not None:
        carried = Verdict(
            claim_id=new.id, rating=verdict.rating, note=verdict.note, sources=list(verdict.sources or []),
            correction=verdict.correction, checker_id=verdict.checker_id, carried_from_id=verdict.id,
            reuse_of_id=verdict.reuse_of_id, publish=verdict.publish,
        )
        session.add(carried)
        new.status = next_claim_status(new.status, ClaimStatus.VERDICT)
        session.flush()
        audit.record(session, SYSTEM, "verdict.carried_over", draft_id=new.draft_id, revision_id=new.revision_id,
                     claim_id=new.id, before={"claim_id": old.id, "verdict_id": verdict.id},
                     after={"claim_id": new.id, "verdict_id": carried.id, "rating": carried.rating})
    elif old.status == ClaimStatus.LEASED and old.lease_expires_at and old.lease_expires_at > utcnow():
        # The checker working on it keeps working on it: the lease moves to the continuing claim.
        new.status = next_claim_status(new.status, ClaimStatus.LEASED)
        new.leased_by_id, new.lease_expires_at = old.leased_by_id, old.lease_expires_at


def _retire(session: Session, old: Claim, reason: str, new: Claim | None) -> None:
    if old.status == ClaimStatus.RETIRED:
        return
    before = {"status": old.status, "leased_by_id": old.leased_by_id}
    old.status = next_claim_status(old.status, ClaimStatus.RETIRED)
    old.leased_by_id, old.lease_expires_at = None, None
    audit.record(session, SYSTEM, "claim.retired", draft_id=old.draft_id, revision_id=old.revision_id,
                 claim_id=old.id, before=before,
                 after={"status": old.status, "reason": reason, "successor_id": new.id if new else None})


@dataclass
class _Candidates:
    """The new claims no fingerprint matched, by type and start, so a lookup reads only the claims near a span.

    `order` is a claim's place in the order it was added (text order), which breaks ties as a scan of the
    list in that order would.
    """

    starts: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # type -> sorted (start, order)
    claims: list[Claim] = field(default_factory=list)
    longest: dict[str, int] = field(default_factory=dict)  # type -> the longest first span of that type
    taken: set[int] = field(default_factory=set)  # orders of claims already matched
    unsorted: bool = False

    def add(self, claim: Claim) -> None:
        order = len(self.claims)
        self.claims.append(claim)
        self.starts.setdefault(claim.type, []).append((claim.start, order))
        self.longest[claim.type] = max(self.longest.get(claim.type, 0), claim.end - claim.start)
        self.unsorted = True

    def take(self, claim: Claim) -> None:
        self.taken.add(next(i for i, c in self.near(claim.type, claim.start, claim.start) if c is claim))

    def near(self, type_: str, lo: int, hi: int) -> list[tuple[int, Claim]]:
        """The untaken claims of `type_` that start in [lo - longest, hi], i.e. every one that can touch
        [lo, hi], with their order."""
        if self.unsorted:
            for starts in self.starts.values():
                starts.sort()
            self.unsorted = False
        starts = self.starts.get(type_, [])
        first = bisect.bisect_left(starts, (lo - self.longest.get(type_, 0), -1))
        last = bisect.bisect_right(starts, (hi, len(self.claims)))
        return [(i, self.claims[i]) for _, i in starts[first:last] if i not in self.taken]


def _reanchored_match(old: Claim, old_text: str, new_text: str, candidates: _Candidates) -> Claim | None:
    """The unmatched new claim of the same type lying where the old claim's span lands in the new text.

    The one overlapping it most (the first in text order on a tie); for an empty landing span, the last one
    starting exactly there.
    """
    span = reanchor(old_text, new_text, old.start, old.end)
    if span is None:
        return None
    lo, hi = span
    best, best_overlap = None, 0
    for _, c in sorted(candidates.near(old.type, lo, hi)):
        overlap = min(hi, c.end) - max(lo, c.start)
        if overlap > best_overlap or (overlap == best_overlap == 0 and lo == hi == c.start):
            best, best_overlap = c, overlap
    return best


def reanchor(old_text: str, new_text: str, start: int, end: int) -> tuple[int, int] | None:
    """Where old_text[start:end] sits in new_text, found from the text around it rather than its offsets.

    The context just before the span locates its start and the context just after it its end (each
    searched nearest to where the span was, shrinking the context until it is found). None if neither is.
    """
    lo = _locate(new_text, old_text[max(0, start - CONTEXT_WIDTHS[0]):start], start, before=True)
    hi = _locate(new_text, old_text[end:end + CONTEXT_WIDTHS[0]], end, before=False)
    if lo is None and hi is None:
        return None
    if lo is None:
        lo = max(0, hi - (end - start))  # type: ignore[operator]
    if hi is None or hi < lo:
        hi = min(len(new_text), lo + (end - start))
    return lo, hi


def _locate(text: str, context: str, near: int, *, before: bool) -> int | None:
    if not context:
        return 0 if before else len(text)
    for width in CONTEXT_WIDTHS:
        piece = context[-width:] if before else context[:width]
        found = _nearest(text, piece, near)
        if found is not None:
            return found + len(piece) if before else found
    return None


def _nearest(text: str, piece: str, near: int) -> int | None:
    """Where `piece` occurs in `text` nearest to `near` (the earlier one on a tie), within REANCHOR_REACH."""
    lo, hi = max(0, near - REANCHOR_REACH), min(len(text), near + REANCHOR_REACH + len(piece))
    before = text.rfind(piece, lo, min(hi, near + len(piece)))  # the last occurrence at or before `near`
    after = text.find(piece, max(lo, near + 1), hi)  # the first one after it
    if before == -1:
        return None if after == -1 else after
    if after == -1 or near - before <= after - near:
        return before
    return after
