"""The desk's rules on their own: every claim state × action × kind of actor, the author rule, approval, gate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from factdesk.domain.actors import Actor
from factdesk.domain.desk import ClaimAction, ClaimSituation, Refusal, decide_approval, decide_claim_action
from factdesk.domain.gate import Approved, ClaimRating, OverrideError, check_overrides, decide_gate, find_blockers
from factdesk.domain.ratings import Rating, blocks, needs_source
from factdesk.domain.states import DraftStatus, status_after_verdict

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
LATER, EARLIER = NOW + timedelta(minutes=5), NOW - timedelta(seconds=1)
ME, OTHER, AUTHOR = 1, 2, 9
CHECKER = Actor(ME, "cara", "checker")
EDITOR = Actor(ME, "eddy", "editor")

SITUATIONS = {
    "open": ClaimSituation("open", None, None, True, AUTHOR, "politics"),
    "leased_by_me": ClaimSituation("leased", ME, LATER, True, AUTHOR, "politics"),
    "leased_by_other": ClaimSituation("leased", OTHER, LATER, True, AUTHOR, "politics"),
    "my_lease_expired": ClaimSituation("leased", ME, EARLIER, True, AUTHOR, "politics"),
    "other_lease_expired": ClaimSituation("leased", OTHER, EARLIER, True, AUTHOR, "politics"),
    "verdict": ClaimSituation("verdict", None, None, True, AUTHOR, "politics"),
    "retired": ClaimSituation("retired", None, None, True, AUTHOR, "politics"),
    "superseded_revision": ClaimSituation("open", None, None, False, AUTHOR, "politics"),
}
L, V, OPEN = "leased", "verdict", "open"
A = [ClaimAction.LEASE, ClaimAction.RENEW, ClaimAction.RELEASE, ClaimAction.RECORD_VERDICT]
STALE = ["stale_revision"] * 4
# situation -> expected outcome per action (lease, renew, release, record_verdict): a status or a refusal code
CHECKER_TABLE = {
    "open": [L, "not_leased", "not_leased", "lease_required"],
    "leased_by_me": ["already_yours", L, OPEN, V],
    "leased_by_other": ["lease_held", "lease_held", "lease_held", "lease_held"],
    "my_lease_expired": [L, "lease_expired", "lease_expired", "lease_required"],
    "other_lease_expired": [L, "lease_expired", "lease_expired", "lease_required"],
    "verdict": ["has_verdict", "not_leased", "not_leased", "lease_required"],
    "retired": STALE,
    "superseded_revision": STALE,
}
# Editors may rate without a lease and release anyone's lease, but never take over a live lease to rate.
EDITOR_TABLE = {
    **CHECKER_TABLE,
    "open": [L, "not_leased", "not_leased", V],
    "leased_by_other": ["lease_held", "lease_held", OPEN, "lease_held"],
    "my_lease_expired": [L, "lease_expired", "lease_expired", V],
    "other_lease_expired": [L, "lease_expired", "lease_expired", V],
    "verdict": ["has_verdict", "not_leased", "not_leased", V],
}


def outcome(action: ClaimAction, actor: Actor, situation: ClaimSituation) -> str:
    try:
        return decide_claim_action(action, actor, situation, NOW).value
    except Refusal as refusal:
        return refusal.code


def cases(table: dict[str, list[str]], actor: Actor):  # type: ignore[no-untyped-def]
    for name, expected in table.items():
        for action, want in zip(A, expected, strict=True):
            yield pytest.param(actor, name, action, want, id=f"{actor.role}-{name}-{action}")


@pytest.mark.parametrize(("actor", "situation", "action", "expected"),
                         [*cases(CHECKER_TABLE, CHECKER), *cases(EDITOR_TABLE, EDITOR)])
def test_every_claim_state_and_action(actor: Actor, situation: str, action: ClaimAction, expected: str) -> None:
    assert outcome(action, actor, SITUATIONS[situation]) == expected


@pytest.mark.parametrize("situation", list(SITUATIONS))
@pytest.mark.parametrize("action", A)
@pytest.mark.parametrize("role", ["reporter", "integration"])
def test_roles_without_check_permission_are_refused_everything(role: str, situation: str, action: ClaimAction) -> None:
    with pytest.raises(Refusal) as info:
        decide_claim_action(action, Actor(ME, "x", role), SITUATIONS[situation], NOW)
    assert (info.value.kind, info.value.code) == ("forbidden", "role")


@pytest.mark.parametrize("situation", list(SITUATIONS))
@pytest.mark.parametrize("action", A)
@pytest.mark.parametrize("role", ["checker", "editor", "admin"])
def test_the_author_never_checks_their_own_draft(role: str, situation: str, action: ClaimAction) -> None:
    author = Actor(AUTHOR, "rita", role)
    with pytest.raises(Refusal) as info:
        decide_claim_action(action, author, SITUATIONS[situation], NOW)
    assert (info.value.kind, info.value.code) == ("forbidden", "author")


def test_a_checker_with_a_desk_leases_only_that_desk_and_one_without_leases_every_desk() -> None:
    business = ClaimSituation("open", None, None, True, AUTHOR, "business")
    assert outcome(ClaimAction.LEASE, Actor(ME, "carl", "checker", "politics"), business) == "desk"
    assert outcome(ClaimAction.LEASE, Actor(ME, "cara", "checker", None), business) == L


def test_ratings_that_block_and_that_need_sources() -> None:
    assert {r for r in Rating if blocks(r)} == {"inaccurate", "misleading", "unverifiable"}
    assert [r for r in Rating if needs_source(r)] == ["accurate"]
    with pytest.raises(ValueError):
        blocks("wrong")


CLAIMS = [ClaimRating(1, "verdict", "accurate"), ClaimRating(2, "verdict", "inaccurate"),
          ClaimRating(3, "open", None), ClaimRating(4, "retired", None)]


def test_blockers_are_unchecked_and_blocking_claims_not_overridden_and_never_retired_ones() -> None:
    assert [(b.claim_id, b.reason) for b in find_blockers(CLAIMS)] == [(2, "inaccurate"), (3, "no_verdict")]
    assert [b.claim_id for b in find_blockers(CLAIMS, {2})] == [3]


@pytest.mark.parametrize(
    ("overrides", "error_claim"),
    [({2: "Quote confirmed by the speaker's office"}, None), ({1: "why"}, 1), ({3: "why"}, 3), ({4: "why"}, 4),
     ({99: "why"}, 99), ({2: "   "}, 2)],
)
def test_overrides_fit_only_blocking_verdicts_with_a_reason(overrides: dict[int, str], error_claim: int | None) -> None:
    if error_claim is None:
        check_overrides(CLAIMS, overrides)
        return
    with pytest.raises(OverrideError) as info:
        check_overrides(CLAIMS, overrides)
    assert info.value.claim_id == error_claim


@pytest.mark.parametrize("status", list(DraftStatus))
@pytest.mark.parametrize("who", ["editor", "admin", "checker", "reporter", "author"])
def test_every_draft_state_and_approver(status: DraftStatus, who: str) -> None:
    actor = Actor(AUTHOR if who == "author" else ME, who, "editor" if who == "author" else who)
    try:
        result = decide_approval(actor, AUTHOR, status, []).value
    except Refusal as refusal:
        result = refusal.code
    if who in ("checker", "reporter"):
        assert result == "role"
    elif who == "author":
        assert result == "author"
    elif status in (DraftStatus.RECEIVED, DraftStatus.EXTRACTING):
        assert result == "not_extracted"
    elif status in (DraftStatus.CLEARED, DraftStatus.APPROVED):
        assert result == "approved"
    else:  # in review with no blockers cannot happen; published text cannot be re-approved
        assert result == "state"


def test_approval_with_blockers_is_a_conflict() -> None:
    with pytest.raises(Refusal) as info:
        decide_approval(EDITOR, AUTHOR, "cleared", find_blockers(CLAIMS))
    assert (info.value.kind, info.value.code) == ("conflict", "blockers")


H1, H2 = "a" * 64, "b" * 64
OK = [ClaimRating(1, "verdict", "accurate"), ClaimRating(2, "verdict", "misleading")]


@pytest.mark.parametrize(
    ("status", "asked", "current", "approval", "expected"),
    [
        ("approved", H1, H1, Approved(10, H1, frozenset({2})), (True, "approved")),
        ("approved", H2, H1, Approved(10, H1, frozenset({2})), (False, "not_current")),  # another text
        ("approved", H1, H2, Approved(10, H1, frozenset({2})), (False, "not_current")),  # edited after approval
        ("in_review", H1, H1, None, (False, "not_approved")),
        ("approved", H1, H1, Approved(11, H1, frozenset({2})), (False, "not_approved")),  # same text, other revision
        ("approved", H1, H1, Approved(10, H1), (False, "blockers")),  # the override is missing
        ("cleared", H1, H1, Approved(10, H1, frozenset({2})), (False, "not_approved")),  # closed by a verdict
        ("published", H1, H1, Approved(10, H1, frozenset({2})), (True, "approved")),
    ],
)
def test_the_gate(status: str, asked: str, current: str, approval: Approved | None, expected: tuple[bool, str]) -> None:
    answer = decide_gate(draft_status=status, asked_hash=asked, current_hash=current, current_revision_id=10,
                         approval=approval, claims=OK)
    assert (answer.publishable, answer.reason) == expected


@pytest.mark.parametrize(
    ("current", "statuses", "gate_open", "expected"),
    [
        ("in_review", ["verdict", "open"], False, "in_review"),
        ("in_review", ["verdict", "verdict", "retired"], False, "cleared"),
        ("cleared", ["verdict"], False, "cleared"),
        ("approved", ["verdict"], True, "approved"),
        ("approved", ["verdict"], False, "cleared"),
        ("published", ["verdict"], False, "published"),
    ],
)
def test_draft_status_after_a_verdict(current: str, statuses: list[str], gate_open: bool, expected: str) -> None:
    assert status_after_verdict(current, statuses, gate_open=gate_open) == expected
