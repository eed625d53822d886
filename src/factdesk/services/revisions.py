"""Making a revision: the one path by which a text (a REST submission or a CMS save) becomes a draft's revision."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..domain.actors import Actor
from ..domain.desk import Refusal, check_reviser
from ..domain.roles import Permission
from ..domain.states import DraftStatus, next_draft_status
from ..extraction import normalize
from ..extraction.dates import default_reference_date
from ..models import Approval, Claim, Draft, Revision, utcnow
from . import audit, outbox
from .authors import draft_authors
from .claims_access import refusal_error
from .errors import Forbidden, Invalid
from .notifications import notify_gate_change
from .storage_limits import check_fields

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
    url: str | None = None  # where the article is read, when the caller says


class SaveOutcome(StrEnum):
    """What became of a saved text: one name everywhere, for REST callers, CMSs, the inbox and the audit log.

    The hook answers a CMS with these values and `cms_inbox` stores them (`answer`, `outcome`); `cms_saves`
    keeps its own word for CREATED ("current", mapped in services.cms_saves).
    """

    CREATED = "created"  # a new revision, now the draft's current text
    UNCHANGED = "unchanged"  # the same text as the current revision: nothing new stored
    DUPLICATE = "duplicate"  # a redelivered CMS save: nothing stored
    STALE = "stale"  # an older CMS version than the current one: kept as history, never current
    ACCEPTED = "accepted"  # the hook stored a CMS save in the inbox; a worker will make it a revision
    REJECTED = "rejected"  # a stored CMS save the worker could not make a revision (the inbox row says why)
    IGNORED = "ignored"  # the hook's answer to a delivery that held no save


@dataclass(frozen=True)
class SubmitResult:
    """What `save_revision` did, within the caller's unit of work (rows, not read models)."""

    draft: Draft
    revision: Revision
    created_draft: bool
    created_revision: bool
    outcome: SaveOutcome = SaveOutcome.CREATED


@dataclass(frozen=True)
class Prepared:
    """A submission checked and normalised, and its draft, locked (None when the draft is new)."""

    text: str  # the normalised text, title included: what the revision stores and claims point into
    digest: str  # content_hash(text)
    draft: Draft | None


def prepare_revision(session: Session, actor: Actor, sub: Submission) -> Prepared:
    """Check a submission and find its draft, locked until the transaction ends so that two saves of one draft
    are stored in turn. Raises Forbidden (the actor may not submit, or may not revise that draft:
    domain.desk.check_reviser), Invalid (format, a field that cannot be stored or used later
    (services.storage_limits), no text).
    """
    if not actor.can(Permission.SUBMIT_DRAFT):
        raise Forbidden(f"role {actor.role!r} may not submit drafts")
    if sub.format not in FORMATS:
        raise Invalid(f"format must be one of {', '.join(FORMATS)}", details={"format": ["unknown format"]})
    check_fields({"body": sub.body, "title": sub.title, "external_id": sub.external_id, "desk": sub.desk,
                  "source_version": sub.source_version, "deadline": sub.deadline,
                  "reference_date": sub.reference_date, "url": sub.url})
    normalized = normalize(sub.body, sub.format, title=sub.title)
    body_text = normalize(sub.body, sub.format).text
    if not body_text.strip():
        raise Invalid("body has no text", details={"body": ["must contain text"]})
    draft = None
    if sub.external_id is not None:
        # NO KEY UPDATE: rows inserted meanwhile that point at the draft (audit events, leases' audit) take
        # KEY SHARE on it and must neither wait on nor deadlock with this lock. (SQLite renders no lock: its
        # BEGIN IMMEDIATE holds the whole database.)
        draft = session.scalar(
            select(Draft).where(Draft.source == sub.source, Draft.external_id == sub.external_id)
            .with_for_update(key_share=True)
        )
    if draft is not None:
        # Before anything is stored, the metadata included: someone else's draft is refused, never overwritten.
        try:
            check_reviser(actor, draft_authors(session, draft), draft.desk, draft.source)
        except Refusal as refusal:
            raise refusal_error(refusal, draft_id=draft.id) from None
    return Prepared(normalized.text, content_hash(normalized.text), draft)


def save_revision(
    session: Session, actor: Actor, sub: Submission, *, debounce: float = 0.0, prepared: Prepared | None = None
) -> SubmitResult:
    """Store a new draft, or a new revision of the draft with the same (source, external_id), in the caller's
    transaction: the one function that makes a draft's current text, for REST submissions and CMS saves alike.

    The same text as the current revision stores nothing new and queues no extraction (safe to repeat).
    Extraction is queued through the outbox, `debounce` seconds out, replacing any extraction of the
    draft's older revisions still waiting. A new current text closes an open gate. Pass `prepared` when the
    submission was checked and its draft locked already (services.cms_saves does, to place a CMS save among
    the draft's earlier saves first). Whoever submits a revision becomes one of the draft's authors
    (`created_by_id`). Raises Forbidden, Invalid.
    """
    if prepared is None:
        prepared = prepare_revision(session, actor, sub)
    digest = prepared.digest
    draft = prepared.draft
    created_draft = draft is None
    if draft is None:
        draft = Draft(
            source=sub.source,
            external_id=sub.external_id,
            status=DraftStatus.RECEIVED,
            author_id=actor.id,
        )
        session.add(draft)
    _apply_metadata(session, draft, sub)
    session.flush()

    current = draft.current_revision
    if current is not None and current.content_hash == digest:
        return SubmitResult(draft, current, created_draft=False, created_revision=False, outcome=SaveOutcome.UNCHANGED)

    revision = add_revision(session, actor, draft, sub, prepared.text, digest)
    approved_hash = _open_approval(session, draft)
    number = revision.number
    before = {"status": draft.status, "revision_id": draft.current_revision_id}
    draft.current_revision_id = revision.id
    draft.current_revision = revision
    if not created_draft:
        draft.status = next_draft_status(draft.status, DraftStatus.EXTRACTING)
    outbox.supersede_jobs(session, EXTRACT_TASK, draft.id)
    outbox.add_job(session, EXTRACT_TASK, [revision.id], draft_id=draft.id, delay=debounce,
                   size=len(prepared.text))
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


def add_revision(session: Session, actor: Actor, draft: Draft, sub: Submission, text: str, digest: str) -> Revision:
    """Insert the draft's next revision (numbered after its last) and flush; it does not make it current."""
    number = (session.scalar(select(func.max(Revision.number)).where(Revision.draft_id == draft.id)) or 0) + 1
    revision = Revision(
        draft_id=draft.id,
        number=number,
        title=sub.title,
        body=sub.body,
        format=sub.format,
        text=text,
        content_hash=digest,
        reference_date=sub.reference_date or draft.reference_date or default_reference_date(utcnow()),
        source_version=sub.source_version,
        created_by_id=actor.id,
    )
    session.add(revision)
    session.flush()
    return revision


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
    if sub.url is not None:
        draft.article_url = sub.url
    desk = (sub.desk or None) if sub.desk is not None else draft.desk
    deadline = sub.deadline if sub.deadline is not None else draft.deadline
    if draft.id is not None and (desk, deadline) != (draft.desk, draft.deadline):
        # The queue orders claims by copies of these two fields (see models.Claim.draft_deadline).
        session.execute(
            update(Claim).where(Claim.draft_id == draft.id).values(draft_desk=desk, draft_deadline=deadline)
        )
    draft.desk, draft.deadline = desk, deadline
