"""Submitting drafts and reading them back: new drafts, new revisions, claim listings."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.actors import Actor
from ..domain.roles import Permission
from ..domain.states import DraftStatus, next_draft_status
from ..extraction import normalize
from ..models import Claim, Draft, Revision, Verdict, utcnow
from . import audit, outbox
from .errors import Forbidden, Invalid, NotFound

EXTRACT_TASK = "factdesk.extract_revision"
FORMATS = ("text", "html", "markdown")


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Submission:
    body: str
    format: str = "text"
    title: str | None = None
    external_id: str | None = None
    desk: str | None = None
    deadline: datetime | None = None
    reference_date: date | None = None
    source: str = "api"
    source_version: str | None = None


@dataclass(frozen=True)
class SubmitResult:
    draft: Draft
    revision: Revision
    created_draft: bool
    created_revision: bool


def submit_draft(session: Session, actor: Actor, sub: Submission, *, debounce: float = 0.0) -> SubmitResult:
    """Store a new draft, or a new revision of the draft with the same (source, external_id).

    The same text as the current revision stores nothing new and queues no extraction (safe to repeat).
    Extraction is queued through the outbox, `debounce` seconds out, replacing any extraction of the
    draft's older revisions still waiting. Raises Forbidden, Invalid.
    """
    if not actor.can(Permission.SUBMIT_DRAFT):
        raise Forbidden(f"role {actor.role!r} may not submit drafts")
    if sub.format not in FORMATS:
        raise Invalid(f"format must be one of {', '.join(FORMATS)}", details={"format": ["unknown format"]})
    normalized = normalize(sub.body, sub.format, title=sub.title)
    body_text = normalize(sub.body, sub.format).text
    if not body_text.strip():
        raise Invalid("body has no text", details={"body": ["must contain text"]})
    digest = content_hash(normalized.text)

    draft = None
    if sub.external_id is not None:
        query = select(Draft).where(Draft.source == sub.source, Draft.external_id == sub.external_id)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        draft = session.scalar(query)
    created_draft = draft is None
    if draft is None:
        draft = Draft(
            source=sub.source,
            external_id=sub.external_id,
            status=DraftStatus.RECEIVED,
            author_id=actor.id,
        )
        session.add(draft)
    _apply_metadata(draft, sub)
    session.flush()

    current = draft.current_revision
    if current is not None and current.content_hash == digest:
        return SubmitResult(draft, current, created_draft=False, created_revision=False)

    number = (session.scalar(select(func.max(Revision.number)).where(Revision.draft_id == draft.id)) or 0) + 1
    revision = Revision(
        draft_id=draft.id,
        number=number,
        title=sub.title,
        body=sub.body,
        format=sub.format,
        text=normalized.text,
        content_hash=digest,
        reference_date=sub.reference_date or draft.reference_date or utcnow().date(),
        source_version=sub.source_version,
        created_by_id=actor.id,
    )
    session.add(revision)
    session.flush()
    before = {"status": draft.status, "revision_id": draft.current_revision_id}
    draft.current_revision_id = revision.id
    draft.current_revision = revision
    if not created_draft:
        draft.status = next_draft_status(draft.status, DraftStatus.EXTRACTING)
    outbox.supersede_jobs(session, EXTRACT_TASK, draft.id)
    outbox.add_job(session, EXTRACT_TASK, [revision.id], draft_id=draft.id, delay=debounce)
    if created_draft:
        audit.record(session, actor, "draft.created", draft_id=draft.id, after={"source": sub.source,
                     "external_id": sub.external_id, "title": sub.title, "desk": sub.desk})
    audit.record(
        session, actor, "revision.created", draft_id=draft.id, revision_id=revision.id, before=before,
        after={"status": draft.status, "revision_id": revision.id, "number": number, "content_hash": digest},
    )
    return SubmitResult(draft, revision, created_draft=created_draft, created_revision=True)


def _apply_metadata(draft: Draft, sub: Submission) -> None:
    if sub.title is not None:
        draft.title = sub.title
    if sub.desk is not None:
        draft.desk = sub.desk or None
    if sub.deadline is not None:
        draft.deadline = sub.deadline
    if sub.reference_date is not None:
        draft.reference_date = sub.reference_date


def get_draft(session: Session, draft_id: int) -> Draft:
    draft = session.get(Draft, draft_id)
    if draft is None:
        raise NotFound(f"no draft {draft_id}")
    return draft


@dataclass(frozen=True)
class DraftPage:
    items: list[Draft]
    total: int


def list_drafts(
    session: Session, *, status: str | None = None, desk: str | None = None, limit: int = 50, offset: int = 0
) -> DraftPage:
    query = select(Draft)
    if status:
        query = query.where(Draft.status == status)
    if desk:
        query = query.where(Draft.desk == desk)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(session.scalars(query.order_by(Draft.id.desc()).limit(limit).offset(offset)))
    return DraftPage(items, total)


def claim_counts(session: Session, revision_id: int | None) -> dict[str, object]:
    """Counts of a revision's claims, by status and by type."""
    by_status: dict[str, int] = {}
    by_type: dict[str, int] = {}
    if revision_id is not None:
        rows = session.execute(
            select(Claim.status, Claim.type, func.count())
            .where(Claim.revision_id == revision_id)
            .group_by(Claim.status, Claim.type)
        )
        for status, type_, n in rows:
            by_status[status] = by_status.get(status, 0) + n
            by_type[type_] = by_type.get(type_, 0) + n
    return {"total": sum(by_status.values()), "by_status": by_status, "by_type": by_type}


def list_claims(session: Session, draft_id: int) -> tuple[Draft, list[tuple[Claim, Verdict | None]]]:
    """The current revision's claims in text order, each with its latest verdict (or None)."""
    draft = get_draft(session, draft_id)
    if draft.current_revision_id is None:
        return draft, []
    claims = list(
        session.scalars(
            select(Claim).where(Claim.revision_id == draft.current_revision_id).order_by(Claim.start, Claim.id)
        )
    )
    latest = latest_verdicts(session, [c.id for c in claims])
    return draft, [(c, latest.get(c.id)) for c in claims]


def latest_verdicts(session: Session, claim_ids: list[int]) -> dict[int, Verdict]:
    if not claim_ids:
        return {}
    newest = (
        select(func.max(Verdict.id)).where(Verdict.claim_id.in_(claim_ids)).group_by(Verdict.claim_id)
    )
    return {v.claim_id: v for v in session.scalars(select(Verdict).where(Verdict.id.in_(newest)))}


def list_revisions(session: Session, draft_id: int) -> list[Revision]:
    get_draft(session, draft_id)
    return list(session.scalars(select(Revision).where(Revision.draft_id == draft_id).order_by(Revision.number)))
