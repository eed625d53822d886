"""The checkers' queue: listing waiting claims by urgency, leasing, renewing, releasing and expiring leases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, func, or_, select, update
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from ..domain.actors import Actor
from ..domain.desk import ClaimAction, ClaimSituation, Refusal, decide_claim_action
from ..domain.roles import Permission
from ..domain.states import ClaimStatus, DraftStatus
from ..models import Claim, Draft, User, utcnow
from ..models.claims import WAITING
from . import audit
from .claims_access import (
    decide_on_claim,
    end_expired_lease,
    is_postgres,
    lock_claim,
    move_lease,
    refusal_error,
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


@dataclass(frozen=True)
class DraftSummary:
    """The draft fields a checker sees beside a freshly leased claim."""

    id: int
    title: str | None
    desk: str | None
    deadline: datetime | None
    status: str


def lease_next_claim(
    session: Session,
    actor: Actor,
    *,
    lease_seconds: int,
    cap: int,
    filters: QueueFilter = QueueFilter(),
    now: datetime | None = None,
) -> tuple[Claim, DraftSummary] | None:
    """Lease the most urgent waiting claim `actor` may check; None when nothing is left for them.

    Skips claims of drafts the actor wrote and, for a checker with a desk, other desks' drafts. The
    claim is chosen and leased in one statement (`UPDATE … FROM (SELECT … LIMIT 1 FOR UPDATE SKIP LOCKED)`
    on PostgreSQL, so concurrent callers each get a different claim without waiting on each other; on
    SQLite the transaction is BEGIN IMMEDIATE). Raises Forbidden (role), Conflict (the actor already
    holds `cap` leases).
    """
    now = now or utcnow()
    if not actor.can(Permission.CHECK):
        raise Forbidden(f"role {actor.role!r} may not check claims", details={"reason": "role"})
    _check_lease_cap(session, actor, cap, now)
    shape = (filters.desk is not None, filters.type is not None, filters.draft_id is not None, actor.desk is not None)
    expires = now + timedelta(seconds=lease_seconds)
    params: dict[str, Any] = {"now": now, "expires": expires, "actor_id": actor.id, "actor_desk": actor.desk,
              "f_desk": filters.desk, "f_type": filters.type, "f_draft": filters.draft_id}
    if is_postgres(session):
        found = session.execute(_lease_statement(*shape), params).first()
        if found is None:
            return None
        values = dict(found._mapping)
    else:
        # SQLite's RETURNING sees only the updated table, so choose, then lease (BEGIN IMMEDIATE holds).
        chosen = session.execute(_candidate(*shape), params).first()
        if chosen is None:
            return None
        leased = session.execute(_LEASE_BY_ID, {**params, "claim_id": chosen.id}).one()
        values = {**leased._mapping, **{f"before_{k}": chosen._mapping[k] for k in _BEFORE},
                  **{k: chosen._mapping[k] for k in _DRAFT}}
    row = SimpleNamespace(**values)
    before = {"status": row.before_status, "leased_by_id": row.before_leased_by_id,
              "lease_expires_at": row.before_lease_expires_at}
    # The statement applied the rules already; deciding again on what it saw keeps domain/ authoritative
    # (a refusal raises, and the caller's transaction rolls the lease back).
    try:
        decide_claim_action(ClaimAction.LEASE, actor, ClaimSituation(
            status=row.before_status, holder_id=row.before_leased_by_id,
            lease_expires_at=row.before_lease_expires_at, current=True, author_id=row.d_author, desk=row.d_desk,
        ), now)
    except Refusal as refusal:
        raise refusal_error(refusal, claim_id=row.id) from None
    events: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    if row.before_status == ClaimStatus.LEASED:
        opened: dict[str, Any] = {"status": ClaimStatus.OPEN.value, "leased_by_id": None, "lease_expires_at": None}
        events.append(("claim.lease_expired", before, opened))
        before = opened
    events.append(("claim.leased", before, {"status": ClaimStatus.LEASED.value, "leased_by_id": actor.id,
                                             "lease_expires_at": expires}))
    audit.record_many(session, actor, [
        audit.Change(action, draft_id=row.draft_id, revision_id=row.revision_id, claim_id=row.id,
                     before=_jsonable(b), after=_jsonable(a))
        for action, b, a in events
    ])
    draft = DraftSummary(id=row.d_id, title=row.d_title, desk=row.d_desk, deadline=row.d_deadline, status=row.d_status)
    return row, draft  # type: ignore[return-value]


_BEFORE = ("status", "leased_by_id", "lease_expires_at")
_DRAFT = ("d_id", "d_title", "d_desk", "d_deadline", "d_status", "d_author")


def _jsonable(state: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in state.items()}


@lru_cache(maxsize=32)
def _candidate(by_desk: bool, by_type: bool, by_draft: bool, actor_has_desk: bool) -> Any:
    """The most urgent waiting claim the actor may take, with what the rules and the answer need; built
    once per shape, with parameters: this is the desk's hottest query, and building it costs more than
    running it."""
    filters = QueueFilter(
        # Parameter names must not be column names: an UPDATE would take those as values to set.
        desk=bindparam("f_desk") if by_desk else None,  # type: ignore[arg-type]
        type=bindparam("f_type") if by_type else None,  # type: ignore[arg-type]
        draft_id=bindparam("f_draft") if by_draft else None,  # type: ignore[arg-type]
    )
    actor_id: Any = bindparam("actor_id")
    candidate = (
        waiting_claims(bindparam("now"), filters)  # type: ignore[arg-type]
        .with_only_columns(
            Claim.id, Claim.status, Claim.leased_by_id, Claim.lease_expires_at,
            Draft.id.label("d_id"), Draft.title.label("d_title"), Draft.desk.label("d_desk"),
            Draft.deadline.label("d_deadline"), Draft.status.label("d_status"), Draft.author_id.label("d_author"),
        )
        .where(or_(Draft.author_id.is_(None), Draft.author_id != actor_id))
        .limit(1)
    )
    if actor_has_desk:
        candidate = candidate.where(Claim.draft_desk == bindparam("actor_desk"))
    return candidate


CLAIMS = cast(Table, Claim.__table__)
_LEASE_VALUES: dict[str, Any] = {"status": ClaimStatus.LEASED.value, "leased_by_id": bindparam("actor_id"),
                 "lease_expires_at": bindparam("expires"), "updated_at": bindparam("now")}
_LEASE_BY_ID = (
    update(CLAIMS).where(CLAIMS.c.id == bindparam("claim_id")).values(**_LEASE_VALUES).returning(*CLAIMS.c)
)


@lru_cache(maxsize=32)
def _lease_statement(by_desk: bool, by_type: bool, by_draft: bool, actor_has_desk: bool) -> Any:
    """PostgreSQL: `UPDATE claims … FROM (the candidate, FOR NO KEY UPDATE SKIP LOCKED) RETURNING …`,
    choosing and leasing in one round trip without waiting on other checkers' rows."""
    chosen = (
        _candidate(by_desk, by_type, by_draft, actor_has_desk)
        .with_for_update(skip_locked=True, key_share=True, of=Claim)
        .cte("chosen")
    )
    return (
        update(CLAIMS)
        .where(CLAIMS.c.id == chosen.c.id)
        .values(**_LEASE_VALUES)
        .returning(*CLAIMS.c, *(chosen.c[k].label(f"before_{k}") for k in _BEFORE), *(chosen.c[k] for k in _DRAFT))
    )


def _check_lease_cap(session: Session, actor: Actor, cap: int, now: datetime) -> None:
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
