"""Recording a checker's verdict on a claim, and moving the claim, the draft and its gate on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..db import Sessions, unit_of_work
from ..domain.actors import Actor
from ..domain.desk import ClaimAction
from ..domain.ratings import Rating, blocks, needs_source
from ..domain.states import status_after_verdict
from ..models import Claim, Verdict, utcnow
from . import audit, memory, near_matches, notifications
from .approvals import gate_detail, gate_for_current
from .claims_access import decide_on_claim, lease_state, lock_claim
from .errors import Invalid
from .read_models import VerdictView, latest_verdicts, user_names, verdict_view


@dataclass(frozen=True)
class VerdictInput:
    rating: str | None  # None only with `reuse_of`: the reused verdict's rating
    note: str | None = None
    sources: list[dict[str, Any]] = field(default_factory=list)  # {url, title, accessed_at (ISO string)}
    correction: str | None = None
    reuse_of: int | None = None  # a match's verdict id: its rating and sources are recorded (services.memory)
    publish: bool = False  # include it in the draft's ClaimReview export once approved


@dataclass(frozen=True)
class RecordedVerdict(VerdictView):
    """A verdict just recorded, with the status it left its claim and its draft in."""

    claim_status: str
    draft_status: str


def validate_verdict(data: VerdictInput) -> None:
    """Raises Invalid for an unknown rating, or `accurate` without a source."""
    if data.rating is None:
        raise Invalid("a rating is required", details={"rating": ["required unless reuse_of names a match"]})
    try:
        Rating(data.rating)
    except ValueError:
        raise Invalid(
            f"unknown rating {data.rating!r}", details={"rating": [f"one of {', '.join(r.value for r in Rating)}"]}
        ) from None
    if needs_source(data.rating) and not data.sources:
        raise Invalid(
            "an accurate rating needs at least one source",
            details={"sources": ["at least one source is required for 'accurate'"]},
        )


def record_verdict(
    sessions: Sessions, actor: Actor, claim_id: int, data: VerdictInput, *, now: datetime | None = None,
    shelf_life: Mapping[str, int | None] | None = None,
) -> RecordedVerdict:
    """Record a verdict; it supersedes the claim's previous one (both are kept) and ends the lease.

    Only the lease holder, or an editor while nobody else holds a live lease, may record one; never the
    draft's author. The draft becomes `cleared` once every current claim has a verdict; a verdict that
    blocks an approved draft's open gate closes it (back to `cleared`). With `reuse_of`, the verdict takes the
    rating and sources of that match's verdict (a rating given must be the same) under the same rules, and is
    audited as `verdict.reused`; `shelf_life` overrides the days a match stays reusable. Raises NotFound,
    Invalid (also: not a match of the claim), Forbidden, Conflict (superseded revision, lease held by someone
    else, no lease, a stale or superseded match). Not safe to repeat: each call records one more verdict (an
    editor's second call supersedes the first).
    """
    now = now or utcnow()
    if data.reuse_of is None:
        validate_verdict(data)
    with unit_of_work(sessions) as session:
        claim, draft = lock_claim(session, claim_id, with_draft=True)
        target = decide_on_claim(session, ClaimAction.RECORD_VERDICT, actor, claim, draft, now)
        reused = None
        if data.reuse_of is not None:
            reused = memory.reusable_verdict(session, actor, claim, data.reuse_of, now, shelf_life)
            data = _reusing(data, reused)
        gate_was_open = gate_for_current(session, draft).publishable
        previous = latest_verdicts(session, [claim.id]).get(claim.id)
        verdict = Verdict(
            claim_id=claim.id,
            rating=data.rating,
            note=data.note,
            sources=list(data.sources),
            correction=data.correction,
            checker_id=actor.id,
            # A reuse names the verdict first checked, whose date its shelf life counts from.
            reuse_of_id=(reused.reuse_of_id or reused.id) if reused else None,
            publish=data.publish,
            created_at=now,
        )
        session.add(verdict)
        before = {
            **lease_state(claim),
            "verdict_id": previous.id if previous else None,
            "rating": previous.rating if previous else None,
        }
        claim.status, claim.leased_by_id, claim.lease_expires_at = target, None, None
        session.flush()
        audit.record(
            session,
            actor,
            "verdict.reused" if reused else "verdict.recorded",
            draft_id=draft.id,
            revision_id=claim.revision_id,
            claim_id=claim.id,
            before=before,
            after={
                **lease_state(claim),
                "verdict_id": verdict.id,
                "rating": verdict.rating,
                "sources": len(verdict.sources),
                "correction": verdict.correction is not None,
                **({"reuse_of": reused.id, "reused_claim_id": reused.claim_id} if reused else {}),
            },
        )
        memory.follow_superseded(session, previous, verdict)
        memory.match_waiting(session, claim, verdict)
        near_matches.index_checked(session, [claim])

        gate_open = gate_for_current(session, draft).publishable
        statuses = list(session.scalars(select(Claim.status).where(Claim.revision_id == draft.current_revision_id)))
        new_status = status_after_verdict(draft.status, statuses, gate_open=gate_open)
        if new_status != draft.status:
            audit.record(
                session,
                actor,
                "draft.status_changed",
                draft_id=draft.id,
                revision_id=draft.current_revision_id,
                before={"status": draft.status},
                after={"status": new_status, "cause": "verdict", "verdict_id": verdict.id},
            )
            draft.status = new_status
        if blocks(verdict.rating):
            notifications.notify_blocking_verdict(session, draft.id, claim.id, verdict.id)
        if gate_was_open and not gate_for_current(session, draft).publishable:
            assert draft.current_revision is not None
            notifications.notify_gate_change(
                session,
                draft.id,
                opened=False,
                detail={**gate_detail(draft.current_revision, reason="blocking_verdict"), "claim_id": claim.id},
            )
        view = verdict_view(verdict, user_names(session, [verdict.checker_id]))
        return RecordedVerdict(
            **{f.name: getattr(view, f.name) for f in fields(VerdictView)},
            claim_status=claim.status,
            draft_status=draft.status,
        )


def _reusing(data: VerdictInput, reused: Verdict) -> VerdictInput:
    """The verdict input for a reuse: the reused verdict's rating and sources, the checker's own note (else the
    reused one's) and correction. Raises Invalid when the checker gave another rating."""
    if data.rating is not None and data.rating != reused.rating:
        raise Invalid(
            f"reuse_of names a {reused.rating!r} verdict, and the rating given is {data.rating!r}",
            details={"rating": [f"must be {reused.rating!r} (the reused verdict's) or left out"]},
        )
    reusing = replace(data, rating=reused.rating, sources=list(reused.sources or []),
                      note=data.note if data.note is not None else reused.note)
    validate_verdict(reusing)
    return reusing
