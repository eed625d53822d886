"""What the desk's drafts pages read: the drafts list with progress, and a draft's whole page in one read.

Each function is one read-only unit of work returning frozen views, in a constant number of queries whatever
the number of drafts, claims or revisions. The rules (gate, blockers, who may approve) are the domain's:
this module only asks them.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Container
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, load_only

from ..db import Sessions, unit_of_work
from ..domain.actors import Actor
from ..domain.desk import Refusal, check_approver, decide_approval, effective_status
from ..domain.gate import NO_VERDICT, ClaimRating, find_blockers
from ..domain.ratings import blocks
from ..domain.roles import authors_of, is_author
from ..domain.states import ClaimStatus
from ..models import Approval, AuditEvent, Claim, Draft, Revision, Verdict, utcnow
from .approvals import gate_of, latest_approval
from .drafts import filter_drafts, find_draft
from .errors import NotFound
from .read_models import latest_verdicts, newest_verdict_ids, user_names

AUDIT_SHOWN = 50  # the newest events a draft page lists (the REST audit log pages through them all)


# --- the drafts list ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftRow:
    """One draft of the list: what it is, where it stands, and how far its checking has come."""

    id: int
    title: str | None
    external_id: str | None
    status: str
    desk: str | None
    deadline: datetime | None
    updated_at: datetime
    author: str | None
    revision: int | None
    claims: int  # claims of the current revision
    checked: int  # of which have a verdict
    blocking: int  # of which have a blocking verdict no approval of this text overrode

    @property
    def percent(self) -> int:
        return round(100 * self.checked / self.claims) if self.claims else 0


@dataclass(frozen=True)
class DraftList:
    items: list[DraftRow]
    total: int
    limit: int
    offset: int
    desks: list[str]  # every desk some draft belongs to, for the filter


def list_desk_drafts(
    sessions: Sessions, *, status: str | None = None, desk: str | None = None, limit: int = 50, offset: int = 0
) -> DraftList:
    """One page of drafts, the most recently changed first, each with its checking progress (read only).

    Six queries whatever the page size: count, page (with author and revision number), desks, claim counts,
    latest approvals, blocking claims.
    """
    query = filter_drafts(select(Draft.id), status=status, desk=desk)
    with unit_of_work(sessions) as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.execute(
            select(Draft, Revision.number)
            .join(Revision, Revision.id == Draft.current_revision_id, isouter=True)
            .where(Draft.id.in_(query))
            .order_by(Draft.updated_at.desc(), Draft.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
        desks = [d for d in session.scalars(select(Draft.desk).where(Draft.desk.is_not(None)).distinct()) if d]
        drafts = [d for d, _ in rows]
        revision_ids = [d.current_revision_id for d in drafts if d.current_revision_id is not None]
        counts = _progress(session, revision_ids)
        overridden = _overridden_current(session, drafts)
        blocking = _blocking_claims(session, revision_ids)
        names = user_names(session, (d.author_id for d in drafts))
        items = []
        for draft, number in rows:
            total_claims, checked = counts.get(draft.current_revision_id or 0, (0, 0))
            live_blockers = blocking.get(draft.current_revision_id or 0, set()) - overridden.get(draft.id, set())
            items.append(DraftRow(
                id=draft.id, title=draft.title, external_id=draft.external_id, status=draft.status, desk=draft.desk,
                deadline=draft.deadline, updated_at=draft.updated_at,
                author=names.get(draft.author_id) if draft.author_id else None, revision=number,
                claims=total_claims, checked=checked, blocking=len(live_blockers),
            ))
        return DraftList(items, total, limit, offset, sorted(desks))


def _live_claims() -> Any:
    return Claim.status != ClaimStatus.RETIRED


def _progress(session: Session, revision_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(claims, claims with a verdict) of each revision, in one query."""
    if not revision_ids:
        return {}
    has_verdict = select(Verdict.claim_id).where(Verdict.claim_id == Claim.id).exists()
    rows = session.execute(
        select(Claim.revision_id, has_verdict, func.count())
        .where(Claim.revision_id.in_(revision_ids), _live_claims())
        .group_by(Claim.revision_id, has_verdict)
    )
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for revision_id, checked, n in rows:
        out[revision_id][0] += n
        if checked:
            out[revision_id][1] += n
    return {rid: (t, c) for rid, (t, c) in out.items()}


def _blocking_claims(session: Session, revision_ids: list[int]) -> dict[int, set[int]]:
    """The claims of each revision whose latest verdict blocks, in one query."""
    if not revision_ids:
        return {}
    newest = newest_verdict_ids(Claim.revision_id.in_(revision_ids), _live_claims()) \
        .join(Claim, Claim.id == Verdict.claim_id)
    out: dict[int, set[int]] = defaultdict(set)
    for revision_id, claim_id, rating in session.execute(
        select(Claim.revision_id, Claim.id, Verdict.rating)
        .join(Verdict, Verdict.claim_id == Claim.id)
        .where(Verdict.id.in_(newest))
    ):
        if blocks(rating):
            out[revision_id].add(claim_id)
    return out


def _overridden_current(session: Session, drafts: list[Draft]) -> dict[int, set[int]]:
    """Per draft, the claims its latest approval overrode, when that approval is of the current revision."""
    if not drafts:
        return {}
    newest = select(func.max(Approval.id)).where(Approval.draft_id.in_([d.id for d in drafts])) \
        .group_by(Approval.draft_id)
    current = {d.id: d.current_revision_id for d in drafts}
    return {
        a.draft_id: {int(o["claim_id"]) for o in a.overrides}
        for a in session.scalars(select(Approval).where(Approval.id.in_(newest)))
        if a.revision_id == current.get(a.draft_id)
    }


# --- one draft's page --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeskClaim:
    """A claim of the current text as the draft page shows it. `state` is one of open, leased, accurate
    (a verdict that does not block), blocking, overridden."""

    id: int
    type: str
    text: str
    state: str
    rating: str | None
    checker: str | None
    note: str | None
    carried_over: bool
    override_reason: str | None


@dataclass(frozen=True)
class Segment:
    """A run of the text: plain (claim None) or part of a claim's span."""

    text: str
    claim: DeskClaim | None = None


@dataclass(frozen=True)
class BlockerView:
    claim: DeskClaim
    reason: str  # "no_verdict" or the blocking rating


@dataclass(frozen=True)
class ApprovalChance:
    """Whether the reader may approve the current text, as the domain's rules answer.

    `shown`: False when the reader's role never approves (the form is hidden). `allowed`: False with
    `reason` (and the rule's `code`) when approving now would be refused. `overrides_needed`: blocking
    claims the approval must override, each with a written reason.
    """

    shown: bool
    allowed: bool
    code: str | None
    reason: str | None
    overrides_needed: list[DeskClaim]


@dataclass(frozen=True)
class LastApproval:
    editor: str | None
    revision: int | None
    current: bool
    created_at: datetime
    overrides: list[dict[str, Any]]


@dataclass(frozen=True)
class RevisionChange:
    """One revision and what it did to the claims of the revision before it."""

    id: int
    number: int
    created_at: datetime
    author: str | None
    format: str
    content_hash: str
    extracted: bool
    current: bool
    claims: int
    new: int  # claims with no predecessor
    carried: int  # same claim as before (its verdict, if any, carried over)
    reopened: int  # a changed claim: open again, needing a new check
    retired: int  # claims of the previous revision with no successor here


@dataclass(frozen=True)
class TimelineEntry:
    id: int
    created_at: datetime
    who: str  # the user's name ("system" for the service itself)
    action: str
    claim_id: int | None
    claim_text: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class DraftDesk:
    """Everything the draft page shows, read in one transaction."""

    id: int
    title: str | None
    external_id: str | None
    status: str
    desk: str | None
    deadline: datetime | None
    reference_date: date | None
    author: str | None
    revision: int | None
    content_hash: str | None
    format: str | None
    extracted: bool
    segments: list[Segment]
    claims: list[DeskClaim]
    publishable: bool
    gate_reason: str  # decide_gate's reason: not_current, not_approved, blockers, approved
    blockers: list[BlockerView]
    approval: ApprovalChance
    last_approval: LastApproval | None
    revisions: list[RevisionChange]
    timeline: list[TimelineEntry]
    timeline_total: int
    approval_key: str  # changes whenever what an approval of this page would be judged on changes

    @property
    def checked(self) -> int:
        return sum(1 for c in self.claims if c.rating is not None)

    def count(self, state: str) -> int:
        return sum(1 for c in self.claims if c.state == state)


# A draft page's live parts are re-rendered at least this often even when nothing was written: a lease can
# pass its expiry (shown as open) before the sweep records it.
VERSION_SECONDS = 30


@dataclass(frozen=True)
class LiveDraft:
    """A draft page's live parts: the draft's version tag, and the page unless the caller holds that tag."""

    tag: str
    desk: DraftDesk | None  # None: unchanged since the caller's tag


def get_live_draft(sessions: Sessions, actor: Actor, draft_id: int, known: Container[str], *,
                   now: datetime | None = None) -> LiveDraft:
    """What a draft page's poll needs, in one unit of work: the draft's version tag for `actor`, and the page
    (`get_draft_desk`) only when the tag is not among the `known` ones (a query instead of the whole page).
    Raises NotFound."""
    now = now or utcnow()
    with unit_of_work(sessions) as session:
        tag = _version(session, actor, draft_id, now)
        return LiveDraft(tag, None if tag in known else _draft_desk(session, actor, draft_id, now))


def _version(session: Session, actor: Actor, draft_id: int, now: datetime) -> str:
    """A tag that changes whenever what the draft page shows `actor` may have changed, in one small query:
    every change to a draft, its claims, verdicts and approvals writes an audit event for the draft."""
    newest = select(func.max(AuditEvent.id)).where(AuditEvent.draft_id == Draft.id).scalar_subquery()
    row = session.execute(select(Draft.current_revision_id, Draft.status, newest).where(Draft.id == draft_id)).first()
    if row is None:
        raise NotFound(f"no draft {draft_id}")
    return "-".join(str(part) for part in (actor.id, *row, int(now.timestamp()) // VERSION_SECONDS))


def get_draft_desk(sessions: Sessions, actor: Actor, draft_id: int, *, now: datetime | None = None) -> DraftDesk:
    """The draft page for `actor`: current text with its claims by state, the gate and why, the blockers,
    whether `actor` may approve and why not, the revisions and what each changed, the audit timeline with
    names. Read only; a constant number of queries. Raises NotFound.
    """
    with unit_of_work(sessions) as session:
        return _draft_desk(session, actor, draft_id, now or utcnow())


def _draft_desk(session: Session, actor: Actor, draft_id: int, now: datetime) -> DraftDesk:
    draft = find_draft(session, draft_id)
    revision = draft.current_revision
    approval = latest_approval(session, draft.id)
    revision_claims, latest = _current_claims(session, draft)
    ratings = [ClaimRating(c.id, c.status, latest[c.id].rating if c.id in latest else None)
               for c in revision_claims]
    gate = gate_of(draft, approval, ratings)
    current = [c for c in revision_claims if c.status != ClaimStatus.RETIRED]
    all_claims = list(session.execute(
        select(Claim.id, Claim.revision_id, Claim.previous_claim_id, Claim.fingerprint, Claim.text)
        .where(Claim.draft_id == draft.id)
    ))
    # Not their texts: a draft may have many revisions, and the page shows the current one's only.
    revisions = list(session.scalars(
        select(Revision).options(load_only(*_REVISION_COLUMNS)).where(Revision.draft_id == draft.id)
        .order_by(Revision.number)
    ))
    timeline_total = session.scalar(select(func.count()).where(AuditEvent.draft_id == draft.id)) or 0
    events = list(session.scalars(
        select(AuditEvent).where(AuditEvent.draft_id == draft.id).order_by(AuditEvent.id.desc()).limit(AUDIT_SHOWN)
    ))
    names = user_names(session, [
        draft.author_id, approval.editor_id if approval else None,
        *(v.checker_id for v in latest.values()), *(r.created_by_id for r in revisions),
        *(e.actor_id for e in events),
    ])

    overrides = _current_overrides(approval, draft.current_revision_id)
    claims = [_desk_claim(c, latest.get(c.id), overrides, names, now) for c in current]
    by_id = {c.id: c for c in claims}
    authors = authors_of(draft.author_id, (r.created_by_id for r in revisions))
    chance = _approval_chance(actor, draft, authors, [r for r in ratings if r.claim_id in by_id], by_id)
    texts = {cid: text for cid, _, _, _, text in all_claims}
    return DraftDesk(
        id=draft.id, title=draft.title, external_id=draft.external_id, status=draft.status, desk=draft.desk,
        deadline=draft.deadline, reference_date=draft.reference_date,
        author=names.get(draft.author_id) if draft.author_id else None,
        **_current_text(revision),
        segments=segments(revision.text if revision else "", current, by_id),
        claims=claims,
        publishable=gate.publishable,
        gate_reason=gate.reason,
        blockers=[BlockerView(by_id[b.claim_id], b.reason) for b in gate.blockers if b.claim_id in by_id],
        approval=chance,
        last_approval=_last_approval(approval, revisions, names, draft.current_revision_id),
        revisions=_revision_changes(revisions, all_claims, names, draft.current_revision_id),
        timeline=[_timeline_entry(e, names, texts) for e in events],
        timeline_total=timeline_total,
        approval_key=_approval_key(draft, revision, claims, approval),
    )


def _current_claims(session: Session, draft: Draft) -> tuple[list[Claim], dict[int, Verdict]]:
    """The current revision's claims (the columns the page shows), in text order, and their latest verdicts."""
    if draft.current_revision_id is None:
        return [], {}
    claims = list(session.scalars(
        select(Claim).options(load_only(*_CLAIM_COLUMNS))
        .where(Claim.revision_id == draft.current_revision_id).order_by(Claim.start, Claim.id)
    ))
    return claims, latest_verdicts(session, [c.id for c in claims])


def _current_text(revision: Revision | None) -> dict[str, Any]:
    if revision is None:
        return {"revision": None, "content_hash": None, "format": None, "extracted": False}
    return {"revision": revision.number, "content_hash": revision.content_hash, "format": revision.format,
            "extracted": revision.extracted_at is not None}


def _last_approval(approval: Approval | None, revisions: list[Revision], names: dict[int, str],
                   current_revision_id: int | None) -> LastApproval | None:
    if approval is None:
        return None
    return LastApproval(
        editor=names.get(approval.editor_id) if approval.editor_id else None,
        revision=next((r.number for r in revisions if r.id == approval.revision_id), None),
        current=approval.revision_id == current_revision_id,
        created_at=approval.created_at, overrides=list(approval.overrides),
    )


def _timeline_entry(e: AuditEvent, names: dict[int, str], texts: dict[int, str]) -> TimelineEntry:
    return TimelineEntry(e.id, e.created_at, names.get(e.actor_id, e.actor) if e.actor_id else e.actor,
                         e.action, e.claim_id, texts.get(e.claim_id) if e.claim_id else None, e.before, e.after)


# What the page reads of each claim and revision: not the claims' normalised values, sentences and reasons, nor
# the revisions' texts, which were most of the draft page's time (JSON to decode, objects to fill).
_CLAIM_COLUMNS = (Claim.id, Claim.type, Claim.text, Claim.status, Claim.lease_expires_at, Claim.spans, Claim.start,
                  Claim.end)
_REVISION_COLUMNS = (Revision.id, Revision.draft_id, Revision.number, Revision.format, Revision.content_hash,
                     Revision.created_by_id, Revision.created_at, Revision.extracted_at)


def _current_overrides(approval: Approval | None, current_revision_id: int | None) -> dict[int, str]:
    if approval is None or approval.revision_id != current_revision_id:
        return {}
    return {int(o["claim_id"]): str(o.get("reason") or "") for o in approval.overrides}


def _desk_claim(claim: Claim, verdict: Verdict | None, overrides: dict[int, str], names: dict[int, str],
                now: datetime) -> DeskClaim:
    if verdict is None:
        live = effective_status(claim.status, claim.lease_expires_at, now)
        state = "leased" if live == ClaimStatus.LEASED else "open"
    elif blocks(verdict.rating):
        state = "overridden" if claim.id in overrides else "blocking"
    else:
        state = "accurate"  # or another rating that does not block (not_checkable)
    return DeskClaim(
        id=claim.id, type=claim.type, text=claim.text, state=state,
        rating=verdict.rating if verdict else None,
        checker=names.get(verdict.checker_id) if verdict and verdict.checker_id else None,
        note=verdict.note if verdict else None,
        carried_over=bool(verdict and verdict.carried_from_id is not None),
        override_reason=overrides.get(claim.id),
    )


def segments(text: str, claims: list[Claim], by_id: dict[int, DeskClaim]) -> list[Segment]:
    """The text cut into plain runs and claim runs. Spans are clipped where they overlap an earlier one,
    so every character appears once, in order."""
    spans = sorted(
        (int(s[0]), int(s[1]), c.id) for c in claims for s in (c.spans or [[c.start, c.end]])
    )
    out: list[Segment] = []
    at = 0
    for start, end, claim_id in spans:
        start, end = max(start, at), min(end, len(text))
        if end <= start:
            continue
        if start > at:
            out.append(Segment(text[at:start]))
        out.append(Segment(text[start:end], by_id.get(claim_id)))
        at = end
    if at < len(text):
        out.append(Segment(text[at:]))
    return out


def _approval_chance(actor: Actor, draft: Draft, authors: frozenset[int], ratings: list[ClaimRating],
                     by_id: dict[int, DeskClaim]) -> ApprovalChance:
    try:
        check_approver(actor, authors)
    except Refusal as refusal:
        # An author is told why; any other role that never approves does not see the form at all.
        shown = refusal.code == "author" or is_author(actor.id, authors)
        wrote = "this draft" if actor.id == draft.author_id else "a revision of this draft"
        reason = f"You wrote {wrote}: its author may not approve it." if shown else refusal.message
        return ApprovalChance(shown, False, "author" if shown else refusal.code, reason, [])
    blockers = find_blockers(ratings)
    unchecked = [b for b in blockers if b.reason == NO_VERDICT]
    needed = [by_id[b.claim_id] for b in blockers if b.reason != NO_VERDICT and b.claim_id in by_id]
    try:
        decide_approval(actor, authors, draft.status, unchecked)
    except Refusal as refusal:
        reason = refusal.message
        if refusal.code == "blockers":
            reason = (f"{len(unchecked)} claim{'s' if len(unchecked) != 1 else ''} "
                      f"{'have' if len(unchecked) != 1 else 'has'} no verdict yet.")
        return ApprovalChance(True, False, refusal.code, reason, needed)
    return ApprovalChance(True, True, None, None, needed)


def _revision_changes(revisions: list[Revision], all_claims: list[Any], names: dict[int, str],
                      current_id: int | None) -> list[RevisionChange]:
    fingerprint = {cid: fp for cid, _, _, fp, _ in all_claims}
    by_revision: dict[int, list[Any]] = defaultdict(list)
    for row in all_claims:
        by_revision[row[1]].append(row)
    out = []
    previous: Revision | None = None
    for r in revisions:
        rows = by_revision.get(r.id, [])
        carried = sum(1 for _, _, prev, fp, _ in rows if prev is not None and fingerprint.get(prev) == fp)
        reopened = sum(1 for _, _, prev, fp, _ in rows if prev is not None and fingerprint.get(prev) != fp)
        succeeded = {prev for _, _, prev, _, _ in rows if prev is not None}
        retired = 0
        if r.extracted_at is not None and previous is not None:
            retired = sum(1 for cid, *_ in by_revision.get(previous.id, []) if cid not in succeeded)
        out.append(RevisionChange(
            id=r.id, number=r.number, created_at=r.created_at,
            author=names.get(r.created_by_id) if r.created_by_id else None, format=r.format,
            content_hash=r.content_hash, extracted=r.extracted_at is not None, current=r.id == current_id,
            claims=len(rows), new=len(rows) - carried - reopened, carried=carried, reopened=reopened, retired=retired,
        ))
        if r.extracted_at is not None:
            previous = r
    return list(reversed(out))  # newest first


def _approval_key(draft: Draft, revision: Revision | None, claims: list[DeskClaim], approval: Approval | None) -> str:
    """A short digest of what an editor approving this page decided on: the text, its verdicts, the approval."""
    parts = [draft.status, revision.content_hash if revision else "", str(approval.id if approval else 0),
             *(f"{c.id}:{c.rating}" for c in claims)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
