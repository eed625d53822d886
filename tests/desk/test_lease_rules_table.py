"""One table of the desk's claim rules, run against `domain.desk.decide_claim_action` and through the services.

Each row is a kind of actor and a claim's situation, with the outcome of each action (lease, renew, release,
record a verdict): the claim's status afterwards, or the refusal's code. Every cell runs twice:

- (a) `decide_claim_action` on the situation, no database;
- (b) the same situation as rows in the test database (PostgreSQL when FACTDESK_TEST_DATABASE_URL is set,
  SQLite otherwise), through the use case: `lease_next_claim` (the one-statement lease on PostgreSQL),
  `renew_lease`, `release_claim`, `record_verdict`. The error's reason must be the refusal's code, the claim
  row must be unchanged after a refusal, and after a success it and its audit trail must say what happened.

The queue never names a claim it will not give you: where a lease is refused for any reason but the role,
the lease path answers "nothing for you" (None, HTTP 204) instead of the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from factdesk.db import unit_of_work
from factdesk.domain.actors import SYSTEM, Actor
from factdesk.domain.desk import ClaimAction, ClaimSituation, Refusal, decide_claim_action, lease_expired
from factdesk.models import AuditEvent, Claim, Draft, Revision, User, Verdict
from factdesk.services.errors import Conflict, Forbidden
from factdesk.services.queue import QueueFilter, expire_leases, lease_next_claim, release_claim, renew_lease
from factdesk.services.verdicts import VerdictInput, record_verdict

NOW = datetime.now(UTC).replace(microsecond=0)
DESK = "politics"


@dataclass(frozen=True)
class Situation:
    status: str
    holder: str | None = None  # "me" (the acting user) or "other" (another checker)
    expires_in: timedelta | None = None  # the lease's expiry, from NOW
    current: bool = True  # the claim belongs to its draft's current revision


LIVE, RAN_OUT = timedelta(minutes=5), timedelta(seconds=-1)
SITUATIONS = {
    "open": Situation("open"),
    "leased_by_me": Situation("leased", "me", LIVE),
    "leased_by_other": Situation("leased", "other", LIVE),
    "my_lease_expired": Situation("leased", "me", RAN_OUT),
    "other_lease_expired": Situation("leased", "other", RAN_OUT),
    "leased_without_expiry": Situation("leased", "other", None),  # no expiry: over, as if it ran out
    "verdict": Situation("verdict"),
    "retired": Situation("retired"),
    "superseded_open": Situation("open", current=False),
    "superseded_leased_by_me": Situation("leased", "me", LIVE, current=False),
    "superseded_verdict": Situation("verdict", current=False),
}

# The acting users: (role, desk). The claim's draft is on the politics desk, written by "author"; a "reviser"
# wrote its second revision (the current one when the claim's is superseded, else a later one kept as history).
ACTORS = {
    "checker": ("checker", DESK),
    "checker_no_desk": ("checker", None),
    "checker_other_desk": ("checker", "business"),
    "editor": ("editor", DESK),
    "admin": ("admin", None),
    "author": ("editor", DESK),  # an editor who wrote the draft
    "author_checker": ("checker", DESK),  # a checker who wrote the draft
    "reviser": ("editor", DESK),  # an editor who wrote a later revision of someone else's draft
    "reviser_checker": ("checker", DESK),  # a checker who wrote a later revision (say, as a reporter before)
    "reporter": ("reporter", DESK),
    "integration": ("integration", None),
}

ACTIONS = (ClaimAction.LEASE, ClaimAction.RENEW, ClaimAction.RELEASE, ClaimAction.RECORD_VERDICT)
L, OPEN, V = "leased", "open", "verdict"
STALE = ("stale_revision",) * 4
AUTHOR = ("author",) * 4
ROLE = ("role",) * 4

# (actor, situation): outcome of (lease, renew, release, record_verdict)
TABLE: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("checker", "open"):                               (L, "not_leased", "not_leased", "lease_required"),
    ("checker", "leased_by_me"):                       ("already_yours", L, OPEN, V),
    ("checker", "leased_by_other"):                    ("lease_held",) * 4,
    ("checker", "my_lease_expired"):                   (L, "lease_expired", "lease_expired", "lease_required"),
    ("checker", "other_lease_expired"):                (L, "lease_expired", "lease_expired", "lease_required"),
    ("checker", "leased_without_expiry"):              (L, "lease_expired", "lease_expired", "lease_required"),
    ("checker", "verdict"):                            ("has_verdict", "not_leased", "not_leased", "lease_required"),
    ("checker", "retired"):                            STALE,
    ("checker", "superseded_open"):                    STALE,
    ("checker", "superseded_leased_by_me"):            STALE,
    ("checker", "superseded_verdict"):                 STALE,
    # Another desk's checker may not lease; the desk rule is one of leasing, so a lease it holds is its own.
    ("checker_other_desk", "open"):                    ("desk", "not_leased", "not_leased", "lease_required"),
    ("checker_other_desk", "leased_by_me"):            ("desk", L, OPEN, V),
    ("checker_other_desk", "leased_by_other"):         ("desk", "lease_held", "lease_held", "lease_held"),
    ("checker_other_desk", "my_lease_expired"):        ("desk", "lease_expired", "lease_expired", "lease_required"),
    ("checker_other_desk", "other_lease_expired"):     ("desk", "lease_expired", "lease_expired", "lease_required"),
    ("checker_other_desk", "leased_without_expiry"):   ("desk", "lease_expired", "lease_expired", "lease_required"),
    ("checker_other_desk", "verdict"):                 ("desk", "not_leased", "not_leased", "lease_required"),
    ("checker_other_desk", "retired"):                 STALE,
    ("checker_other_desk", "superseded_open"):         STALE,
    ("checker_other_desk", "superseded_leased_by_me"): STALE,
    ("checker_other_desk", "superseded_verdict"):      STALE,
    # Editors rate without a lease and release anyone's, but never take over a live lease to rate.
    ("editor", "open"):                                (L, "not_leased", "not_leased", V),
    ("editor", "leased_by_me"):                        ("already_yours", L, OPEN, V),
    ("editor", "leased_by_other"):                     ("lease_held", "lease_held", OPEN, "lease_held"),
    ("editor", "my_lease_expired"):                    (L, "lease_expired", "lease_expired", V),
    ("editor", "other_lease_expired"):                 (L, "lease_expired", "lease_expired", V),
    ("editor", "leased_without_expiry"):               (L, "lease_expired", "lease_expired", V),
    ("editor", "verdict"):                             ("has_verdict", "not_leased", "not_leased", V),
    ("editor", "retired"):                             STALE,
    ("editor", "superseded_open"):                     STALE,
    ("editor", "superseded_leased_by_me"):             STALE,
    ("editor", "superseded_verdict"):                  STALE,
    **{("author", name): AUTHOR for name in SITUATIONS},
    # Everyone who wrote a revision is an author, whichever revision the claim is on.
    **{("reviser", name): AUTHOR for name in SITUATIONS},
    **{("reporter", name): ROLE for name in SITUATIONS},
}
# Actors the rules treat alike: a checker without a desk checks every desk; an admin supervises as an editor
# does; the author rule holds whatever the author's role; no role without the check permission does anything.
SAME_AS = {"checker_no_desk": "checker", "admin": "editor", "author_checker": "author", "reviser_checker": "reviser",
           "integration": "reporter"}
TABLE.update({(actor, name): TABLE[(like, name)] for actor, like in SAME_AS.items() for name in SITUATIONS})
FORBIDDEN = {"role", "author", "desk"}  # who you are; every other code is a conflict with the claim's state
SKIPPED = "skipped"  # the lease path's answer when the queue has nothing for you


def test_the_table_covers_every_actor_and_situation() -> None:
    assert set(TABLE) == {(a, s) for a in ACTORS for s in SITUATIONS}


CASES = [
    pytest.param(actor, situation, action, expected, id=f"{actor}-{situation}-{action}")
    for (actor, situation), outcomes in TABLE.items()
    for action, expected in zip(ACTIONS, outcomes, strict=True)
]


def refusal(code: str) -> str:
    return f"{'forbidden' if code in FORBIDDEN else 'conflict'}:{code}"


def expected_outcome(action: ClaimAction, expected: str, *, through_queue: bool = False) -> str:
    if expected in (L, OPEN, V):
        return expected
    if through_queue and action == ClaimAction.LEASE and expected != "role":
        return SKIPPED
    return refusal(expected)


# (a) the domain's rules on their own

ME, OTHER, AUTHOR_ID, REVISER_ID = 1, 2, 9, 10


def domain_actor(kind: str) -> Actor:
    role, desk = ACTORS[kind]
    who = AUTHOR_ID if kind.startswith("author") else REVISER_ID if kind.startswith("reviser") else ME
    return Actor(who, kind, role, desk)


@pytest.mark.parametrize(("actor", "situation", "action", "expected"), CASES)
def test_domain(actor: str, situation: str, action: ClaimAction, expected: str) -> None:
    who, where = domain_actor(actor), SITUATIONS[situation]
    claim = ClaimSituation(
        status=where.status,
        holder_id={"me": who.id, "other": OTHER, None: None}[where.holder],
        lease_expires_at=NOW + where.expires_in if where.expires_in is not None else None,
        current=where.current,
        author_ids=frozenset({AUTHOR_ID, REVISER_ID}),
        desk=DESK,
    )
    try:
        outcome = decide_claim_action(action, who, claim, NOW).value
    except Refusal as refused:
        outcome = f"{refused.kind}:{refused.code}"
    assert outcome == expected_outcome(action, expected)


# (b) the same rows in the database, through the use cases

SOURCE = [{"url": "https://example.org/record", "title": "The record", "accessed_at": None}]


@dataclass(frozen=True)
class Rows:
    actor: Actor
    draft_id: int
    claim_id: int


def make_rows(sessions, actor: str, situation: str) -> Rows:  # type: ignore[no-untyped-def]
    """The situation as rows: users, a politics draft by "author" (its second revision by "reviser", or by
    "author" too), and one claim in the revision it names."""
    where = SITUATIONS[situation]
    with unit_of_work(sessions) as s:
        users = {kind: User(name=f"{kind}-{situation}", role=role, desk=desk) for kind, (role, desk) in ACTORS.items()}
        users["other"] = User(name=f"other-{situation}", role="checker", desk=DESK)
        s.add_all(users.values())
        s.flush()
        me = users[actor]
        author = me if actor.startswith("author") else users["author"]
        draft = Draft(source="api", external_id=f"rules-{actor}-{situation}", title="Rules", desk=DESK,
                      status="in_review" if where.current else "extracting", author_id=author.id)
        s.add(draft)
        s.flush()
        reviser = me if actor.startswith("reviser") else author
        revisions = [
            Revision(draft_id=draft.id, number=n, body=f"Text {n}.", format="text", text=f"Text {n}.",
                     content_hash=f"{n}" * 64, created_by_id=by.id, extracted_at=NOW)
            for n, by in ((1, author), (2, reviser))
        ]
        s.add_all(revisions)
        s.flush()
        draft.current_revision_id = revisions[0].id if where.current else revisions[1].id
        claim = Claim(
            draft_id=draft.id, revision_id=revisions[0].id, type="fact", start=0, end=4, spans=[[0, 4]],
            text="Text", sentence="Text 1.", normalized={}, score=0.5, reasons=["test"], fingerprint="fp",
            status=where.status, draft_desk=DESK, draft_deadline=None,
            leased_by_id={"me": me.id, "other": users["other"].id, None: None}[where.holder],
            lease_expires_at=NOW + where.expires_in if where.expires_in is not None else None,
        )
        s.add(claim)
        s.flush()
        if where.status == "verdict":
            s.add(Verdict(claim_id=claim.id, rating="accurate", sources=SOURCE, checker_id=users["other"].id,
                          created_at=NOW - timedelta(hours=1)))
        return Rows(Actor(me.id, me.name, me.role, me.desk), draft.id, claim.id)


def act(sessions, action: ClaimAction, rows: Rows) -> str:  # type: ignore[no-untyped-def]
    """Run the use case; the claim's status afterwards, SKIPPED, or "kind:reason" of the error it raised."""
    try:
        if action == ClaimAction.LEASE:
            leased = lease_next_claim(sessions, rows.actor, lease_seconds=900, cap=10,
                                      filters=QueueFilter(draft_id=rows.draft_id), now=NOW)
            if leased is None:
                return SKIPPED
            assert leased.id == rows.claim_id and leased.draft is not None and leased.draft.id == rows.draft_id
            return leased.status
        if action == ClaimAction.RENEW:
            renewed = renew_lease(sessions, rows.actor, rows.claim_id, lease_seconds=900, now=NOW)
            assert renewed.draft is not None and renewed.draft.id == rows.draft_id
            return renewed.status
        if action == ClaimAction.RELEASE:
            return release_claim(sessions, rows.actor, rows.claim_id, now=NOW).status
        recorded = record_verdict(sessions, rows.actor, rows.claim_id, VerdictInput("accurate", sources=SOURCE),
                                  now=NOW)
        assert recorded.claim_id == rows.claim_id and recorded.checker == rows.actor.name
        return recorded.claim_status
    except (Forbidden, Conflict) as error:
        return f"{'forbidden' if isinstance(error, Forbidden) else 'conflict'}:{error.details['reason']}"


def claim_state(sessions, claim_id: int) -> tuple[str, int | None, datetime | None, list[str]]:  # type: ignore[no-untyped-def]
    with unit_of_work(sessions) as s:
        claim = s.get_one(Claim, claim_id)
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.claim_id == claim_id)
                                 .order_by(AuditEvent.id)))
        return claim.status, claim.leased_by_id, claim.lease_expires_at, actions


EVENT = {ClaimAction.LEASE: "claim.leased", ClaimAction.RENEW: "claim.lease_renewed",
         ClaimAction.RELEASE: "claim.released", ClaimAction.RECORD_VERDICT: "verdict.recorded"}


@pytest.mark.parametrize(("actor", "situation", "action", "expected"), CASES)
def test_service(sessions, actor: str, situation: str, action: ClaimAction, expected: str) -> None:  # type: ignore[no-untyped-def]
    rows = make_rows(sessions, actor, situation)
    before = claim_state(sessions, rows.claim_id)
    outcome = act(sessions, action, rows)
    assert outcome == expected_outcome(action, expected, through_queue=True)
    status, holder, expires, events = claim_state(sessions, rows.claim_id)
    if outcome not in (L, OPEN, V):
        assert (status, holder, expires, events) == before  # a refusal changes nothing
        return
    assert status == outcome
    if outcome == L:
        assert holder == rows.actor.id and expires == NOW + timedelta(seconds=900)
    else:
        assert holder is None and expires is None
    where = SITUATIONS[situation]
    ran_out = where.status == "leased" and (where.expires_in is None or where.expires_in <= timedelta(0))
    # A lease that had run out is ended (and audited) first, by whoever came along.
    assert events == ["claim.lease_expired"] * ran_out + [EVENT[action]]


@pytest.mark.parametrize("situation", list(SITUATIONS))
def test_the_sweep_ends_exactly_the_leases_the_domain_calls_over(sessions, situation: str) -> None:  # type: ignore[no-untyped-def]
    rows = make_rows(sessions, "checker", situation)
    where = SITUATIONS[situation]
    over = lease_expired(where.status, NOW + where.expires_in if where.expires_in is not None else None, NOW)
    assert expire_leases(sessions, SYSTEM, now=NOW) == int(over)
    status, holder, expires, events = claim_state(sessions, rows.claim_id)
    if over:
        assert (status, holder, expires, events) == ("open", None, None, ["claim.lease_expired"])
    else:
        assert status == where.status and events == []
