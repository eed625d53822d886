"""Shared by the desk's services: loading a claim and its draft under row locks, and turning refusals into errors.

These are steps inside a use case's unit of work: they read and write through the caller's session and never
commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.actors import Actor
from ..domain.desk import ClaimAction, ClaimSituation, Refusal, decide_claim_action, lease_expired
from ..domain.states import ClaimStatus
from ..models import Claim, Draft
from . import audit
from .authors import draft_authors
from .errors import Conflict, Forbidden, NotFound, ServiceError


def lock_draft(session: Session, draft_id: int) -> Draft:
    """The draft, row-locked (SQLAlchemy renders no FOR UPDATE on SQLite, whose BEGIN IMMEDIATE already
    serialises writers).

    Draft-level decisions (status after a verdict, approval) lock the draft first, then claims, so that
    two verdicts on one draft cannot both miss that the draft is now cleared. The lock is FOR NO KEY
    UPDATE: rows inserted meanwhile that point at the draft (audit events of a lease) take FOR KEY SHARE
    on it, and must not wait on, or deadlock with, this transaction. Raises NotFound.
    """
    draft = session.scalar(select(Draft).where(Draft.id == draft_id).with_for_update(key_share=True))
    if draft is None:
        raise NotFound(f"no draft {draft_id}")
    return draft


def lock_claim(session: Session, claim_id: int, *, with_draft: bool = False) -> tuple[Claim, Draft]:
    """The claim (row-locked) and its draft (locked too when `with_draft`). Raises NotFound."""
    draft_id = session.scalar(select(Claim.draft_id).where(Claim.id == claim_id))
    if draft_id is None:
        raise NotFound(f"no claim {claim_id}")
    draft = lock_draft(session, draft_id) if with_draft else session.get(Draft, draft_id)
    claim = session.scalar(select(Claim).where(Claim.id == claim_id).with_for_update(key_share=True))
    if claim is None or draft is None:
        raise NotFound(f"no claim {claim_id}")
    return claim, draft


def situation(claim: Claim, draft: Draft, author_ids: frozenset[int]) -> ClaimSituation:
    """The claim as the desk's rules see it; `author_ids` is the draft's author set (services.authors)."""
    return ClaimSituation(
        status=claim.status,
        holder_id=claim.leased_by_id,
        lease_expires_at=claim.lease_expires_at,
        current=claim.revision_id == draft.current_revision_id,
        author_ids=author_ids,
        desk=draft.desk,
    )


def refusal_error(refusal: Refusal, **details: Any) -> ServiceError:
    cls = Forbidden if refusal.kind == "forbidden" else Conflict
    return cls(refusal.message, details={"reason": refusal.code, **details})


def lease_state(claim: Claim) -> dict[str, Any]:
    """The lease fields of a claim, as an audit event stores them."""
    return {
        "status": claim.status,
        "leased_by_id": claim.leased_by_id,
        "lease_expires_at": claim.lease_expires_at.isoformat() if claim.lease_expires_at else None,
    }


def move_lease(
    session: Session,
    actor: Actor,
    claim: Claim,
    action: str,
    status: ClaimStatus,
    holder_id: int | None,
    expires_at: datetime | None,
) -> None:
    """Set a claim's status and lease, and audit the change as `action` with before and after."""
    before = lease_state(claim)
    claim.status, claim.leased_by_id, claim.lease_expires_at = status, holder_id, expires_at
    audit.record(
        session,
        actor,
        action,
        draft_id=claim.draft_id,
        revision_id=claim.revision_id,
        claim_id=claim.id,
        before=before,
        after=lease_state(claim),
    )


def end_expired_lease(session: Session, actor: Actor, claim: Claim, now: datetime) -> bool:
    """Return a claim whose lease ran out to the queue, audited as `claim.lease_expired`.

    `actor` is whoever noticed (the sweep, or the request that needed the claim). Safe to repeat:
    returns False when the claim holds no expired lease.
    """
    if not lease_expired(claim.status, claim.lease_expires_at, now):
        return False
    move_lease(session, actor, claim, "claim.lease_expired", ClaimStatus.OPEN, None, None)
    return True


def decide_on_claim(
    session: Session, action: ClaimAction, actor: Actor, claim: Claim, draft: Draft, now: datetime
) -> ClaimStatus:
    """The claim's status after `action`, by the desk's rules; a lease that ran out is ended (and audited)
    first. Raises Forbidden or Conflict with the rule's reason, changing nothing."""
    try:
        target = decide_claim_action(action, actor, situation(claim, draft, draft_authors(session, draft)), now)
    except Refusal as refusal:
        raise refusal_error(refusal, claim_id=claim.id) from None
    end_expired_lease(session, actor, claim, now)
    return target
