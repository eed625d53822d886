"""The checking desk's rules: who may lease, renew, release or rate a claim, in which state, approve a draft, and
revise someone else's draft."""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .actors import Actor
from .gate import Blocker
from .roles import Permission, Role, is_author
from .states import (
    ClaimStatus,
    DraftStatus,
    TransitionError,
    next_claim_status,
    status_after_approval,
)


class ClaimAction(StrEnum):
    LEASE = "lease"
    RENEW = "renew"
    RELEASE = "release"
    RECORD_VERDICT = "record_verdict"


class Refusal(Exception):
    """An action the rules do not allow. `kind` is "forbidden" (who you are) or "conflict" (the state)."""

    def __init__(self, kind: str, code: str, message: str) -> None:
        super().__init__(message)
        self.kind, self.code, self.message = kind, code, message


def _forbidden(code: str, message: str) -> Refusal:
    return Refusal("forbidden", code, message)


def _conflict(code: str, message: str) -> Refusal:
    return Refusal("conflict", code, message)


@dataclass(frozen=True)
class ClaimSituation:
    """What the rules need to know about a claim and its draft."""

    status: str
    holder_id: int | None
    lease_expires_at: datetime | None
    current: bool  # the claim belongs to its draft's current revision
    author_ids: frozenset[int]  # everyone who wrote a revision of the draft (roles.authors_of)
    desk: str | None


def lease_expired(status: str, lease_expires_at: datetime | None, now: datetime) -> bool:
    return status == ClaimStatus.LEASED and (lease_expires_at is None or lease_expires_at <= now)


def effective_status(status: str, lease_expires_at: datetime | None, now: datetime) -> ClaimStatus:
    """A lease past its expiry is over at once, whether or not the periodic sweep has run."""
    return ClaimStatus.OPEN if lease_expired(status, lease_expires_at, now) else ClaimStatus(status)


def may_check_desk(actor: Actor, desk: str | None) -> bool:
    """A checker with no desk checks every desk; one with a desk checks only that desk's drafts."""
    return actor.desk is None or actor.desk == desk


def decide_claim_action(action: ClaimAction, actor: Actor, claim: ClaimSituation, now: datetime) -> ClaimStatus:
    """The claim's status after `action` by `actor`. Raises Refusal when the rules say no."""
    if not actor.can(Permission.CHECK):
        raise _forbidden("role", f"role {actor.role!r} may not check claims")
    if is_author(actor.id, claim.author_ids):
        raise _forbidden("author", "the draft's authors (whoever wrote a revision of it) may not check its claims")
    if not claim.current or claim.status == ClaimStatus.RETIRED:
        raise _conflict("stale_revision", "the claim belongs to a superseded revision of its draft")
    status = effective_status(claim.status, claim.lease_expires_at, now)
    mine = status == ClaimStatus.LEASED and claim.holder_id == actor.id
    held_by_other = status == ClaimStatus.LEASED and not mine
    supervisor = actor.can(Permission.SUPERVISE)

    if action == ClaimAction.LEASE:
        if not may_check_desk(actor, claim.desk):
            raise _forbidden("desk", f"checkers of desk {actor.desk!r} may not check this draft")
        if status != ClaimStatus.OPEN:
            raise _conflict(_busy_code(status, mine), "the claim is not open for leasing")
        target = ClaimStatus.LEASED
    elif action == ClaimAction.RENEW:
        if not mine:
            raise _conflict(_not_mine_code(claim, status), "you hold no live lease on this claim")
        target = ClaimStatus.LEASED
    elif action == ClaimAction.RELEASE:
        if not (mine or (held_by_other and supervisor)):
            raise _conflict(_not_mine_code(claim, status), "you hold no live lease on this claim")
        target = ClaimStatus.OPEN
    elif action == ClaimAction.RECORD_VERDICT:
        if held_by_other:
            raise _conflict("lease_held", "another checker holds the lease on this claim")
        if not (mine or supervisor):
            raise _conflict("lease_required", "lease the claim before recording a verdict")
        target = ClaimStatus.VERDICT
    else:  # pragma: no cover - the enum is exhaustive
        raise ValueError(action)
    # LEASED -> LEASED is a renewal: the state machine does not list it, but the lease moves on.
    if target == status == ClaimStatus.LEASED:
        return target
    try:
        return next_claim_status(status, target)
    except TransitionError as exc:
        raise _conflict("state", str(exc)) from None


def _busy_code(status: ClaimStatus, mine: bool) -> str:
    if status == ClaimStatus.LEASED:
        return "already_yours" if mine else "lease_held"
    return "has_verdict" if status == ClaimStatus.VERDICT else "state"


def _not_mine_code(claim: ClaimSituation, status: ClaimStatus) -> str:
    if status == ClaimStatus.LEASED:
        return "lease_held"
    if claim.status == ClaimStatus.LEASED:
        return "lease_expired"
    return "not_leased"


def check_approver(actor: Actor, author_ids: Set[int]) -> None:
    """Raises Refusal unless `actor` may approve a draft whose authors are `author_ids`."""
    if not actor.can(Permission.APPROVE):
        raise _forbidden("role", f"role {actor.role!r} may not approve drafts")
    if is_author(actor.id, author_ids):
        raise _forbidden("author", "the draft's authors (whoever wrote a revision of it) may not approve it")


def decide_approval(
    actor: Actor, author_ids: Set[int], draft_status: str, blockers: Sequence[Blocker], *, extracted: bool = True
) -> DraftStatus:
    """The draft's status once approved. Raises Refusal (code "blockers" while any claim blocks,
    "not_extracted" while the current text's claims are not stored: `extracted` False, which the status alone
    does not say of a draft published before its claims were extracted)."""
    check_approver(actor, author_ids)
    if DraftStatus(draft_status) in (DraftStatus.RECEIVED, DraftStatus.EXTRACTING) or not extracted:
        raise _conflict("not_extracted", "the current revision's claims are not extracted yet")
    if blockers:
        raise _conflict("blockers", f"{len(blockers)} claim(s) block approval")
    try:
        return status_after_approval(draft_status)
    except TransitionError as exc:
        raise _conflict("state", str(exc)) from None


def check_reviser(actor: Actor, author_ids: Set[int], desk: str | None, source: str) -> None:
    """Raises Refusal unless `actor` may store a new revision of an existing draft: one of its authors, an
    editor (or admin) of its desk (of any desk when they have none), or the integration whose CMS the draft
    comes from (`source` is the integration's name, or "api" for REST drafts). Whoever revises becomes an
    author, and so may no longer check or approve it. Anyone else is refused, never silently let overwrite
    a colleague's text."""
    if not actor.can(Permission.SUBMIT_DRAFT):
        raise _forbidden("role", f"role {actor.role!r} may not submit drafts")
    if is_author(actor.id, author_ids):
        return
    if actor.role == Role.INTEGRATION:
        if source == actor.name:
            return
        raise _forbidden("not_author", "an integration revises only the drafts its own CMS sends")
    if actor.can(Permission.SUPERVISE):
        if may_check_desk(actor, desk):
            return
        raise _forbidden("desk", f"editors of desk {actor.desk!r} may not revise this draft")
    raise _forbidden("not_author", "only the draft's authors and its desk's editors may revise it")
