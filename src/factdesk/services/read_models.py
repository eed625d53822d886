"""Read models: the plain, frozen shapes services return, built from ORM rows in a constant number of queries.

Views and pages serialise these; they never see an ORM object. Every loader here takes the caller's session,
reads, and never commits: the use case that calls it owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from ..models import Approval, Claim, Draft, Publication, Revision, User, Verdict


@dataclass(frozen=True)
class PublicationView:
    """A publish or unpublish of a draft's CMS document, and the gate's answer for that text at that moment."""

    id: int
    action: str  # "published" or "unpublished"
    revision_id: int | None  # the revision whose text went out (None for an unpublish)
    revision: int | None  # its number
    content_hash: str | None
    source_version: str | None
    event: str | None  # the CMS's event, as its webhook named it
    approved: bool | None
    reason: str | None
    blockers: list[dict[str, Any]]
    published_at: datetime  # by the CMS's clock where it gave one
    recorded_at: datetime
    revert: str | None  # taking unapproved text down: None (not asked), "requested", "done" or "failed"
    revert_attempts: int


@dataclass(frozen=True)
class RevisionView:
    id: int
    number: int
    content_hash: str
    format: str
    created_at: datetime
    extracted_at: datetime | None
    title: str | None
    text: str
    source_version: str | None

    @property
    def extraction(self) -> str:
        return "done" if self.extracted_at else "pending"


@dataclass(frozen=True)
class ClaimCounts:
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_type: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ApprovalView:
    id: int
    revision_id: int
    revision: int | None  # the approved revision's number
    content_hash: str
    current: bool  # whether the approved revision is still the draft's current one
    editor_id: int | None
    editor: str | None
    overrides: list[dict[str, Any]]
    created_at: datetime


@dataclass(frozen=True)
class DraftView:
    id: int
    source: str
    external_id: str | None
    title: str | None
    desk: str | None
    deadline: datetime | None
    reference_date: date | None
    article_url: str | None
    status: str
    author_id: int | None
    created_at: datetime
    updated_at: datetime
    current_revision: RevisionView | None
    claim_counts: ClaimCounts
    approval: ApprovalView | None


@dataclass(frozen=True)
class DraftPage:
    items: list[DraftView]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class VerdictView:
    id: int
    claim_id: int
    rating: str
    note: str | None
    sources: list[dict[str, Any]]
    correction: str | None
    checker_id: int | None
    checker: str | None
    carried_over: bool
    created_at: datetime
    reuse_of: int | None  # the verdict first checked, when a checker reused it (the fact memory)
    publish: bool  # marked for the ClaimReview export

    @property
    def time(self) -> datetime:
        return self.created_at


@dataclass(frozen=True)
class MatchView:
    """An earlier verdict that fits a claim (services.memory): the earlier claim, its draft, the verdict."""

    kind: str  # exact | near
    similarity: float
    stale: bool  # past its type's shelf life: shown, never offered for reuse
    reusable: bool
    fresh_until: datetime | None  # None: never stale
    claim_id: int
    claim_text: str
    claim_type: str
    draft_id: int
    draft_title: str | None
    verdict_id: int
    rating: str
    note: str | None
    sources: list[dict[str, Any]]
    checker_id: int | None
    checker: str | None
    date: datetime  # when it was checked (a reuse: when the verdict it reused was)


@dataclass(frozen=True)
class DraftBrief:
    """The draft fields a checker sees beside a claim in the queue."""

    id: int
    title: str | None
    desk: str | None
    deadline: datetime | None
    status: str


@dataclass(frozen=True)
class ClaimView:
    id: int
    draft_id: int
    revision_id: int
    type: str
    start: int
    end: int
    spans: list[list[int]]
    text: str
    sentence: str
    normalized: dict[str, Any]
    score: float
    reasons: list[str]
    fingerprint: str
    status: str
    leased_by_id: int | None
    lease_expires_at: datetime | None
    previous_claim_id: int | None
    verdict: VerdictView | None = None
    draft: DraftBrief | None = None  # set where the claim is shown outside its draft (the queue, a lease)
    matches: list[MatchView] | None = None  # set where the reader asked for them (services.memory)
    match_count: int | None = None  # set in the queue: how many matches the claim has


@dataclass(frozen=True)
class DraftClaims:
    draft_id: int
    revision: RevisionView | None
    items: list[ClaimView]


def revision_view(revision: Revision) -> RevisionView:
    return RevisionView(
        id=revision.id, number=revision.number, content_hash=revision.content_hash, format=revision.format,
        created_at=revision.created_at, extracted_at=revision.extracted_at, title=revision.title,
        text=revision.text, source_version=revision.source_version,
    )


def publication_view(p: Publication, revision_number: int | None) -> PublicationView:
    return PublicationView(
        id=p.id, action=p.action, revision_id=p.revision_id, revision=revision_number, content_hash=p.content_hash,
        source_version=p.source_version, event=p.event, approved=p.approved, reason=p.reason,
        blockers=list(p.blockers or []), published_at=p.published_at, recorded_at=p.recorded_at,
        revert=p.revert, revert_attempts=p.revert_attempts,
    )


def user_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """Names of the users with these ids, in one query."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(User.id, User.name).where(User.id.in_(wanted))).all())


def draft_brief(draft: Draft | Any) -> DraftBrief:
    return DraftBrief(id=draft.id, title=draft.title, desk=draft.desk, deadline=draft.deadline, status=draft.status)


def draft_views(session: Session, drafts: Sequence[Draft]) -> list[DraftView]:
    """Views of several drafts in four queries whatever their number (revisions, counts, approvals, names)."""
    if not drafts:
        return []
    revision_ids = [d.current_revision_id for d in drafts if d.current_revision_id is not None]
    revisions = {r.id: r for r in session.scalars(select(Revision).where(Revision.id.in_(revision_ids)))} \
        if revision_ids else {}
    counts = _claim_counts(session, revision_ids)
    approvals = _latest_approvals(session, [d.id for d in drafts])
    names = user_names(session, (a.editor_id for a, _ in approvals.values()))
    views = []
    for d in drafts:
        current = revisions.get(d.current_revision_id) if d.current_revision_id is not None else None
        found = approvals.get(d.id)
        approval = _approval_view(found[0], found[1], d.current_revision_id, names) if found else None
        views.append(DraftView(
            id=d.id, source=d.source, external_id=d.external_id, title=d.title, desk=d.desk, deadline=d.deadline,
            reference_date=d.reference_date, article_url=d.article_url, status=d.status, author_id=d.author_id,
            created_at=d.created_at,
            updated_at=d.updated_at, current_revision=revision_view(current) if current else None,
            claim_counts=counts.get(d.current_revision_id or 0, ClaimCounts()), approval=approval,
        ))
    return views


def draft_view(session: Session, draft: Draft) -> DraftView:
    return draft_views(session, [draft])[0]


def approval_view_of(session: Session, approval: Approval, current_revision_id: int | None) -> ApprovalView:
    number = session.scalar(select(Revision.number).where(Revision.id == approval.revision_id))
    return _approval_view(approval, number, current_revision_id, user_names(session, [approval.editor_id]))


def _approval_view(
    approval: Approval, number: int | None, current_revision_id: int | None, names: dict[int, str]
) -> ApprovalView:
    return ApprovalView(
        id=approval.id, revision_id=approval.revision_id, revision=number, content_hash=approval.content_hash,
        current=approval.revision_id == current_revision_id, editor_id=approval.editor_id,
        editor=names.get(approval.editor_id) if approval.editor_id else None, overrides=approval.overrides,
        created_at=approval.created_at,
    )


def _claim_counts(session: Session, revision_ids: list[int]) -> dict[int, ClaimCounts]:
    """Counts of each revision's claims, by status and by type."""
    if not revision_ids:
        return {}
    by_status: dict[int, dict[str, int]] = {}
    by_type: dict[int, dict[str, int]] = {}
    rows = session.execute(
        select(Claim.revision_id, Claim.status, Claim.type, func.count())
        .where(Claim.revision_id.in_(revision_ids))
        .group_by(Claim.revision_id, Claim.status, Claim.type)
    )
    for revision_id, status, type_, n in rows:
        statuses, types = by_status.setdefault(revision_id, {}), by_type.setdefault(revision_id, {})
        statuses[status] = statuses.get(status, 0) + n
        types[type_] = types.get(type_, 0) + n
    return {rid: ClaimCounts(sum(s.values()), s, by_type[rid]) for rid, s in by_status.items()}


def _latest_approvals(session: Session, draft_ids: list[int]) -> dict[int, tuple[Approval, int | None]]:
    """Each draft's latest approval with its revision's number, in one query."""
    newest = select(func.max(Approval.id)).where(Approval.draft_id.in_(draft_ids)).group_by(Approval.draft_id)
    rows = session.execute(
        select(Approval, Revision.number)
        .join(Revision, Revision.id == Approval.revision_id, isouter=True)
        .where(Approval.id.in_(newest))
    )
    return {approval.draft_id: (approval, number) for approval, number in rows.all()}


def newest_verdict_ids(*where: ColumnElement[bool]) -> Select[int]:
    """The id of each claim's newest verdict (the highest: a verdict supersedes those before it), among the
    verdicts `where` selects: a subquery for `Verdict.id.in_(...)`."""
    return select(func.max(Verdict.id)).where(*where).group_by(Verdict.claim_id)


def latest_verdicts(session: Session, claim_ids: Sequence[int]) -> dict[int, Verdict]:
    """Each claim's newest verdict (claims without one are left out), in one query."""
    if not claim_ids:
        return {}
    newest = newest_verdict_ids(Verdict.claim_id.in_(claim_ids))
    return {v.claim_id: v for v in session.scalars(select(Verdict).where(Verdict.id.in_(newest)))}


def verdict_view(verdict: Verdict, names: dict[int, str]) -> VerdictView:
    return VerdictView(
        id=verdict.id, claim_id=verdict.claim_id, rating=verdict.rating, note=verdict.note, sources=verdict.sources,
        correction=verdict.correction, checker_id=verdict.checker_id,
        checker=names.get(verdict.checker_id) if verdict.checker_id else None,
        carried_over=verdict.carried_from_id is not None, created_at=verdict.created_at,
        reuse_of=verdict.reuse_of_id, publish=bool(verdict.publish),
    )


def claim_view(claim: Claim | Any, verdict: VerdictView | None = None, draft: DraftBrief | None = None,
               matches: list[MatchView] | None = None) -> ClaimView:
    """A claim (an ORM row, or any row with the same fields) as a plain view."""
    return ClaimView(
        id=claim.id, draft_id=claim.draft_id, revision_id=claim.revision_id, type=claim.type, start=claim.start,
        end=claim.end, spans=claim.spans, text=claim.text, sentence=claim.sentence, normalized=claim.normalized,
        score=claim.score, reasons=claim.reasons, fingerprint=claim.fingerprint, status=claim.status,
        leased_by_id=claim.leased_by_id, lease_expires_at=claim.lease_expires_at,
        previous_claim_id=claim.previous_claim_id, verdict=verdict, draft=draft, matches=matches,
    )


def claim_views(session: Session, claims: Sequence[Claim]) -> list[ClaimView]:
    """Views of claims, each with its latest verdict and the verdict's checker, in two queries."""
    latest = latest_verdicts(session, [c.id for c in claims])
    names = user_names(session, (v.checker_id for v in latest.values()))
    return [claim_view(c, verdict_view(latest[c.id], names) if c.id in latest else None) for c in claims]
