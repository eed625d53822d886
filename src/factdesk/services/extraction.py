"""Extracting a revision's claims and storing them once, however often the job runs."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ..db import unit_of_work
from ..domain.actors import SYSTEM
from ..domain.states import ClaimStatus, status_once_extracted
from ..extraction import Extraction, extract
from ..models import Claim, Draft, Revision, utcnow
from . import audit, memory, near_matches, outbox
from .carryover import carry_over_claims
from .revisions import EXTRACT_TASK

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Input:
    revision_id: int
    draft_id: int
    body: str
    format: str
    title: str | None
    reference_date: date | None


def extract_revision(
    sessions: sessionmaker[Session], revision_id: int, *, nlp: object | None = None
) -> str:
    """Extract and store the claims of one revision. Safe to repeat and to run concurrently.

    The NLP runs between two short transactions so that no lock is held while it works. Returns what
    happened: "stored", "already_extracted", "superseded" or "missing".
    """
    with unit_of_work(sessions) as session:
        todo = _load(session, revision_id)
        if isinstance(todo, str):
            return todo
    result = extract(todo.body, fmt=todo.format, title=todo.title, reference_date=todo.reference_date, nlp=nlp)
    try:
        with unit_of_work(sessions) as session:
            return store_claims(session, revision_id, result)
    except IntegrityError:
        # A concurrent run of the same job stored these claims first.
        log.info("revision %s was extracted concurrently", revision_id)
        return "already_extracted"


def _load(session: Session, revision_id: int) -> _Input | str:
    revision = session.get(Revision, revision_id)
    if revision is None:
        return "missing"
    draft = session.get(Draft, revision.draft_id)
    assert draft is not None
    if revision.extracted_at is not None:
        outbox.finish_jobs(session, EXTRACT_TASK, [revision_id], draft_id=draft.id)
        return "already_extracted"
    if draft.current_revision_id != revision.id:
        outbox.finish_jobs(session, EXTRACT_TASK, [revision_id], draft_id=draft.id)
        return "superseded"
    return _Input(revision.id, draft.id, revision.body, revision.format, revision.title, revision.reference_date)


def store_claims(session: Session, revision_id: int, result: Extraction) -> str:
    """Store an extraction's claims for a revision and move its draft on (one unit of work).

    Locks the draft first, then the revision, in the order every revision of a draft is made in
    (services.revisions.prepare_revision locks the draft, then writes its revisions, jobs and claims): a new
    revision and the storing of the previous one's claims wait for each other in turn. Locked the other way
    round, each held a row the other needed and PostgreSQL killed one of them as a deadlock.
    """
    draft = session.scalar(
        select(Draft).join(Revision, Revision.draft_id == Draft.id).where(Revision.id == revision_id)
        .with_for_update(of=Draft, key_share=True)
    )
    if draft is None:
        return "missing"
    revision = session.scalar(select(Revision).where(Revision.id == revision_id).with_for_update(key_share=True))
    assert revision is not None  # a revision is deleted only with its draft, which is locked
    outbox.finish_jobs(session, EXTRACT_TASK, [revision_id], draft_id=draft.id)
    if revision.extracted_at is not None:
        return "already_extracted"
    if result.text != revision.text:
        # The normaliser changed since this revision was stored; spans must index the stored text.
        log.warning("revision %s: normalised text differs from the stored text", revision_id)
    claims = [
        Claim(
            draft_id=draft.id,
            revision_id=revision.id,
            type=c.type,
            start=c.start,
            end=c.end,
            spans=[list(s) for s in c.spans],
            text=c.text,
            sentence=c.sentence,
            normalized=c.normalized,
            score=c.score,
            reasons=list(c.reasons),
            fingerprint=c.fingerprint,
            status=ClaimStatus.OPEN,
            draft_deadline=draft.deadline,
            draft_desk=draft.desk,
        )
        for c in result.claims
    ]
    memory.set_match_keys(claims)  # before the insert: no second write of each claim
    session.add_all(claims)
    revision.extracted_at = utcnow()
    session.flush()
    # Unchanged claims keep their verdicts, changed ones reopen, removed ones retire (services.carryover).
    carried = carry_over_claims(session, revision, claims)
    # Earlier verdicts that fit these claims, shown beside them (services.memory): exact matches are stored with
    # the claims, so a claim is never listed without them and a rerun of the job, finding the claims stored, adds
    # none; the near search, the costly part, is queued to run once they are committed (services.near_matches).
    remembered = memory.remember_claims(session, claims, new=True)
    near_matches.queue_search(session, revision, remembered.unmatched)
    if draft.current_revision_id == revision.id:
        before = draft.status
        draft.status = status_once_extracted(draft.status, [c.status for c in claims])
        audit.record(
            session, SYSTEM, "revision.extracted", draft_id=draft.id, revision_id=revision.id,
            before={"status": before}, after={"status": draft.status, "claims": len(claims),
                                              "carried": carried.carried, "changed": carried.changed,
                                              "removed": carried.removed, "matched": remembered.exact},
        )
    return "stored"
