"""What the checker's desk pages read: the queue as one checker sees it, and one claim with its context.

Each public function is one read-only unit of work returning frozen views. The queue's order and rules come
from `services.queue.waiting_claims` (the SQL behind GET /queue and the lease); what an actor may do on a
claim comes from `domain.desk.decide_claim_action`: these pages hold no rule of their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import Sessions, unit_of_work
from ..domain.actors import Actor
from ..domain.desk import ClaimAction, ClaimSituation, Refusal, decide_claim_action, effective_status
from ..domain.roles import Permission
from ..domain.states import ClaimStatus
from ..models import Claim, Draft, Revision, Verdict, utcnow
from .authors import draft_authors, not_written_by, written_by
from .claims_access import situation
from .errors import Forbidden, NotFound
from .memory import claims_matches
from .queue import QueueFilter, waiting_claims
from .queue_counts import Counted, QueueCount, QueueCounter, count_waiting
from .read_models import ClaimView, VerdictView, claim_view, draft_brief, user_names, verdict_view


@dataclass(frozen=True)
class HeldLease:
    claim_id: int
    type: str
    text: str
    draft_id: int
    draft_title: str | None
    expires_at: datetime | None


@dataclass(frozen=True)
class DeskQueue:
    """The claims one checker may take (most urgent first), how many wait per desk and type, their leases."""

    items: list[ClaimView]  # each with its `draft`
    more: bool  # more claims wait than `items` shows
    counts: list[QueueCount]  # everything this checker may take, whatever the filter
    counted_at: datetime  # the counts may be a few seconds old (see services.queue_counts)
    leases: list[HeldLease]
    filters: QueueFilter
    desk_locked: bool  # a checker with a desk sees only that desk

    @property
    def total(self) -> int:
        return sum(c.count for c in self.counts)

    @property
    def desks(self) -> list[str | None]:
        return sorted({c.desk for c in self.counts}, key=lambda d: (d is None, d or ""))


def load_desk_queue(
    sessions: Sessions, actor: Actor, filters: QueueFilter | None = None, *, limit: int = 50,
    now: datetime | None = None, counter: QueueCounter | None = None,
) -> DeskQueue:
    """The queue page of `actor`: the claims `lease_next_claim` could give them, in its order (their own
    drafts left out; a checker with a desk sees that desk only), counts per desk and type (from `counter`, a
    few seconds old, or counted now without one), and the live leases they hold. Read only, four queries.
    Raises Forbidden for a role that may not check claims."""
    if not actor.can(Permission.CHECK):
        raise Forbidden(f"role {actor.role!r} may not check claims", details={"reason": "role"})
    now, filters = now or utcnow(), filters or QueueFilter()
    desk_locked = actor.desk is not None
    if desk_locked:
        filters = QueueFilter(desk=actor.desk, type=filters.type, draft_id=filters.draft_id)
    with unit_of_work(sessions) as session:
        rows = session.execute(_mine(waiting_claims(now, filters), actor).limit(limit + 1)).all()
        items = [claim_view(claim, None, draft_brief(draft)) for claim, draft in rows[:limit]]
        counted = counter.counts(session, actor.desk) if counter else Counted(count_waiting(session, actor.desk), now)
        own = count_waiting(session, actor.desk, narrow=lambda q: _theirs(q, actor), now=now)
        leases = _held_leases(session, actor, now)
    return DeskQueue(items, len(rows) > limit, _less(counted.counts, own), counted.at, leases, filters, desk_locked)


def _mine(query: Any, actor: Actor) -> Any:
    """As the lease's candidate query: never a draft the actor wrote any revision of."""
    return query.where(not_written_by(actor.id or -1))


def _theirs(query: Any, actor: Actor) -> Any:
    """Only the drafts the actor wrote: what `_mine` leaves out."""
    return query.where(written_by(actor.id or -1))


def _less(counts: list[QueueCount], own: list[QueueCount]) -> list[QueueCount]:
    """`counts` without the claims counted in `own` (never below zero: the two counts are moments apart)."""
    minus = {(c.desk, c.type): c.count for c in own}
    left = (QueueCount(c.desk, c.type, max(0, c.count - minus.get((c.desk, c.type), 0))) for c in counts)
    return [c for c in left if c.count]


def _held_leases(session: Session, actor: Actor, now: datetime) -> list[HeldLease]:
    rows = session.execute(
        select(Claim.id, Claim.type, Claim.text, Claim.draft_id, Draft.title, Claim.lease_expires_at)
        .join(Draft, Draft.id == Claim.draft_id)
        .where(Claim.leased_by_id == actor.id, Claim.status == ClaimStatus.LEASED, Claim.lease_expires_at > now)
        .order_by(Claim.lease_expires_at, Claim.id)
    ).all()
    return [HeldLease(*row) for row in rows]


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool  # part of the claim


@dataclass(frozen=True)
class Passage:
    """The claim inside its paragraph (and neighbours, when the paragraph is short), cut at word bounds."""

    segments: list[Segment]
    cut_before: bool
    cut_after: bool


@dataclass(frozen=True)
class EarlierVerdict:
    verdict: VerdictView
    revision: int | None  # the number of the revision whose claim it was recorded on
    this_claim: bool


@dataclass(frozen=True)
class ClaimDesk:
    """One claim as a checker works it: the claim (with its draft and latest verdict), its context, every
    verdict on it and its predecessors, its lease, and what the actor may do now."""

    claim: ClaimView
    status: str  # the effective status (a lease past its expiry is open)
    revision: int | None
    current: bool  # the claim belongs to its draft's current revision
    passage: Passage
    history: list[EarlierVerdict]  # newest first
    holder: str | None
    may_record: bool
    may_renew: bool
    may_release: bool
    record_refusal: str | None  # why the actor may not record a verdict now


def load_claim_desk(sessions: Sessions, actor: Actor, claim_id: int, *, now: datetime | None = None,
                    shelf_life: Mapping[str, int | None] | None = None) -> ClaimDesk:
    """One claim for the claim page and GET /claims/{id}, with its matches (services.memory; `shelf_life`
    overrides the days they stay reusable), in ten queries (read only). Raises NotFound."""
    now = now or utcnow()
    with unit_of_work(sessions) as session:
        found = session.execute(
            select(Claim, Draft, Revision.text, Revision.number)
            .join(Draft, Draft.id == Claim.draft_id)
            .join(Revision, Revision.id == Claim.revision_id)
            .where(Claim.id == claim_id)
        ).first()
        if found is None:
            raise NotFound(f"no claim {claim_id}")
        claim, draft, text, number = found
        chain = _predecessors(session, claim)
        verdicts = list(session.scalars(
            select(Verdict).where(Verdict.claim_id.in_(list(chain))).order_by(Verdict.id.desc())
        ))
        names = user_names(session, [*(v.checker_id for v in verdicts), claim.leased_by_id])
        history = _history(verdicts, chain, claim.id, names)
        seen = situation(claim, draft, draft_authors(session, draft))
        allowed = {a: _refusal(a, actor, seen, now) for a in ClaimAction if a != ClaimAction.LEASE}
        status = effective_status(claim.status, claim.lease_expires_at, now)
        latest = history[0].verdict if history and history[0].this_claim else None
        matches = claims_matches(session, actor, [claim.id], now, shelf_life).get(claim.id, [])
        return ClaimDesk(
            claim=claim_view(claim, latest, draft_brief(draft), matches),
            status=status,
            revision=number,
            current=claim.revision_id == draft.current_revision_id,
            passage=passage(text, claim.spans or [[claim.start, claim.end]]),
            history=history,
            holder=names.get(claim.leased_by_id) if status == ClaimStatus.LEASED and claim.leased_by_id else None,
            may_record=allowed[ClaimAction.RECORD_VERDICT] is None,
            may_renew=allowed[ClaimAction.RENEW] is None,
            may_release=allowed[ClaimAction.RELEASE] is None,
            record_refusal=allowed[ClaimAction.RECORD_VERDICT],
        )


def _refusal(action: ClaimAction, actor: Actor, seen: ClaimSituation, now: datetime) -> str | None:
    try:
        decide_claim_action(action, actor, seen, now)
    except Refusal as refusal:
        return refusal.message
    return None


def _predecessors(session: Session, claim: Claim) -> dict[int, int]:
    """The claim and those it continues (`previous_claim_id`, back through the revisions), each with its
    revision's number, from one query over the draft's claims."""
    rows = session.execute(
        select(Claim.id, Claim.previous_claim_id, Revision.number)
        .join(Revision, Revision.id == Claim.revision_id)
        .where(Claim.draft_id == claim.draft_id)
    ).all()
    links = {cid: (prev, num) for cid, prev, num in rows}
    chain: dict[int, int] = {}
    at: int | None = claim.id
    while at is not None and at in links and at not in chain:
        prev, num = links[at]
        chain[at] = num
        at = prev
    return chain


def _history(
    verdicts: list[Verdict], chain: dict[int, int], claim_id: int, names: dict[int, str]
) -> list[EarlierVerdict]:
    """Every verdict, newest first; an original carried into a later claim shows once, as the carried copy."""
    carried = {v.carried_from_id for v in verdicts if v.carried_from_id is not None}
    return [
        EarlierVerdict(verdict_view(v, names), chain.get(v.claim_id), v.claim_id == claim_id)
        for v in verdicts
        if v.id not in carried
    ]


# How much text a checker sees around a claim: the paragraph, widened to neighbours while it is shorter than
# CONTEXT_MIN characters, and cut (at a word) to CONTEXT_MAX characters on each side of the claim.
CONTEXT_MIN, CONTEXT_MAX = 320, 700


def passage(text: str, spans: list[list[int]]) -> Passage:
    """The claim's `spans` (character ranges of `text`) inside their paragraph, as plain segments (the page
    escapes them: draft text is untrusted)."""
    ordered = sorted((max(0, s), min(len(text), e)) for s, e in spans if e > s) or [(0, 0)]
    first, last = ordered[0][0], ordered[-1][1]
    start = _paragraph_start(text, first)
    end = _paragraph_end(text, last)
    while end - start < CONTEXT_MIN and (start > 0 or end < len(text)):
        start = _paragraph_start(text, max(0, start - 2)) if start > 0 else start
        end = _paragraph_end(text, min(len(text), end + 2)) if end < len(text) else end
    cut_before = start < first - CONTEXT_MAX
    if cut_before:
        start = _word_after(text, first - CONTEXT_MAX)
    cut_after = end > last + CONTEXT_MAX
    if cut_after:
        end = _word_before(text, last + CONTEXT_MAX)
    segments: list[Segment] = []
    at = start
    for s, e in ordered:
        s = max(s, at)
        if s > at:
            segments.append(Segment(text[at:s], False))
        if e > s:
            segments.append(Segment(text[s:e], True))
        at = max(at, e)
    if end > at:
        segments.append(Segment(text[at:end], False))
    return Passage(segments, cut_before or start > 0, cut_after or end < len(text))


def _paragraph_start(text: str, at: int) -> int:
    found = text.rfind("\n", 0, at)
    return 0 if found < 0 else found + 1


def _paragraph_end(text: str, at: int) -> int:
    found = text.find("\n", at)
    return len(text) if found < 0 else found


def _word_after(text: str, at: int) -> int:
    found = text.find(" ", at)
    return at if found < 0 else found + 1


def _word_before(text: str, at: int) -> int:
    found = text.rfind(" ", 0, at)
    return at if found < 0 else found
