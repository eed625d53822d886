"""The desk's rules on their own: ratings, approval, overrides, who may revise a draft, the gate and the draft's
status after a verdict.

Who may lease, renew, release or rate a claim in which state is one table, test_lease_rules_table.py, run
against the domain and through the services.
"""

from __future__ import annotations

import pytest

from factdesk.domain.actors import Actor
from factdesk.domain.desk import Refusal, check_reviser, decide_approval
from factdesk.domain.gate import Approved, ClaimRating, OverrideError, check_overrides, decide_gate, find_blockers
from factdesk.domain.ratings import Rating, blocks, needs_source
from factdesk.domain.states import DraftStatus, status_after_verdict

ME, AUTHOR = 1, 9
EDITOR = Actor(ME, "eddy", "editor")


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
        result = decide_approval(actor, frozenset({AUTHOR}), status, []).value
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
    elif status == DraftStatus.PUBLISHED_UNAPPROVED:  # approved after the fact: the text out there is approved
        assert result == "published"
    else:  # in review with no blockers cannot happen; published text cannot be re-approved
        assert result == "state"


def test_approval_with_blockers_is_a_conflict() -> None:
    with pytest.raises(Refusal) as info:
        decide_approval(EDITOR, frozenset({AUTHOR}), "cleared", find_blockers(CLAIMS))
    assert (info.value.kind, info.value.code) == ("conflict", "blockers")


def test_whoever_wrote_any_revision_never_approves() -> None:
    with pytest.raises(Refusal) as info:
        decide_approval(EDITOR, frozenset({AUTHOR, ME}), "cleared", [])
    assert (info.value.kind, info.value.code) == ("forbidden", "author")
    assert decide_approval(EDITOR, frozenset({AUTHOR}), "cleared", []) == DraftStatus.APPROVED


REVISER = 5  # wrote the draft's second revision


@pytest.mark.parametrize(
    ("actor", "source", "expected"),
    [
        (Actor(AUTHOR, "rita", "reporter", "politics"), "api", None),
        (Actor(REVISER, "ed", "editor", "business"), "api", None),  # an author, whatever the desk now
        (Actor(ME, "rob", "reporter", "politics"), "api", "not_author"),
        (Actor(ME, "eddy", "editor", "politics"), "api", None),
        (Actor(ME, "ada", "editor"), "api", None),  # an editor without a desk: any desk
        (Actor(ME, "root", "admin"), "api", None),
        (Actor(ME, "bea", "editor", "business"), "api", "desk"),
        (Actor(ME, "cara", "checker", "politics"), "api", "role"),
        (Actor(ME, "ghost", "integration"), "ghost", None),  # its own CMS's draft
        (Actor(ME, "ghost", "integration"), "api", "not_author"),
        (Actor(ME, "ghost", "integration"), "strapi", "not_author"),
    ],
)
def test_who_may_revise_a_draft(actor: Actor, source: str, expected: str | None) -> None:
    try:
        check_reviser(actor, frozenset({AUTHOR, REVISER}), "politics", source)
        outcome = None
    except Refusal as refusal:
        assert refusal.kind == "forbidden"
        outcome = refusal.code
    assert outcome == expected


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
