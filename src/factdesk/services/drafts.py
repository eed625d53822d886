"""Submitting drafts and reading them back: new drafts, new revisions, claim listings."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..domain.actors import Actor
from ..domain.roles import Permission
from ..domain.states import DraftStatus, next_draft_status
from ..extraction import normalize
from ..models import Approval, Claim, Draft, Revision, Verdict, utcnow
from . import audit, outbox
from .errors import Forbidden, Invalid, NotFound
from .notifications import notify_gate_change
from .saves import CmsVersion, Placement, place_save, previous_hash, record_save
from .storable import check_storable

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
    # Set for CMS saves: the save's place in the document's history (ordering, redeliveries).
    cms: CmsVersion | None = None


@dataclass(frozen=True)
class SubmitResult:
    draft: Draft
    revision: Revision
    created_draft: bool
    created_revision: bool
    # "created", "unchanged" (same text as the current revision), "duplicate" (a redelivered CMS save),
    # "stale" (an older CMS version than the current one: kept as history, never current).
    outcome: str = "created"


def submit_draft(session: Session, actor: Actor, sub: Submission, *, debounce: float = 0.0) -> SubmitResult:
    """Store a new draft, or a new revision of the draft with the same (source, external_id).

    The same text as the current revision stores nothing new and queues no extraction (safe to repeat).
    Extraction is queued through the outbox, `debounce` seconds out, replacing any extraction of the
    draft's older revisions still waiting. A CMS save (`sub.cms`) older than the current one is stored
    as a revision that never becomes current; the same save twice stores it once (see services.saves).
    A new current text closes an open gate. Raises Forbidden, Invalid.
    """
    if not actor.can(Permission.SUBMIT_DRAFT):
        raise Forbidden(f"role {actor.role!r} may not submit drafts")
    if sub.format not in FORMATS:
        raise Invalid(f"format must be one of {', '.join(FORMATS)}", details={"format": ["unknown format"]})
    check_storable({"body": sub.body, "title": sub.title, "external_id": sub.external_id, "desk": sub.desk,
                    "source_version": sub.source_version})
    normalized = normalize(sub.body, sub.format, title=sub.title)
    body_text = normalize(sub.body, sub.format).text
    if not body_text.strip():
        raise Invalid("body has no text", details={"body": ["must contain text"]})
    digest = content_hash(normalized.text)

    draft = None
    if sub.external_id is not None:
        query = select(Draft).where(Draft.source == sub.source, Draft.external_id == sub.external_id)
        if session.get_bind().dialect.name == "postgresql":
            # NO KEY UPDATE: rows inserted meanwhile that point at the draft (audit events, leases' audit)
            # take KEY SHARE on it and must neither wait on nor deadlock with this lock.
            query = query.with_for_update(key_share=True)
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
    prev_hash = previous_hash(sub.cms, sub.format) if sub.cms is not None else None
    placement = Placement.NEWER
    if sub.cms is not None and not created_draft:
        placement, earlier = place_save(session, draft.id, sub.cms, digest, prev_hash)
        if earlier is not None:
            known = session.get(Revision, earlier.revision_id)
            assert known is not None
            return SubmitResult(draft, known, False, False, outcome="duplicate")
    if placement == Placement.STALE:
        return _store_stale(session, actor, draft, sub, normalized.text, digest, prev_hash)
    _apply_metadata(session, draft, sub)
    session.flush()

    current = draft.current_revision
    if current is not None and current.content_hash == digest:
        if sub.cms is not None:
            record_save(session, draft.id, current.id, sub.cms, version=sub.source_version, digest=digest,
                        prev_hash=prev_hash, outcome="unchanged")
        return SubmitResult(draft, current, created_draft=False, created_revision=False, outcome="unchanged")

    revision = _add_revision(session, actor, draft, sub, normalized.text, digest)
    if sub.cms is not None:
        record_save(session, draft.id, revision.id, sub.cms, version=sub.source_version, digest=digest,
                    prev_hash=prev_hash, outcome="current")
    approved_hash = _open_approval(session, draft)
    number = revision.number
    before = {"status": draft.status, "revision_id": draft.current_revision_id}
    draft.current_revision_id = revision.id
    draft.current_revision = revision
    if not created_draft:
        draft.status = next_draft_status(draft.status, DraftStatus.EXTRACTING)
    outbox.supersede_jobs(session, EXTRACT_TASK, draft.id)
    outbox.add_job(session, EXTRACT_TASK, [revision.id], draft_id=draft.id, delay=debounce)
    if approved_hash is not None:
        # The approval is bound to the text it replaced: the gate closes until the new text is approved.
        notify_gate_change(session, draft.id, opened=False,
                           detail={"reason": "new_revision", "approved_hash": approved_hash})
    if created_draft:
        audit.record(session, actor, "draft.created", draft_id=draft.id, after={"source": sub.source,
                     "external_id": sub.external_id, "title": sub.title, "desk": sub.desk})
    audit.record(
        session, actor, "revision.created", draft_id=draft.id, revision_id=revision.id, before=before,
        after={"status": draft.status, "revision_id": revision.id, "number": number, "content_hash": digest},
    )
    return SubmitResult(draft, revision, created_draft=created_draft, created_revision=True)


def _add_revision(session: Session, actor: Actor, draft: Draft, sub: Submission, text: str, digest: str) -> Revision:
    number = (session.scalar(select(func.max(Revision.number)).where(Revision.draft_id == draft.id)) or 0) + 1
    revision = Revision(
        draft_id=draft.id,
        number=number,
        title=sub.title,
        body=sub.body,
        format=sub.format,
        text=text,
        content_hash=digest,
        reference_date=sub.reference_date or draft.reference_date or utcnow().date(),
        source_version=sub.source_version,
        created_by_id=actor.id,
    )
    session.add(revision)
    session.flush()
    return revision


def _store_stale(
    session: Session, actor: Actor, draft: Draft, sub: Submission, text: str, digest: str, prev_hash: str | None
) -> SubmitResult:
    """Keep an out-of-order older save as history: a revision (unless that text is stored already) that
    never becomes current, queues no extraction and changes none of the draft's metadata."""
    assert sub.cms is not None
    revision = session.scalar(
        select(Revision).where(Revision.draft_id == draft.id, Revision.content_hash == digest).limit(1)
    )
    created = revision is None
    if revision is None:
        revision = _add_revision(session, actor, draft, sub, text, digest)
    record_save(session, draft.id, revision.id, sub.cms, version=sub.source_version, digest=digest,
                prev_hash=prev_hash, outcome=Placement.STALE)
    audit.record(session, actor, "revision.stale", draft_id=draft.id, revision_id=revision.id,
                 after={"source_version": sub.source_version, "number": revision.number, "content_hash": digest})
    return SubmitResult(draft, revision, False, created, outcome="stale")


def _open_approval(session: Session, draft: Draft) -> str | None:
    """The approved hash when the draft's gate is open for its current text (approved or published under it)."""
    current = draft.current_revision
    if current is None or draft.status not in (DraftStatus.APPROVED, DraftStatus.PUBLISHED):
        return None
    approved_hash = session.scalar(
        select(Approval.content_hash).where(Approval.draft_id == draft.id).order_by(Approval.id.desc()).limit(1)
    )
    return approved_hash if approved_hash == current.content_hash else None


def _apply_metadata(session: Session, draft: Draft, sub: Submission) -> None:
    if sub.title is not None:
        draft.title = sub.title
    if sub.reference_date is not None:
        draft.reference_date = sub.reference_date
    desk = (sub.desk or None) if sub.desk is not None else draft.desk
    deadline = sub.deadline if sub.deadline is not None else draft.deadline
    if draft.id is not None and (desk, deadline) != (draft.desk, draft.deadline):
        # The queue orders claims by copies of these two fields (see models.Claim.draft_deadline).
        session.execute(
            update(Claim).where(Claim.draft_id == draft.id).values(draft_desk=desk, draft_deadline=deadline)
        )
    draft.desk, draft.deadline = desk, deadline


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
