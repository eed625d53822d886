"""The checkers' queue: listing waiting claims by urgency, leasing, renewing, releasing and expiring leases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from ..domain.actors import Actor
from ..domain.desk import ClaimAction
from ..domain.roles import Permission
from ..domain.states import ClaimStatus, DraftStatus
from ..models import Claim, Draft, User, utcnow
from ..models.claims import WAITING
from .claims_access import (
    decide_on_claim,
    end_expired_lease,
    is_postgres,
    lock_claim,
    move_lease,
)
from .errors import Conflict, Forbidden


@dataclass(frozen=True)
class QueueFilter:
    desk: str | None = None
    type: str | None = None
    draft_id: int | None = None


def waiting_claims(now: datetime, filters: QueueFilter = QueueFilter()) -> Select[Any]:
    """Claims a checker could take, most urgent first: draft deadline (none last), then check-worthiness.

    A claim waits when it belongs to its draft's current revision, the draft is in review, and the claim
    is open or its lease has run out (an expired lease counts as returned even before the sweep runs).
    The database walks the partial index `ix_claims_waiting` (or `_desk`) in this order and stops after a
    page, checking each row's draft by primary key, so the cost does not grow with the number of claims.
    """
    waiting_or_expired = or_(Claim.status == ClaimStatus.OPEN, Claim.lease_expires_at <= now)
    query = (
        select(Claim, Draft)
        # One join condition, not two: a revision belongs to one draft, and the planner estimates a single
        # equality well, which is what makes it choose the index walk (two make it guess "one row" and sort).
        .join(Draft, Draft.current_revision_id == Claim.revision_id)
        .where(
            # The partial indexes' predicate, as a literal so that the planner can match it to them.
            sql(f"{Claim.__tablename__}.{WAITING}"),
            waiting_or_expired,
            Draft.status == DraftStatus.IN_REVIEW,
        )
        .order_by(Claim.draft_deadline.asc().nulls_last(), Claim.score.desc(), Claim.id)
    )
    if filters.desk is not None:
        query = query.where(Claim.draft_desk == filters.desk)
    if filters.type is not None:
        query = query.where(Claim.type == filters.type)
    if filters.draft_id is not None:
        query = query.where(Claim.draft_id == filters.draft_id)
    return query  # type: ignore[return-value]


def list_queue(
    session: Session,
    filters: QueueFilter = QueueFilter(),
    *,
    limit: int = 50,
    offset: int = 0,
    now: datetime | None = None,
) -> list[tuple[Claim, Draft]]:
    """One page of waiting claims with their drafts, most urgent first (read only)."""
    query = waiting_claims(now or utcnow(), filters).limit(limit).offset(offset)
    return [(row[0], row[1]) for row in session.execute(query)]


def lease_next_claim(
    session: Session,
    actor: Actor,
    *,
    lease_seconds: int,
    cap: int,
    filters: QueueFilter = QueueFilter(),
    now: datetime | None = None,
) -> tuple[Claim, Draft] | None:
    """Lease the most urgent waiting claim `actor` may check; None when nothing is left for them.

    Skips claims of drafts the actor wrote and, for a checker with a desk, other desks' drafts. On
    PostgreSQL the candidate row is taken with FOR UPDATE SKIP LOCKED, so concurrent callers each get a
    different claim without waiting on each other; on SQLite the transaction is BEGIN IMMEDIATE.
    Raises Forbidden (role), Conflict (the actor already holds `cap` leases).
    """
    now = now or utcnow()
    if not actor.can(Permission.CHECK):
        raise Forbidden(f"role {actor.role!r} may not check claims", details={"reason": "role"})
    if is_postgres(session):
        # Serialise one checker's own lease calls so that the cap holds under concurrency.
        session.execute(select(User.id).where(User.id == actor.id).with_for_update(key_share=True))
    held = (
        session.scalar(
            select(func.count())
            .select_from(Claim)
            .where(Claim.leased_by_id == actor.id, Claim.status == ClaimStatus.LEASED, Claim.lease_expires_at > now)
        )
        or 0
    )
    if held >= cap:
        raise Conflict(
            f"you hold {held} leases, the most allowed; record verdicts or release some first",
            details={"reason": "lease_cap", "held": held, "cap": cap},
        )
    query = waiting_claims(now, filters).where(or_(Draft.author_id.is_(None), Draft.author_id != actor.id))
    if actor.desk is not None:
        query = query.where(Claim.draft_desk == actor.desk)
    row = session.execute(query.limit(1).with_for_update(skip_locked=True, key_share=True, of=Claim)).first()
    if row is None:
        return None
    claim, draft = row[0], row[1]
    # The query already applied the rules; deciding again keeps the rules in one place authoritative.
    decide_on_claim(session, ClaimAction.LEASE, actor, claim, draft, now)
    _lease(session, actor, claim, "claim.leased", now + timedelta(seconds=lease_seconds))
    return claim, draft


def renew_lease(
    session: Session, actor: Actor, claim_id: int, *, lease_seconds: int, now: datetime | None = None
) -> tuple[Claim, Draft]:
    """Extend the caller's live lease by `lease_seconds` from now (safe to repeat).

    Raises NotFound, Forbidden, Conflict (not the holder, or the lease already ran out).
    """
    now = now or utcnow()
    claim, draft = lock_claim(session, claim_id)
    decide_on_claim(session, ClaimAction.RENEW, actor, claim, draft, now)
    _lease(session, actor, claim, "claim.lease_renewed", now + timedelta(seconds=lease_seconds))
    return claim, draft


def release_claim(session: Session, actor: Actor, claim_id: int, *, now: datetime | None = None) -> Claim:
    """Give a leased claim back to the queue: the holder's own, or anyone's for an editor.

    Raises NotFound, Forbidden, Conflict (no live lease of yours on it).
    """
    now = now or utcnow()
    claim, draft = lock_claim(session, claim_id)
    target = decide_on_claim(session, ClaimAction.RELEASE, actor, claim, draft, now)
    move_lease(session, actor, claim, "claim.released", target, None, None)
    return claim


def expire_leases(session: Session, actor: Actor, *, now: datetime | None = None, limit: int = 1000) -> int:
    """Return every claim whose lease ran out to the queue, each audited; returns how many (safe to repeat).

    Rows another transaction holds are skipped on PostgreSQL; the next sweep, or the next lease, gets them.
    """
    now = now or utcnow()
    query = (
        select(Claim)
        .where(Claim.status == ClaimStatus.LEASED, Claim.lease_expires_at <= now)
        .order_by(Claim.lease_expires_at)
        .limit(limit)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True, key_share=True)
    return sum(end_expired_lease(session, actor, claim, now) for claim in session.scalars(query))


def _lease(session: Session, actor: Actor, claim: Claim, action: str, expires_at: datetime) -> None:
    move_lease(session, actor, claim, action, ClaimStatus.LEASED, actor.id, expires_at)
