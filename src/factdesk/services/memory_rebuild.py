"""`factdesk memory rebuild`: every stored claim matched again, in batches, after an upgrade or a change to the
matching rules (a changed shelf life needs none: freshness is decided when a match is read)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..db import Sessions, unit_of_work
from ..models import Claim, Verdict
from . import memory, near_matches


@dataclass(frozen=True)
class RebuiltBatch:
    last_id: int  # the highest claim id done: the next batch starts after it
    claims: int
    exact: int  # matches stored
    near: int


def claims_to_rebuild(sessions: Sessions, after_id: int = 0) -> int:
    """How many stored claims have an id above `after_id` (what a rebuild from there goes through)."""
    with unit_of_work(sessions) as session:
        return int(session.scalar(select(func.count()).select_from(Claim).where(Claim.id > after_id)) or 0)


def rebuild_batch(sessions: Sessions, after_id: int, size: int = 1000) -> RebuiltBatch | None:
    """Recompute the match keys, exact and near matches of the `size` claims after `after_id` (by id), in one unit
    of work; None when none is left. Safe to repeat: a batch replaces the matches it had (`factdesk memory
    rebuild` runs these in turn after an upgrade or a change to the matching rules). Run in id order from the
    first claim (or from where such a run stopped): a claim's earlier claims get their keys in earlier batches."""
    with unit_of_work(sessions) as session:
        claims = list(session.scalars(select(Claim).where(Claim.id > after_id).order_by(Claim.id).limit(size)))
        if not claims:
            return None
        checked = set(session.scalars(select(Verdict.claim_id).where(
            Verdict.claim_id.in_([c.id for c in claims]), Verdict.carried_from_id.is_(None))))
        near_matches.index_checked(session, [c for c in claims if c.id in checked])
        remembered = memory.remember_claims(session, claims)
        near = near_matches.store_near(session, remembered.unmatched)
        return RebuiltBatch(claims[-1].id, len(claims), remembered.exact, near)
