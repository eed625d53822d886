"""Approving a draft's current revision and answering the publish gate for a given text.

`approve_draft` and `check_gate` are use cases (one unit of work each); `gate_for_current` and `gate_detail`
are steps other services use inside their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..db import Sessions, unit_of_work
from ..domain.actors import Actor
from ..domain.desk import Refusal, check_approver, decide_approval
from ..domain.gate import (
    Approved,
    Blocker,
    ClaimRating,
    GateAnswer,
    OverrideError,
    check_overrides,
    decide_gate,
    find_blockers,
)
from ..models import Approval, Claim, CmsSave, Draft, Revision, Verdict
from . import audit, inbox, notifications
from .authors import draft_authors
from .claims_access import lock_draft, refusal_error
from .drafts import find_draft
from .errors import Conflict, Invalid, NotFound
from .read_models import ApprovalView, approval_view_of


def claim_ratings(session: Session, revision_id: int | None) -> list[ClaimRating]:
    """The revision's claims, each with the rating of its latest verdict (None when it has none), in one query
    (the newest verdict of each claim read through ix_verdicts_claim_id): the gate asks this on every check."""
    if revision_id is None:
        return []
    latest = (select(Verdict.rating).where(Verdict.claim_id == Claim.id).order_by(Verdict.id.desc()).limit(1)
              .correlate(Claim).scalar_subquery())
    rows = session.execute(
        select(Claim.id, Claim.status, latest).where(Claim.revision_id == revision_id).order_by(Claim.start, Claim.id)
    )
    return [ClaimRating(cid, status, rating) for cid, status, rating in rows]


def latest_approval(session: Session, draft_id: int) -> Approval | None:
    return session.scalar(select(Approval).where(Approval.draft_id == draft_id).order_by(Approval.id.desc()).limit(1))


def _approved(approval: Approval | None) -> Approved | None:
    if approval is None:
        return None
    return Approved(
        approval.revision_id, approval.content_hash, frozenset(int(o["claim_id"]) for o in approval.overrides)
    )


def gate_for_current(session: Session, draft: Draft) -> GateAnswer:
    """The gate's answer for the draft's current text, as things stand in this transaction, for the
    services that notify the CMS when it opens or closes. Saves waiting in the inbox are not asked about
    here (check_gate does): placing one makes a new revision, which closes the gate and notifies then."""
    return gate_of(draft, latest_approval(session, draft.id), claim_ratings(session, draft.current_revision_id))


def gate_for_text(session: Session, draft: Draft, content_hash: str) -> GateAnswer:
    """The gate's answer for the text with `content_hash`, as things stand in this transaction: the check
    made when the CMS publishes that text (services.publications). Saves waiting in the inbox are not asked
    about: the question is whether what went out was cleared, not whether something newer is coming."""
    return gate_of(draft, latest_approval(session, draft.id), claim_ratings(session, draft.current_revision_id),
                   asked_hash=content_hash)


def gate_of(draft: Draft, approval: Approval | None, claims: list[ClaimRating], *, asked_hash: str | None = None,
            save_waiting: bool = False) -> GateAnswer:
    """The gate's answer for the text with `asked_hash` (default: the draft's current text), from its latest
    approval and the current revision's claims with their ratings (`claim_ratings`), for a caller that has
    loaded them already; `save_waiting` when a newer CMS save waits in the inbox."""
    current = draft.current_revision
    if asked_hash is None:
        asked_hash = current.content_hash if current else ""
    return decide_gate(
        draft_status=draft.status,
        asked_hash=asked_hash,
        current_hash=current.content_hash if current else None,
        current_revision_id=draft.current_revision_id,
        approval=_approved(approval),
        claims=claims,
        save_waiting=save_waiting,
    )


def approve_draft(
    sessions: Sessions,
    actor: Actor,
    draft_id: int,
    *,
    overrides: Mapping[int, str] | None = None,
    content_hash: str | None = None,
) -> ApprovalView:
    """Approve the draft's current revision, binding the approval to its content hash; opens the gate.

    `overrides` maps claim ids with a blocking verdict to the editor's written reason; each is audited.
    `content_hash`, when given, must be the current text's (the editor approves what they read).
    Raises NotFound, Forbidden (role, author), Invalid (a bad override), Conflict (stale text, claims not
    extracted, blockers: `details["blockers"]` lists their claim ids). Approving again adds an approval.
    """
    with unit_of_work(sessions) as session:
        approval = _approve(session, actor, draft_id, dict(overrides or {}), content_hash)
        return approval_view_of(session, approval, approval.revision_id)


def _approve(
    session: Session, actor: Actor, draft_id: int, overrides: dict[int, str], content_hash: str | None
) -> Approval:
    draft = lock_draft(session, draft_id)  # a revision's save locks it too: the author set holds until commit
    authors = draft_authors(session, draft)
    try:
        check_approver(actor, authors)
    except Refusal as refusal:
        raise refusal_error(refusal) from None
    revision = draft.current_revision
    if revision is None or (content_hash is not None and content_hash != revision.content_hash):
        raise Conflict(
            "that text is no longer the draft's current revision",
            details={"reason": "stale_revision", "content_hash": revision.content_hash if revision else None},
        )
    claims = claim_ratings(session, revision.id)
    try:
        check_overrides(claims, overrides)
    except OverrideError as exc:
        raise Invalid(str(exc), details={"overrides": {str(exc.claim_id): [str(exc)]}}) from None
    blockers = find_blockers(claims, overrides)
    was_open = gate_for_current(session, draft).publishable
    try:
        status = decide_approval(actor, authors, draft.status, blockers, extracted=revision.extracted_at is not None)
    except Refusal as refusal:
        raise refusal_error(refusal, **_blocker_details(blockers)) from None
    ratings = {c.claim_id: c.rating for c in claims}
    approval = Approval(
        draft_id=draft.id,
        revision_id=revision.id,
        content_hash=revision.content_hash,
        editor_id=actor.id,
        overrides=[
            {"claim_id": cid, "reason": reason.strip(), "rating": ratings[cid]}
            for cid, reason in sorted(overrides.items())
        ],
    )
    session.add(approval)
    session.flush()
    before = draft.status
    draft.status = status
    audit.record(
        session,
        actor,
        "draft.approved",
        draft_id=draft.id,
        revision_id=revision.id,
        before={"status": before},
        after={
            "status": status,
            "approval_id": approval.id,
            "revision": revision.number,
            "content_hash": revision.content_hash,
            "overrides": sorted(overrides),
        },
    )
    for entry in approval.overrides:
        audit.record(
            session,
            actor,
            "claim.override",
            draft_id=draft.id,
            revision_id=revision.id,
            claim_id=entry["claim_id"],
            before={"rating": entry["rating"], "blocking": True},
            after={"blocking": False, "reason": entry["reason"], "approval_id": approval.id},
        )
    if not was_open:
        notifications.notify_gate_change(session, draft.id, opened=True, detail=gate_detail(revision, approval))
    return approval


def _blocker_details(blockers: list[Blocker]) -> dict[str, object]:
    if not blockers:
        return {}
    return {
        "blockers": [b.claim_id for b in blockers],
        "claims": [{"claim_id": b.claim_id, "reason": b.reason} for b in blockers],
    }


def gate_detail(revision: Revision, approval: Approval | None = None, reason: str | None = None) -> dict[str, object]:
    """What a gate notification says: which text the gate is about, and why it moved."""
    detail: dict[str, object] = {"revision": revision.number, "content_hash": revision.content_hash}
    if approval is not None:
        detail["approval_id"] = approval.id
    if reason is not None:
        detail["reason"] = reason
    return detail


@dataclass(frozen=True)
class GateResult:
    publishable: bool
    revision: int | None
    content_hash: str
    blockers: list[int]
    reason: str
    current_revision: int | None


def check_gate(sessions: Sessions, draft_id: int, content_hash: str | None = None) -> GateResult:
    """May the text with `content_hash` (default: the current one) be published now? Read only.

    Only the current revision's text, approved under that hash, with no claim blocking, is publishable;
    any other text (an older revision, an edit made after approval, an unknown hash) is not, nor is any
    text while a CMS save of the draft was accepted but not yet placed ("pending_save": the text is about to
    change, even if no worker is running). Raises NotFound.
    """
    with unit_of_work(sessions) as session:
        return _gate(session, draft_id, content_hash)


@dataclass(frozen=True)
class DocumentGate:
    """The gate of a CMS document's draft (`check_document_gate`)."""

    draft_id: int
    gate: GateResult


def check_document_gate(
    sessions: Sessions, source: str, external_id: str, *, content_hash: str | None = None,
    source_version: str | None = None,
) -> DocumentGate:
    """`check_gate` for the draft of the integration `source`'s document `external_id`, as a CMS asks before
    it publishes (it knows its own id, not ours). `source_version`, the CMS's version of the text it is about
    to publish (Strapi's updatedAt, ...), stands for its hash: a version factdesk has not received yet is
    "not_current" (that text was never checked). Read only. Raises NotFound (no draft of that document)."""
    with unit_of_work(sessions) as session:
        draft = session.scalar(select(Draft).options(joinedload(Draft.current_revision))
                               .where(Draft.source == source, Draft.external_id == external_id))
        if draft is None:
            raise NotFound(f"no draft of document {external_id!r} from {source!r}")
        current = draft.current_revision
        if content_hash is None and source_version is not None:
            if current is not None and current.source_version == source_version:
                content_hash = current.content_hash
            else:
                content_hash = _hash_of_version(session, draft.id, source_version)
        return DocumentGate(draft.id, _gate_of_draft(session, draft, content_hash))


def _hash_of_version(session: Session, draft_id: int, source_version: str) -> str:
    """The hash of the text the CMS's version `source_version` of the draft carried: that of the revision its
    save made or matched (a save of the same text again, which Strapi gives a new updatedAt, is that text), else
    of a revision stamped with it; a version never received matches no text (the gate says not_current)."""
    by_save = session.scalar(
        select(Revision.content_hash).join(CmsSave, CmsSave.revision_id == Revision.id)
        .where(CmsSave.draft_id == draft_id, CmsSave.source_version == source_version)
        .order_by(CmsSave.id.desc()).limit(1))
    return by_save or session.scalar(
        select(Revision.content_hash)
        .where(Revision.draft_id == draft_id, Revision.source_version == source_version)
        .order_by(Revision.number.desc()).limit(1)
    ) or f"version:{source_version}"


def _gate(session: Session, draft_id: int, content_hash: str | None) -> GateResult:
    return _gate_of_draft(session, find_draft(session, draft_id), content_hash)


def _gate_of_draft(session: Session, draft: Draft, content_hash: str | None) -> GateResult:
    current = draft.current_revision
    asked = content_hash or (current.content_hash if current else "")
    if current is not None and asked == current.content_hash:
        number: int | None = current.number
    else:
        number = session.scalar(
            select(Revision.number)
            .where(Revision.draft_id == draft.id, Revision.content_hash == asked)
            .order_by(Revision.number.desc())
            .limit(1)
        )
    answer = gate_of(draft, latest_approval(session, draft.id), claim_ratings(session, draft.current_revision_id),
                     asked_hash=asked, save_waiting=inbox.has_waiting_save(session, draft.source, draft.external_id))
    return GateResult(
        answer.publishable,
        number,
        asked,
        [b.claim_id for b in answer.blockers],
        answer.reason,
        current.number if current else None,
    )
