"""`factdesk memory rebuild`: every stored claim matched again, in batches, after an upgrade or a change to the
matching rules (a changed shelf life needs none: freshness is decided when a match is read).

Two passes, each resumable. The first (`rebuild_batch`) goes through the claims in id order and gives each the
matches it would get were it stored now, from the checked claims stored before it. The second (`recheck_batch`)
gives the claims still waiting for a verdict the exact matches that checks recorded after they were stored gave
them (services.memory.match_waiting, the live path itself): in the first pass a waiting claim sees only the
claims stored before it, and without the second, a claim checked in another draft while this one waited would
be checked twice after a rebuild."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, select

from ..db import Sessions, unit_of_work
from ..domain.states import ClaimStatus
from ..models import Claim, Verdict
from . import memory, near_matches
from .read_models import latest_verdicts


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


def recheck_batch(sessions: Sessions, after_id: int, size: int = 1000) -> RebuiltBatch | None:
    """The second pass: of the claims after `after_id` (by id) with a verdict recorded on them, the `size` first
    that share their key with a claim stored before them and still waiting for a verdict of its own, each given to
    those waiting claims as an exact match (services.memory.match_waiting), in one unit of work; None when none
    is left. Safe to repeat."""
    with unit_of_work(sessions) as session:
        waiting = select(Claim.match_key, func.min(Claim.id).label("first")) \
            .where(Claim.match_key.is_not(None), Claim.status.in_((ClaimStatus.OPEN, ClaimStatus.LEASED)),
                   ~exists().where(Verdict.claim_id == Claim.id)) \
            .group_by(Claim.match_key).subquery()
        checked = list(session.scalars(
            select(Claim).join(waiting, and_(waiting.c.match_key == Claim.match_key, Claim.id > waiting.c.first))
            .where(Claim.id > after_id, exists().where(Verdict.claim_id == Claim.id))
            .order_by(Claim.id).limit(size)))
        if not checked:
            return None
        verdicts = latest_verdicts(session, [c.id for c in checked])
        given = sum(memory.match_waiting(session, c, verdicts[c.id]) for c in checked)
        return RebuiltBatch(checked[-1].id, len(checked), given, 0)

