"""The near search of the fact memory: earlier checks worded like a new claim, found in a job of its own.

A fact, attribution or quote that got no exact match when its revision was stored (services.memory) may still
have been checked before in other words. The revision's extraction queues one `factdesk.match_near` job through
the outbox with the claims (`queue_search`); the job (`search_revision`) stores each claim's near matches in a
unit of work of its own. The claims reach the queue without waiting for it: a similarity search costs more than
the rest of the matching together (BENCHMARKS.md), and their near matches follow within a second or so. A job
that runs twice replaces what its first run stored; one for a revision no longer current stores nothing, its
claims being no longer checked.

A near match is an earlier checked claim of the same type, with similar words (pg_trgm's measure, computed in
Python on both databases), a name in common and no contradicting value, the best one per draft. Candidates are
looked up by the names the match requires anyway: `index_checked` (called by services.verdicts when a verdict
is recorded) enters a checked claim under each named word of its sentence and each pair of them.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Integer, Select, String, bindparam, column, delete, exists, func, select, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db import Sessions, unit_of_work
from ..domain.memory import (
    NEAR_TYPES,
    SHOWN_MATCHES,
    MatchKind,
    is_near_match,
    name_key_weight,
    name_keys,
    shared_share,
    trigrams,
)
from ..models import CheckedName, Claim, ClaimMatch, Draft, Revision, utcnow
from . import outbox
from .memory import Check, Earlier, among, insert_matches, latest_checks, on_postgresql

NEAR_TASK = "factdesk.match_near"


def queue_search(session: Session, revision: Revision, unmatched: Sequence[Claim]) -> None:
    """Queue the near search for a revision's claims left without an exact match, in the caller's unit of work
    (the one storing them: the job is sent once they are committed, and never lost)."""
    if unmatched:
        outbox.add_job(session, NEAR_TASK, [revision.id], draft_id=revision.draft_id)


def search_revision(sessions: Sessions, revision_id: int) -> str:
    """The job `queue_search` queued: store the near matches of the revision's facts, attributions and quotes
    that have no exact match, replacing any an earlier run stored. Returns "matched", "superseded" (the draft
    has a newer revision: its claims are not checked) or "missing"."""
    try:
        with unit_of_work(sessions) as session:
            return _search(session, revision_id)
    except IntegrityError:
        # A second delivery ran at the same moment and stored the same matches first.
        return "matched"


def _search(session: Session, revision_id: int) -> str:
    revision = session.get(Revision, revision_id)
    if revision is None:
        return "missing"
    outbox.finish_jobs(session, NEAR_TASK, [revision_id], draft_id=revision.draft_id)
    if session.scalar(select(Draft.current_revision_id).where(Draft.id == revision.draft_id)) != revision_id:
        return "superseded"
    exact = exists().where(ClaimMatch.claim_id == Claim.id, ClaimMatch.kind == MatchKind.EXACT)
    claims = list(session.scalars(select(Claim).where(Claim.revision_id == revision_id,
                                                      Claim.type.in_(sorted(NEAR_TYPES)), ~exact)
                                  .order_by(Claim.id)))
    if claims:
        session.execute(delete(ClaimMatch).where(ClaimMatch.claim_id.in_([c.id for c in claims]))
                        .execution_options(synchronize_session=False))
    store_near(session, claims)
    return "matched"


def store_near(session: Session, claims: Sequence[Claim]) -> int:
    """Store the near matches of `claims` (flushed, with no matches stored); returns how many."""
    now = utcnow()
    rows = [{"claim_id": claim_id, "earlier_claim_id": e.claim_id, "verdict_id": e.verdict_id,
             "kind": MatchKind.NEAR.value, "similarity": round(score, 3), "created_at": now}
            for claim_id, near in _near(session, claims).items() for e, score in near]
    insert_matches(session, rows)
    return len(rows)


# A near match's candidates: the checked claims of the claim's type whose sentence names something the claim's
# names (CheckedName rows, under each name and each pair of names), the newest NAME_WINDOW per name or pair, and
# of those the NEAR_CANDIDATES found under the most of them, scored in Python. A lookup by name costs the same at
# a million checked claims as at a thousand; a trigram index over the claims' words (pg_trgm, until migration
# 0013) cost half a second per claim at a million, its everyday trigrams' posting lists being as long as the
# table (BENCHMARKS.md).
NAME_WINDOW = 30
NEAR_CANDIDATES = 20
_CANDIDATE_COLUMNS = (Claim.id, Claim.draft_id, Claim.revision_id, Claim.fingerprint, Claim.match_key, Claim.text,
                      Claim.sentence, Claim.normalized)


def index_checked(session: Session, claims: Sequence[Claim]) -> None:
    """Enter `claims`, each with a verdict recorded on it (not carried over), under the named words of their
    sentences, where later claims look for near matches. Safe to repeat (a second verdict on a claim)."""
    rows = [{"type": c.type, "name": name, "claim_id": c.id}
            for c in claims if c.type in NEAR_TYPES for name in name_keys(c.sentence)]
    if rows:
        session.execute((pg_insert if on_postgresql(session) else sqlite_insert)(CheckedName)
                        .on_conflict_do_nothing(), rows)


def _near(session: Session, claims: Sequence[Claim]) -> dict[int, list[tuple[Earlier, float]]]:
    """Each claim's near matches, the best per draft: an earlier claim of the same type whose words are similar
    (NEAR_THRESHOLD, pg_trgm's measure), whose sentence names something the claim's does and whose compared
    values do not contradict it, with a verdict recorded on it. Three queries for the whole revision: the
    candidates by name, their words, their latest verdicts."""
    candidates = _named_candidates(session, claims)
    if not candidates:
        return {}
    details = {row.id: row for row in session.execute(
        select(*_CANDIDATE_COLUMNS).where(among(session, Claim.id, {i for ids in candidates.values() for i in ids})))}
    similar: dict[int, list[tuple[Any, float]]] = {}
    grams: dict[int, set[str]] = {}  # a candidate of several claims (they name the same people) is read once
    for claim in claims:
        words = trigrams(claim.text)
        for row in (details[i] for i in candidates.get(claim.id, ()) if i in details):
            if row.revision_id == claim.revision_id or row.match_key == claim.match_key \
                    or (row.draft_id == claim.draft_id and row.fingerprint == claim.fingerprint):
                continue
            if row.id not in grams:
                grams[row.id] = trigrams(row.text)
            score = shared_share(words, grams[row.id])
            if is_near_match(claim.type, score, (claim.sentence, claim.normalized or {}),
                             (row.sentence, row.normalized or {})):
                similar.setdefault(claim.id, []).append((row, score))
    checks = latest_checks(session, sorted({row.id for found in similar.values() for row, _ in found}))
    return {claim_id: best for claim_id, found in similar.items() if (best := _best_per_draft(found, checks))}


def _named_candidates(session: Session, claims: Sequence[Claim]) -> dict[int, list[int]]:
    """Each claim's candidates' ids: of the newest NAME_WINDOW earlier checked claims of its type under each
    of its names and pairs, those naming the most of what it names (a pair found counts two names, a name one;
    then the newest), at most NEAR_CANDIDATES, best first."""
    probes = [(c.id, c.type, key, name_key_weight(key)) for c in claims for key in name_keys(c.sentence)]
    if not probes:
        return {}
    if on_postgresql(session):
        return _ranked_in_one_statement(session, probes)
    # SQLite has no LATERAL: a query per name, in-process, one statement run on the connection (an ORM query
    # each cost ten times the lookup).
    connection = session.connection()
    shared: dict[int, Counter[int]] = {}
    for claim_id, type_, name, weight in probes:
        for checked in connection.execute(_NAME_WINDOW, {"type": type_, "name": name, "below": claim_id}).scalars():
            shared.setdefault(claim_id, Counter())[checked] += weight
    return {claim_id: [i for i, _ in sorted(counts.items(), key=lambda x: (-x[1], -x[0]))[:NEAR_CANDIDATES]]
            for claim_id, counts in shared.items()}


_NAME_WINDOW = select(CheckedName.claim_id) \
    .where(CheckedName.type == bindparam("type"), CheckedName.name == bindparam("name"),
           CheckedName.claim_id < bindparam("below")) \
    .order_by(CheckedName.claim_id.desc()).limit(NAME_WINDOW)


# Built per call, the statement's subqueries and LATERAL cost about a millisecond of Python a revision: built on
# first use and kept (its probes are bound parameters).
@functools.cache
def _ranked_statement() -> Select[Any]:
    """The statement of _ranked_in_one_statement."""
    probe = func.unnest(bindparam("claim_ids", type_=ARRAY(Integer)), bindparam("types", type_=ARRAY(String)),
                        bindparam("names", type_=ARRAY(String)), bindparam("weights", type_=ARRAY(Integer))) \
        .table_valued(column("claim_id", Integer), column("type", String), column("name", String),
                      column("weight", Integer)) \
        .render_derived(name="probe")
    window = select(CheckedName.claim_id) \
        .where(CheckedName.type == probe.c.type, CheckedName.name == probe.c.name,
               CheckedName.claim_id < probe.c.claim_id) \
        .order_by(CheckedName.claim_id.desc()).limit(NAME_WINDOW).lateral("window")
    pairs = select(probe.c.claim_id.label("probe_id"), window.c.claim_id.label("checked"),
                   func.sum(probe.c.weight).label("shared")) \
        .select_from(probe).join(window, true()).group_by(probe.c.claim_id, window.c.claim_id).subquery()
    rank = func.row_number().over(partition_by=pairs.c.probe_id,
                                  order_by=(pairs.c.shared.desc(), pairs.c.checked.desc()))
    ranked = select(pairs.c.probe_id, pairs.c.checked, rank.label("rank")).subquery()
    return select(ranked.c.probe_id, ranked.c.checked).where(ranked.c.rank <= NEAR_CANDIDATES) \
        .order_by(ranked.c.rank)


def _ranked_in_one_statement(session: Session, probes: list[tuple[int, str, str, int]]) -> dict[int, list[int]]:
    """_named_candidates on PostgreSQL: a LATERAL index range scan per (claim, name), counted and ranked by the
    database, so that only each claim's best come back, not every name's window. The probes go in as
    arrays: one statement text whatever their number, compiled once (a VALUES list of them was
    compiled anew for every revision, a third of the lookup's time)."""
    found: dict[int, list[int]] = {}
    claim_ids, types, names, weights = (list(column_) for column_ in zip(*probes, strict=True))
    arrays = {"claim_ids": claim_ids, "types": types, "names": names, "weights": weights}
    for probe_id, checked in session.execute(_ranked_statement(), arrays):
        found.setdefault(probe_id, []).append(checked)
    return found


def _best_per_draft(found: list[tuple[Any, float]], checks: Mapping[int, Check]) -> list[tuple[Earlier, float]]:
    """The most similar checked claim of each draft (the newest of equals), best first, at most SHOWN_MATCHES."""
    best: dict[int, tuple[Earlier, float]] = {}
    for row, score in sorted(found, key=lambda x: (-x[1], -x[0].id)):
        check = checks.get(row.id)
        if check is None or check.carried or row.draft_id in best:
            continue
        best[row.draft_id] = (Earlier(row.id, row.draft_id, row.fingerprint, check.verdict_id, check.root_id),
                              score)
    return list(best.values())[:SHOWN_MATCHES]
