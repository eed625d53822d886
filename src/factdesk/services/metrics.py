"""Figures for /metrics, computed from the database at scrape time so every API process reports the same."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Float, case, cast, func, literal_column, select
from sqlalchemy.orm import Session

from ..db import Sessions, unit_of_work
from ..domain.states import ClaimStatus
from ..models import AuditEvent, Claim, Draft, OutboxJob, Publication, Revision, Verdict, utcnow
from .inbox import count_rejected
from .queue import waiting_claims

# Seconds from a revision's extraction to a checker's verdict on one of its claims.
VERDICT_BUCKETS = (60.0, 300.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0, 28800.0, 86400.0)


@dataclass(frozen=True)
class DeskFigures:
    queue_depth: dict[tuple[str, str], int]  # (desk, type) -> waiting claims; desk "" for drafts without one
    leases_held: dict[str, int]  # desk -> live leases
    lease_expiries: int
    verdict_buckets: list[tuple[float, int]]  # cumulative counts per upper bound
    verdict_count: int
    verdict_seconds_sum: float
    inbox_rejected: int = 0  # CMS saves the drain could not place (their inbox rows say why)
    # integration -> texts its CMS published that the gate had not cleared, ever
    unapproved_publications: dict[str, int] = field(default_factory=dict)
    # task -> (jobs written and not yet run, seconds the oldest of them that is due has waited): whether the
    # workers keep up (an extraction, a near search, a callback, a revert each is one job)
    jobs_pending: dict[str, tuple[int, float]] = field(default_factory=dict)


def _seconds_between(start: Any, end: Any, dialect: str) -> Any:
    if dialect == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * literal_column("86400.0")


def collect_figures(sessions: Sessions, *, now: datetime | None = None) -> DeskFigures:
    """Queue depth per desk and type, live leases per desk, lease expiries so far, and the distribution of
    time from extraction to verdict (first-hand verdicts only; carried-over ones took no checker time), and
    the CMS saves the drain rejected, and the unapproved texts each integration's CMS published, and the jobs
    waiting for a worker."""
    with unit_of_work(sessions) as session:
        return _collect(session, now or utcnow())


def _collect(session: Session, now: datetime) -> DeskFigures:
    depth_query = (
        waiting_claims(now)
        .with_only_columns(Draft.desk, Claim.type, func.count())
        .group_by(Draft.desk, Claim.type)
        .order_by(None)
    )
    depth = {(desk or "", type_): n for desk, type_, n in session.execute(depth_query)}
    held = {
        desk or "": n
        for desk, n in session.execute(
            select(Draft.desk, func.count())
            .join(Claim, Claim.draft_id == Draft.id)
            .where(Claim.status == ClaimStatus.LEASED, Claim.lease_expires_at > now)
            .group_by(Draft.desk)
        )
    }
    expiries = (
        session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "claim.lease_expired"))
        or 0
    )
    seconds = _seconds_between(Revision.extracted_at, Verdict.created_at, session.get_bind().dialect.name)
    row = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(cast(seconds, Float)), 0.0),
            *[func.coalesce(func.sum(case((seconds <= b, 1), else_=0)), 0) for b in VERDICT_BUCKETS],
        )
        .select_from(Verdict)
        .join(Claim, Claim.id == Verdict.claim_id)
        .join(Revision, Revision.id == Claim.revision_id)
        .where(Verdict.carried_from_id.is_(None), Revision.extracted_at.is_not(None))
    ).one()
    count, total, *cumulative = row
    return DeskFigures(
        queue_depth=depth,
        leases_held=held,
        lease_expiries=int(expiries),
        verdict_buckets=[(b, int(n)) for b, n in zip(VERDICT_BUCKETS, cumulative, strict=True)],
        verdict_count=int(count),
        verdict_seconds_sum=float(total),
        inbox_rejected=count_rejected(session),
        unapproved_publications=dict(session.execute(
            select(Draft.source, func.count()).join(Publication, Publication.draft_id == Draft.id)
            .where(Publication.approved.is_(False)).group_by(Draft.source)
        ).all()),
        jobs_pending=_jobs_pending(session, now),
    )


def _jobs_pending(session: Session, now: datetime) -> dict[str, tuple[int, float]]:
    """Per task, the outbox jobs still pending and how long the oldest due one has waited (a job written with a
    delay, a CMS save's debounce, is not late before it is due)."""
    rows = session.execute(select(OutboxJob.task, func.count(), func.min(OutboxJob.available_at))
                           .where(OutboxJob.status == "pending").group_by(OutboxJob.task))
    return {task: (n, max(0.0, (now - oldest).total_seconds())) for task, n, oldest in rows}
