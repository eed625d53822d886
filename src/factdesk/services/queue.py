"""The checkers' queue: listing waiting claims by urgency, leasing, renewing, releasing and expiring leases.

Each public function is one use case: it opens and commits its own unit of work on the session factory it is
given and returns read models (a claim as `ClaimView`, with its draft's `DraftBrief`), never ORM rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import (
    Connection,
    Integer,
    Select,
    String,
    Table,
    bindparam,
    case,
    func,
    insert,
    literal_column,
    or_,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from ..db import Sessions, unit_of_work
from ..domain.actors import SYSTEM, Actor
from ..domain.desk import ClaimAction, ClaimSituation, Refusal, decide_claim_action
from ..domain.roles import Permission, authors_of
from ..domain.states import ClaimStatus, DraftStatus
from ..models import AuditEvent, Claim, Draft, User, utcnow
from ..models.base import JSONType, UTCDateTime
from ..models.claims import WAITING
from . import audit, memory
from .authors import not_written_by
from .claims_access import decide_on_claim, end_expired_lease, lock_claim, move_lease, refusal_error
from .errors import Conflict, Forbidden
from .read_models import ClaimView, DraftBrief, claim_view, draft_brief


@dataclass(frozen=True)
class QueueFilter:
    desk: str | None = None
    type: str | None = None
    draft_id: int | None = None
    match: str | None = None  # "exact": only claims with a fresh exact match (GET /queue; services.memory)


def _const(value: str) -> Any:
    """A status as a literal, not a parameter: in a prepared statement PostgreSQL plans `status = $1` as if
    it could be any status, and that generic plan is too poor to keep, so each call would be planned anew."""
    return literal_column(f"'{value}'", String)


def waiting_claims(now: datetime, filters: QueueFilter = QueueFilter()) -> Select[Any]:
    """Claims a checker could take, most urgent first: draft deadline (none last), then check-worthiness.

    A claim waits when it belongs to its draft's current revision, the draft is in review, and the claim
    is open or its lease is over (an expired lease counts as returned even before the sweep runs; a lease
    without an expiry is over, as `domain.desk.lease_expired` has it).
    The database walks the partial index `ix_claims_waiting` (or `_desk`) in this order and stops after a
    page, checking each row's draft by primary key, so the cost does not grow with the number of claims.
    """
    waiting_or_expired = or_(
        Claim.status == _const(ClaimStatus.OPEN), Claim.lease_expires_at.is_(None), Claim.lease_expires_at <= now
    )
    query = (
        select(Claim, Draft)
        # One join condition, not two: a revision belongs to one draft, and the planner estimates a single
        # equality well, which is what makes it choose the index walk (two make it guess "one row" and sort).
        .join(Draft, Draft.current_revision_id == Claim.revision_id)
        .where(
            # The partial indexes' predicate, as a literal so that the planner can match it to them.
            sql(f"{Claim.__tablename__}.{WAITING}"),
            waiting_or_expired,
            Draft.status == _const(DraftStatus.IN_REVIEW),
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


@dataclass(frozen=True)
class QueuePage:
    items: list[ClaimView]  # each with its `draft`
    limit: int
    offset: int


def list_queue(
    sessions: Sessions,
    filters: QueueFilter = QueueFilter(),
    *,
    limit: int = 50,
    offset: int = 0,
    now: datetime | None = None,
    actor: Actor | None = None,
    shelf_life: Mapping[str, int | None] | None = None,
) -> QueuePage:
    """One page of waiting claims with their drafts, most urgent first, in one query (read only); given the
    `actor` reading it, each with how many matches they may see (one more query). `filters.match` "exact"
    keeps the claims with a fresh exact match the actor may see (`shelf_life`: per-type overrides)."""
    now = now or utcnow()
    query = waiting_claims(now, filters).limit(limit).offset(offset)
    if filters.match == "exact":
        query = query.where(memory.has_fresh_exact_match(actor or SYSTEM, now, shelf_life))
    with unit_of_work(sessions) as session:
        rows = session.execute(query).all()
        counts = memory.match_counts(session, actor, [c.id for c, _ in rows]) if actor is not None else None
        items = [claim_view(claim, None, draft_brief(draft)) for claim, draft in rows]
    if counts is not None:
        items = [replace(i, match_count=counts.get(i.id, 0)) for i in items]
    return QueuePage(items, limit, offset)


def lease_next_claim(
    sessions: Sessions,
    actor: Actor,
    *,
    lease_seconds: int,
    cap: int,
    filters: QueueFilter = QueueFilter(),
    now: datetime | None = None,
) -> ClaimView | None:
    """Lease the most urgent waiting claim `actor` may check; returns it with its draft, or None when nothing
    is left for them (a claim the rules would refuse them is skipped, never named).

    Skips claims of drafts the actor wrote any revision of and, for a checker with a desk, other desks'
    drafts. On PostgreSQL the cap is counted, the claim chosen (`FOR NO KEY UPDATE SKIP LOCKED`, so concurrent
    callers each get a different claim without waiting on each other), leased and audited in one statement (see
    `_lease_statement`); on SQLite the transaction is BEGIN IMMEDIATE and these are separate statements.
    Raises Forbidden (role), Conflict (the actor already holds `cap` leases). Each call leases another claim.
    """
    now = now or utcnow()
    if not actor.can(Permission.CHECK):
        raise Forbidden(f"role {actor.role!r} may not check claims", details={"reason": "role"})
    with unit_of_work(sessions) as session:
        return _lease_next(session, actor, lease_seconds=lease_seconds, cap=cap, filters=filters, now=now)


def _lease_next(
    session: Session, actor: Actor, *, lease_seconds: int, cap: int, filters: QueueFilter, now: datetime
) -> ClaimView | None:
    """The lease, in the caller's transaction; the view is built from the row the lease statement returns."""
    # Core statements on the session's connection: nothing here needs the ORM's per-statement work.
    conn = session.connection()
    shape = (filters.desk is not None, filters.type is not None, filters.draft_id is not None, actor.desk is not None)
    expires = now + timedelta(seconds=lease_seconds)
    params: dict[str, Any] = {"now": now, "expires": expires, "actor_id": actor.id, "actor_desk": actor.desk,
              "f_desk": filters.desk, "f_type": filters.type, "f_draft": filters.draft_id}
    leased_state = {"status": ClaimStatus.LEASED.value, "leased_by_id": actor.id, "lease_expires_at": expires}
    if conn.dialect.name == "postgresql":
        # Serialise one checker's own lease calls, in a statement of its own: the next statement's snapshot
        # is taken after this lock is granted, so its count sees every lease the checker committed meanwhile.
        conn.execute(_LOCK_CHECKER, params)
        found = conn.execute(_lease_statement(*shape), {
            **params, "cap": cap, "event_at": utcnow(), "actor_label": actor.label,
            "leased_state": _jsonable(leased_state), "opened_state": _OPENED,
        }).one()
        if found.id is None:
            if found.held >= cap:
                raise _cap_reached(found.held, cap)
            return None
        values = dict(found._mapping)
    else:
        _check_lease_cap(conn, actor, cap, now)
        # SQLite's RETURNING sees only the updated table, so choose, then lease (BEGIN IMMEDIATE holds).
        chosen = conn.execute(_candidate(*shape), params).first()
        if chosen is None:
            return None
        leased = conn.execute(_LEASE_BY_ID, {**params, "claim_id": chosen.id}).one()
        values = {**leased._mapping, **{f"before_{k}": chosen._mapping[k] for k in _BEFORE},
                  **{k: chosen._mapping[k] for k in _DRAFT}}
    row = SimpleNamespace(**values)
    # The statement applied the rules already; deciding again on what it saw keeps domain/ authoritative
    # (a refusal raises, and the unit of work rolls the lease and its audit events back). Of the draft's
    # authors it returns the creator only: that the actor wrote none of its revisions is the statement's own
    # condition (services.authors.not_written_by). Returning that test as a column too would not be a second
    # opinion, and PostgreSQL evaluates it by reading every revision the actor ever wrote.
    authors = authors_of(row.d_author, ())
    try:
        decide_claim_action(ClaimAction.LEASE, actor, ClaimSituation(
            status=row.before_status, holder_id=row.before_leased_by_id,
            lease_expires_at=row.before_lease_expires_at, current=True, author_ids=authors, desk=row.d_desk,
        ), now)
    except Refusal as refusal:
        raise refusal_error(refusal, claim_id=row.id) from None
    if conn.dialect.name != "postgresql":  # PostgreSQL wrote the audit events in the lease statement
        before = {"status": row.before_status, "leased_by_id": row.before_leased_by_id,
                  "lease_expires_at": row.before_lease_expires_at}
        events: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
        if row.before_status == ClaimStatus.LEASED:
            events.append(("claim.lease_expired", before, _OPENED))
            before = _OPENED
        events.append(("claim.leased", before, leased_state))
        audit.record_many(session, actor, [
            audit.Change(action, draft_id=row.draft_id, revision_id=row.revision_id, claim_id=row.id,
                         before=_jsonable(b), after=_jsonable(a))
            for action, b, a in events
        ])
    draft = DraftBrief(id=row.d_id, title=row.d_title, desk=row.d_desk, deadline=row.d_deadline, status=row.d_status)
    return claim_view(row, None, draft)


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
        # Never a draft the actor wrote any revision of: a probe of the revisions' (draft_id, created_by_id)
        # index per candidate, as the walk goes.
        .where(not_written_by(actor_id))
        # A literal, not a parameter: with `LIMIT $n` PostgreSQL cannot cost a generic plan for the prepared
        # statement, so it plans every lease afresh (about 2 ms of server time, more than running it).
        .limit(literal_column("1", Integer))
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


AUDIT_EVENTS = cast(Table, AuditEvent.__table__)
_OPENED: dict[str, Any] = {"status": ClaimStatus.OPEN.value, "leased_by_id": None, "lease_expires_at": None}
_LOCK_CHECKER = select(User.id).where(User.id == bindparam("actor_id")).with_for_update(key_share=True)


def _live_leases(actor_id: Any, now: Any) -> Select[Any]:
    return select(func.count()).select_from(CLAIMS).where(
        CLAIMS.c.leased_by_id == actor_id,
        # `status || ''`: walk the actor's own entries of ix_claims_leased_by_id, never every leased claim of
        # ix_claims_status (which the planner prefers whenever statistics were taken with few leases out).
        CLAIMS.c.status.concat("") == _const(ClaimStatus.LEASED),
        CLAIMS.c.lease_expires_at > now,
    )


def _iso_utc(ts: Any) -> Any:
    """A timestamp as the text Python's `datetime.isoformat()` gives for UTC (what `audit.record` stores)."""
    utc = func.timezone("UTC", ts)
    return case(
        (func.to_char(utc, "US") == "000000", func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS') + "+00:00"),
        else_=func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS.US') + "+00:00",
    )


@lru_cache(maxsize=32)
def _lease_statement(by_desk: bool, by_type: bool, by_draft: bool, actor_has_desk: bool) -> Any:
    """PostgreSQL, the whole lease in one round trip:

        WITH held AS (count the actor's live leases),
             chosen AS (the candidate when held < cap, FOR NO KEY UPDATE OF claims SKIP LOCKED),
             leased AS (UPDATE claims … FROM chosen RETURNING …),
             audited AS (INSERT INTO audit_events … SELECT … FROM leased)
        SELECT held, leased.* FROM held LEFT JOIN leased

    Concurrent callers each get a different claim without waiting on each other's rows. No claim comes
    back (id NULL) when nothing is left or the actor holds `cap` leases; `held` tells which. The audit
    events are those `audit.record` would write: `claim.lease_expired` first when the chosen claim's
    lease had run out, then `claim.leased`.
    """
    held = select(_live_leases(bindparam("actor_id"), bindparam("now")).label("held")).cte("held")
    chosen = (
        _candidate(by_desk, by_type, by_draft, actor_has_desk)
        .where(select(held.c.held).scalar_subquery() < bindparam("cap"))
        .with_for_update(skip_locked=True, key_share=True, of=Claim)
        .cte("chosen")
    )
    leased = (
        update(CLAIMS)
        .where(CLAIMS.c.id == chosen.c.id)
        .values(**_LEASE_VALUES)
        .returning(*CLAIMS.c, *(chosen.c[k].label(f"before_{k}") for k in _BEFORE), *(chosen.c[k] for k in _DRAFT))
        .cte("leased")
    )
    # One row per event: 1 = the expiry of a lease that had run out (only then), 2 = the new lease.
    # (A SELECT … UNION ALL, not VALUES: SQLAlchemy caches no statement holding VALUES data.)
    event = union_all(*(
        select(literal_column(str(seq), Integer).label("seq"), literal_column(f"'{action}'", String).label("action"))
        for seq, action in ((1, "claim.lease_expired"), (2, "claim.leased"))
    )).subquery("event")
    was = func.jsonb_build_object(
        "status", leased.c.before_status, "leased_by_id", leased.c.before_leased_by_id,
        "lease_expires_at", _iso_utc(leased.c.before_lease_expires_at),
    )
    expired = leased.c.before_status == _const(ClaimStatus.LEASED)
    opened = bindparam("opened_state", type_=JSONType)
    audited = insert(AUDIT_EVENTS).from_select(
        ["created_at", "actor_id", "actor", "action", "draft_id", "revision_id", "claim_id", "before", "after"],
        select(
            bindparam("event_at", type_=UTCDateTime()), bindparam("actor_id"), bindparam("actor_label"),
            event.c.action, leased.c.draft_id, leased.c.revision_id, leased.c.id,
            case((or_(event.c.seq == 1, ~expired), was), else_=opened),
            case((event.c.seq == 1, opened), else_=bindparam("leased_state", type_=JSONType)),
        )
        .select_from(leased.join(event, or_(event.c.seq == 2, expired)))
        .order_by(event.c.seq),
    ).cte("audited")
    return select(held.c.held, *leased.c).select_from(held.outerjoin(leased, true())).add_cte(audited)


def _check_lease_cap(conn: Connection, actor: Actor, cap: int, now: datetime) -> None:
    """SQLite: BEGIN IMMEDIATE serialises writers, so a count before the lease holds the cap."""
    held = conn.scalar(_live_leases(actor.id, now)) or 0
    if held >= cap:
        raise _cap_reached(held, cap)


def _cap_reached(held: int, cap: int) -> Conflict:
    return Conflict(
        f"you hold {held} leases, the most allowed; record verdicts or release some first",
        details={"reason": "lease_cap", "held": held, "cap": cap},
    )


def renew_lease(
    sessions: Sessions, actor: Actor, claim_id: int, *, lease_seconds: int, now: datetime | None = None
) -> ClaimView:
    """Extend the caller's live lease by `lease_seconds` from now; returns the claim with its draft (safe to
    repeat).

    Raises NotFound, Forbidden, Conflict (not the holder, or the lease already ran out).
    """
    now = now or utcnow()
    with unit_of_work(sessions) as session:
        claim, draft = lock_claim(session, claim_id)
        decide_on_claim(session, ClaimAction.RENEW, actor, claim, draft, now)
        _lease(session, actor, claim, "claim.lease_renewed", now + timedelta(seconds=lease_seconds))
        return claim_view(claim, None, draft_brief(draft))


def release_claim(sessions: Sessions, actor: Actor, claim_id: int, *, now: datetime | None = None) -> ClaimView:
    """Give a leased claim back to the queue: the holder's own, or anyone's for an editor; returns the claim
    with its draft.

    Raises NotFound, Forbidden, Conflict (no live lease of yours on it).
    """
    now = now or utcnow()
    with unit_of_work(sessions) as session:
        claim, draft = lock_claim(session, claim_id)
        target = decide_on_claim(session, ClaimAction.RELEASE, actor, claim, draft, now)
        move_lease(session, actor, claim, "claim.released", target, None, None)
        return claim_view(claim, None, draft_brief(draft))


def expire_leases(sessions: Sessions, actor: Actor, *, now: datetime | None = None, limit: int = 1000) -> int:
    """Return every claim whose lease ran out to the queue, each audited; returns how many (safe to repeat).

    Rows another transaction holds are skipped on PostgreSQL; the next sweep, or the next lease, gets them.
    """
    now = now or utcnow()
    query = (
        select(Claim)
        # As `domain.desk.lease_expired`: a lease without an expiry is over too.
        .where(Claim.status == ClaimStatus.LEASED, or_(Claim.lease_expires_at.is_(None), Claim.lease_expires_at <= now))
        .order_by(Claim.lease_expires_at)
        .limit(limit)
        .with_for_update(skip_locked=True, key_share=True)
    )
    with unit_of_work(sessions) as session:
        return sum(end_expired_lease(session, actor, claim, now) for claim in session.scalars(query))


def _lease(session: Session, actor: Actor, claim: Claim, action: str, expires_at: datetime) -> None:
    move_lease(session, actor, claim, action, ClaimStatus.LEASED, actor.id, expires_at)
