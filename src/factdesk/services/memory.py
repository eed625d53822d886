"""The fact memory: what the desk checked before, matched to each newly stored claim, shown and never applied.

When a revision's claims are stored (services.extraction.store_claims, in the same unit of work: a claim is
never in the queue without its exact matches, and a rerun of the job stores nothing twice because the claims are
stored once), each claim gets a match key (domain.memory's values for its type, folded) and a `ClaimMatch` row
for every earlier claim with the same key that has a verdict: one per draft (its newest such claim), from other
drafts and from this draft's earlier revisions. The same claim continuing in the next revision of its own draft
(same fingerprint) is services.carryover's business, and not matched here. A fact, attribution or quote with no
exact match is left to the near search (services.near_matches), which runs as a job of its own once the claims
are stored: a similarity search costs more than the rest of the matching together, and must not hold up the
claims reaching the queue.

A verdict recorded later reaches the claims already stored (`match_waiting`, called by services.verdicts in the
verdict's unit of work): two drafts in review at once, the second extracted before anyone checked the first's
claim, would otherwise be checked twice. Every claim with the same key still waiting for a verdict of its own, in
other drafts and in this draft's later revisions, gets the exact match the claim would have had, had it been
stored after the verdict. Near matches arrive only when a claim is stored: finding them the other way round
would run a similarity search over every waiting claim of the type on each verdict.

A match points at the earlier claim's latest verdict and follows it when a checker supersedes it
(`follow_superseded`, called by services.verdicts). Whether it is fresh is decided when it is read, from the
verdict's check date and its type's shelf life, so a changed shelf life needs no rebuild.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Insert,
    Integer,
    String,
    Table,
    and_,
    any_,
    bindparam,
    column,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, aliased

from ..domain.actors import Actor
from ..domain.memory import (
    DEFAULT_SHELF_LIFE_DAYS,
    NEAR_TYPES,
    SHOWN_MATCHES,
    MatchKind,
    fresh_until,
    match_key,
    may_see_match,
)
from ..domain.memory import shelf_life as shelf_life_of
from ..domain.states import ClaimStatus
from ..models import Claim, ClaimMatch, Draft, Verdict, utcnow
from .errors import Conflict, Invalid
from .read_models import MatchView, newest_verdict_ids, user_names

# Earlier drafts matched per key at most: the newest ones; a claim shows five.
MATCHES_PER_CLAIM = 20
_KEY_BATCH = 500


def set_match_keys(claims: Iterable[Claim]) -> None:
    for c in claims:
        c.match_key = match_key(c.type, c.normalized or {}, sentence=c.sentence, text=c.text)


@dataclass(frozen=True)
class Earlier:
    claim_id: int
    draft_id: int
    fingerprint: str
    verdict_id: int
    root_id: int  # the verdict first checked: itself, or the one a reuse copied


@dataclass(frozen=True)
class Remembered:
    exact: int  # exact matches stored
    # the claims of a near-matched type left without an exact match: the near search's work
    unmatched: list[Claim]


def remember_claims(session: Session, claims: Sequence[Claim], *, new: bool = False) -> Remembered:
    """Set the match keys of `claims` (flushed) and store their exact matches.

    Replaces the exact matches the claims had, so it is safe to repeat (`factdesk memory rebuild` does);
    `new` claims, just stored, have none to replace. Only claims stored before a claim (a lower id) are its
    earlier claims.
    """
    set_match_keys(claims)
    return store_matches(session, claims, new=new)


def store_matches(session: Session, claims: Sequence[Claim], *, new: bool = False) -> Remembered:
    """Store the exact matches of `claims` (flushed, their match keys set), replacing the matches they had
    unless they are `new`."""
    if not claims:
        return Remembered(0, [])
    if not new:
        session.execute(delete(ClaimMatch).where(ClaimMatch.claim_id.in_([c.id for c in claims])))
    earlier = _earlier_by_key(session, {c.match_key for c in claims if c.match_key}, max(c.id for c in claims))
    rows: list[dict[str, Any]] = []
    now = utcnow()
    unmatched = []
    for claim in claims:
        found = [e for e in earlier.get(claim.match_key or "", []) if e.claim_id < claim.id
                 and not (e.draft_id == claim.draft_id and e.fingerprint == claim.fingerprint)]
        kept = _newest_per_draft(found)[:MATCHES_PER_CLAIM]
        for e in kept:
            rows.append({"claim_id": claim.id, "earlier_claim_id": e.claim_id, "verdict_id": e.verdict_id,
                         "kind": MatchKind.EXACT.value, "similarity": 1.0, "created_at": now})
        if not kept and claim.type in NEAR_TYPES:
            unmatched.append(claim)
    insert_matches(session, rows)
    return Remembered(len(rows), unmatched)


_MATCHES: Table = ClaimMatch.__table__  # type: ignore[assignment]
_MATCH_COLUMNS = {"claim_id": Integer, "earlier_claim_id": Integer, "verdict_id": Integer, "kind": String,
                  "similarity": Float}


@functools.cache
def _insert_from_arrays() -> Insert:
    """The PostgreSQL statement of insert_matches, built on first use and kept (its rows are bound arrays)."""
    arrays = func.unnest(*(bindparam(n, type_=ARRAY(t)) for n, t in _MATCH_COLUMNS.items())) \
        .table_valued(*(column(n, t) for n, t in _MATCH_COLUMNS.items())).render_derived(name="m")
    return insert(_MATCHES).from_select([_MATCHES.c[n] for n in (*_MATCH_COLUMNS, "created_at")],
                                        select(*(arrays.c[n] for n in _MATCH_COLUMNS),
                                               bindparam("created_at", type_=ClaimMatch.created_at.type)))


def insert_matches(session: Session, rows: list[dict[str, Any]]) -> None:
    """Plain rows, no ORM objects: a revision's matches are written, never read back in this unit of work. On
    PostgreSQL as one INSERT … SELECT from arrays, one statement text however many rows (prepared once; a
    multi-row VALUES list is a new text to parse and plan per number of rows)."""
    if not rows:
        return
    if not on_postgresql(session):
        session.execute(insert(ClaimMatch), rows)
        return
    # A call's matches are found in one moment, and carry its one time.
    session.execute(_insert_from_arrays(), {**{n: [r[n] for r in rows] for n in _MATCH_COLUMNS},
                                          "created_at": rows[0]["created_at"]})


def on_postgresql(session: Session) -> bool:
    return bool(session.get_bind().dialect.name == "postgresql")


def among(session: Session, column: Any, values_: Iterable[Any]) -> ColumnElement[bool]:
    """`column IN values_`; on PostgreSQL `column = ANY(:array)`, one statement text however many values, which
    psycopg prepares and PostgreSQL plans once (an IN list is a new text, parsed and planned anew, per length)."""
    listed = list(values_)
    if on_postgresql(session):
        return column == any_(bindparam(None, listed, type_=ARRAY(column.type), unique=True))
    return column.in_(listed)


@dataclass(frozen=True)
class Check:
    verdict_id: int
    carried: bool
    root_id: int


def latest_checks(session: Session, claim_ids: Sequence[int]) -> dict[int, Check]:
    """Each claim's latest verdict, as a match needs it (read_models.latest_verdicts without loading whole
    verdicts)."""
    checks: dict[int, Check] = {}
    for i in range(0, len(claim_ids), _KEY_BATCH):  # a parameter list has a size limit
        newest = newest_verdict_ids(among(session, Verdict.claim_id, claim_ids[i : i + _KEY_BATCH]))
        for claim_id, verdict_id, carried_from, reuse_of in session.execute(
                select(Verdict.claim_id, Verdict.id, Verdict.carried_from_id, Verdict.reuse_of_id)
                .where(Verdict.id.in_(newest))):
            checks[claim_id] = Check(verdict_id, carried_from is not None, reuse_of or verdict_id)
    return checks


def _earlier_by_key(session: Session, keys: set[str], below: int) -> dict[str, list[Earlier]]:
    """Claims with one of `keys` and an id below `below` whose latest verdict was recorded on them (not
    carried from an earlier revision: the claim it was recorded on is the one matched), by key. Two plain
    queries (the claims by the key index, then their latest verdicts as everywhere else): a join of both
    cost PostgreSQL more to plan than to run."""
    found: dict[str, list[Earlier]] = {}
    ordered = sorted(keys)
    for i in range(0, len(ordered), _KEY_BATCH):
        rows = session.execute(
            select(Claim.id, Claim.draft_id, Claim.fingerprint, Claim.match_key)
            .where(among(session, Claim.match_key, ordered[i : i + _KEY_BATCH]), Claim.id < below)
        ).all()
        checks = latest_checks(session, [r.id for r in rows])
        for claim_id, draft_id, fingerprint, key in rows:
            check = checks.get(claim_id)
            if check is None or check.carried:
                continue
            found.setdefault(str(key), []).append(
                Earlier(claim_id, draft_id, fingerprint, check.verdict_id, check.root_id))
    return found


def _newest_per_draft(found: list[Earlier]) -> list[Earlier]:
    """Each draft's newest claim (its latest state of the claim), newest drafts' first; of the claims whose
    verdicts are reuses of one check, only the first checked (one check is one match, however often reused)."""
    newest: dict[int, Earlier] = {}
    for e in found:
        if e.draft_id not in newest or e.claim_id > newest[e.draft_id].claim_id:
            newest[e.draft_id] = e
    by_check: dict[int, Earlier] = {}
    for e in newest.values():
        kept = by_check.get(e.root_id)
        first_checked = e.verdict_id == e.root_id
        if kept is None or first_checked or (kept.verdict_id != kept.root_id and e.claim_id < kept.claim_id):
            by_check[e.root_id] = e
    return sorted(by_check.values(), key=lambda e: -e.claim_id)


def follow_superseded(session: Session, superseded: Verdict | None, latest: Verdict) -> int:
    """Point the matches that show `superseded` (or a verdict it was carried from) at `latest`, a newer verdict
    on the same claim: a match shows the latest. Returns how many moved."""
    if superseded is None:
        return 0
    lineage, verdict = [superseded.id], superseded
    while verdict.carried_from_id is not None:
        lineage.append(verdict.carried_from_id)
        parent = session.get(Verdict, verdict.carried_from_id)
        if parent is None:
            break
        verdict = parent
    moved = session.execute(
        update(ClaimMatch).where(ClaimMatch.verdict_id.in_(lineage))
        .values(verdict_id=latest.id, earlier_claim_id=latest.claim_id)
        .execution_options(synchronize_session=False)
    )
    return int(moved.rowcount or 0)  # type: ignore[attr-defined]


# Waiting claims a recorded verdict gives a match to, at most (the newest first, those in review): the checker waits
# for the verdict's unit of work, and a key shared by thousands of open claims (a boilerplate figure repeated in
# every market report) must not make recording one verdict rewrite them all. Past the cap the oldest waiting claims
# go without this match: they are checked as before, only not faster.
WAITING_PER_VERDICT = 500


def match_waiting(session: Session, claim: Claim, verdict: Verdict) -> int:
    """Give the claims with `claim`'s match key still waiting for a verdict of their own (other drafts', whatever
    their ids, and this draft's later revisions', but not the same claim continuing) an exact match showing
    `verdict`, just recorded on `claim`: a claim extracted before the check shows it too. As store_matches: one
    match per earlier draft (its newest claim), one per check, at most MATCHES_PER_CLAIM, and an exact match
    replaces near ones. Safe to repeat: a claim that shows `claim` already follows its latest verdict. Returns
    how many matches were stored."""
    if claim.match_key is None or verdict.carried_from_id is not None:
        return 0
    later_here = and_(Claim.draft_id == claim.draft_id, Claim.revision_id > claim.revision_id,
                      Claim.fingerprint != claim.fingerprint)
    waiting = list(session.scalars(
        select(Claim.id)
        .where(Claim.match_key == claim.match_key, Claim.id != claim.id,
               Claim.status.in_((ClaimStatus.OPEN, ClaimStatus.LEASED)),
               or_(Claim.draft_id != claim.draft_id, later_here),
               ~exists().where(Verdict.claim_id == Claim.id))
        .order_by(Claim.id.desc()).limit(WAITING_PER_VERDICT)
    ))
    if not waiting:
        return 0
    earlier = aliased(Claim)
    shown = session.execute(
        select(ClaimMatch.id, ClaimMatch.claim_id, ClaimMatch.earlier_claim_id, ClaimMatch.kind, earlier.draft_id,
               func.coalesce(Verdict.reuse_of_id, Verdict.id).label("root_id"))
        .join(earlier, earlier.id == ClaimMatch.earlier_claim_id)
        .join(Verdict, Verdict.id == ClaimMatch.verdict_id)
        .where(ClaimMatch.claim_id.in_(waiting))
    ).all()
    by_claim: dict[int, list[Any]] = {}
    for row in shown:
        by_claim.setdefault(row.claim_id, []).append(row)
    check = verdict.reuse_of_id or verdict.id
    replaced: list[int] = []
    rows: list[dict[str, Any]] = []
    now = utcnow()
    for claim_id in waiting:
        gone = _replaced_by(by_claim.get(claim_id, []), claim, check)
        if gone is None:
            continue
        replaced += gone
        rows.append({"claim_id": claim_id, "earlier_claim_id": claim.id, "verdict_id": verdict.id,
                     "kind": MatchKind.EXACT.value, "similarity": 1.0, "created_at": now})
    if replaced:
        session.execute(delete(ClaimMatch).where(ClaimMatch.id.in_(replaced))
                        .execution_options(synchronize_session=False))
    insert_matches(session, rows)
    return len(rows)


def _replaced_by(shown: Sequence[Any], claim: Claim, check: int) -> list[int] | None:
    """The ids of the matches a waiting claim showing `shown` loses to a new exact match with `claim` (a verdict
    of the check `check` just recorded on it): its near ones, and an older claim of the same draft; None when it
    gets none (it shows `claim`, a newer claim of its draft or the same check already, or has all it keeps)."""
    exact = [m for m in shown if m.kind == MatchKind.EXACT]
    same_draft = [m for m in exact if m.draft_id == claim.draft_id]
    if any(m.earlier_claim_id >= claim.id for m in same_draft) or any(m.root_id == check for m in exact):
        return None
    if len(exact) - len(same_draft) >= MATCHES_PER_CLAIM:
        return None
    return [m.id for m in shown if m.kind != MatchKind.EXACT] + [m.id for m in same_draft]


def _visible_to(actor: Actor, earlier: Any) -> ColumnElement[bool]:
    """SQL: the earlier claim's draft is one the actor may see a match from (domain.memory.may_see_match)."""
    return true() if actor.desk is None else earlier.draft_desk == actor.desk


def has_fresh_exact_match(actor: Actor, now: datetime,
                          overrides: Mapping[str, int | None] | None = None) -> ColumnElement[bool]:
    """SQL, for a query over claims: the claim has an exact match the actor may see whose verdict is fresh (by
    its type's shelf life, counted from when it was checked: a reuse's from the verdict it reused)."""
    earlier, verdict, first = aliased(Claim), aliased(Verdict), aliased(Verdict)
    checked = func.coalesce(first.created_at, verdict.created_at)
    fresh = []
    for type_ in sorted({*DEFAULT_SHELF_LIFE_DAYS, *(overrides or {})}):
        life = shelf_life_of(type_, overrides)
        fresh.append(Claim.type == type_ if life is None else and_(Claim.type == type_, checked > now - life))
    return exists(
        select(ClaimMatch.id)
        .join(earlier, earlier.id == ClaimMatch.earlier_claim_id)
        .join(verdict, verdict.id == ClaimMatch.verdict_id)
        .outerjoin(first, first.id == verdict.reuse_of_id)
        .where(ClaimMatch.claim_id == Claim.id, ClaimMatch.kind == MatchKind.EXACT, _visible_to(actor, earlier),
               or_(*fresh))
    )


def match_counts(session: Session, actor: Actor, claim_ids: Sequence[int]) -> dict[int, int]:
    """How many matches the actor may see each claim has (stale ones too), in one query."""
    if not claim_ids:
        return {}
    earlier = aliased(Claim)
    rows = session.execute(
        select(ClaimMatch.claim_id, func.count())
        .join(earlier, earlier.id == ClaimMatch.earlier_claim_id)
        .where(ClaimMatch.claim_id.in_(claim_ids), _visible_to(actor, earlier))
        .group_by(ClaimMatch.claim_id)
    )
    return {claim_id: n for claim_id, n in rows}


def claims_matches(
    session: Session, actor: Actor, claim_ids: Sequence[int], now: datetime,
    shelf_life: Mapping[str, int | None] | None = None,
) -> dict[int, list[MatchView]]:
    """Each claim's matches the actor may see, best first (exact before near, fresh before stale, the most
    similar, then the most recently checked), at most five; in four queries whatever their number."""
    if not claim_ids:
        return {}
    earlier = aliased(Claim)
    rows = session.execute(
        select(ClaimMatch, earlier.text, earlier.type, earlier.draft_id, Draft.title, Draft.desk, Verdict)
        .join(earlier, earlier.id == ClaimMatch.earlier_claim_id)
        .join(Draft, Draft.id == earlier.draft_id)
        .join(Verdict, Verdict.id == ClaimMatch.verdict_id)
        .where(ClaimMatch.claim_id.in_(claim_ids))
    ).all()
    visible = [r for r in rows if may_see_match(actor, r.desk)]
    checked = checked_dates(session, [r.Verdict for r in visible])
    names = user_names(session, (r.Verdict.checker_id for r in visible))
    found: dict[int, list[MatchView]] = {}
    for r in visible:
        m, v = r.ClaimMatch, r.Verdict
        until = fresh_until(r.type, checked[v.id], shelf_life)
        stale = until is not None and now >= until
        found.setdefault(m.claim_id, []).append(MatchView(
            kind=m.kind, similarity=m.similarity, stale=stale, reusable=not stale, fresh_until=until,
            claim_id=m.earlier_claim_id, claim_text=r.text, claim_type=r.type, draft_id=r.draft_id,
            draft_title=r.title, verdict_id=v.id, rating=v.rating, note=v.note, sources=list(v.sources or []),
            checker_id=v.checker_id, checker=names.get(v.checker_id) if v.checker_id else None,
            date=checked[v.id],
        ))
    for matches in found.values():
        matches.sort(key=lambda x: (x.kind != MatchKind.EXACT, x.stale, -x.similarity, -x.date.timestamp()))
        del matches[SHOWN_MATCHES:]
    return found


def checked_dates(session: Session, verdicts: Sequence[Verdict]) -> dict[int, datetime]:
    """When each verdict's check was done: its own date, or for a reuse the reused verdict's (a reuse does not
    make a verdict younger)."""
    reused = {v.reuse_of_id for v in verdicts if v.reuse_of_id is not None}
    dates = dict(session.execute(select(Verdict.id, Verdict.created_at).where(Verdict.id.in_(reused))).all()) \
        if reused else {}
    return {v.id: dates.get(v.reuse_of_id, v.created_at) if v.reuse_of_id else v.created_at for v in verdicts}


def reusable_verdict(
    session: Session, actor: Actor, claim: Claim, verdict_id: int, now: datetime,
    shelf_life: Mapping[str, int | None] | None = None,
) -> Verdict:
    """The verdict a checker may reuse on `claim`: one of its matches' (latest) verdicts, that the actor may
    see, and fresh. Raises Invalid (not a match of this claim), Conflict (superseded since: reuse the latest;
    stale: past its shelf life)."""
    match = session.scalar(select(ClaimMatch).where(ClaimMatch.claim_id == claim.id,
                                                    ClaimMatch.verdict_id == verdict_id))
    if match is None:
        superseded = session.get(Verdict, verdict_id)
        latest_id = session.scalar(
            select(ClaimMatch.verdict_id).where(ClaimMatch.claim_id == claim.id,
                                                ClaimMatch.earlier_claim_id == superseded.claim_id)
        ) if superseded is not None else None
        if latest_id is not None:
            raise Conflict(f"verdict {verdict_id} was superseded: reuse the latest, verdict {latest_id}",
                           details={"reason": "superseded_match", "claim_id": claim.id, "latest": latest_id})
        raise Invalid(f"verdict {verdict_id} is not a match of claim {claim.id}",
                      details={"reuse_of": ["not one of this claim's matches"]})
    earlier = session.get_one(Claim, match.earlier_claim_id)
    draft = session.get_one(Draft, earlier.draft_id)
    if not may_see_match(actor, draft.desk):
        raise Invalid(f"verdict {verdict_id} is not a match of claim {claim.id}",
                      details={"reuse_of": ["not one of this claim's matches"]})
    verdict = session.get_one(Verdict, verdict_id)
    checked = checked_dates(session, [verdict])[verdict.id]
    until = fresh_until(earlier.type, checked, shelf_life)
    if until is not None and now >= until:
        raise Conflict(
            f"verdict {verdict_id} is stale: {earlier.type} verdicts may be reused for "
            f"{(until - checked).days} days, and this one was checked on {checked.date().isoformat()}",
            details={"reason": "stale_match", "claim_id": claim.id, "fresh_until": until.isoformat()},
        )
    return verdict
