"""Draft use cases: submit a draft (or a new revision) by REST, read drafts, their claims and revisions.

Each function is one unit of work on the caller's session factory and returns read models, never ORM rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db import Sessions, unit_of_work
from ..domain.actors import Actor
from ..models import Claim, Draft, Publication, Revision, utcnow
from .errors import NotFound
from .memory import claims_matches
from .read_models import (
    DraftClaims,
    DraftPage,
    DraftView,
    PublicationView,
    RevisionView,
    claim_views,
    draft_view,
    draft_views,
    publication_view,
    revision_view,
)
from .revisions import SaveOutcome, Submission, save_revision


@dataclass(frozen=True)
class Submitted:
    draft: DraftView
    created_revision: bool
    outcome: SaveOutcome


def submit_draft(sessions: Sessions, actor: Actor, submission: Submission) -> Submitted:
    """Store a new draft, or a new revision of the draft with the same external_id (see
    services.revisions.save_revision); the same text again stores nothing (safe to repeat).

    Raises Forbidden, Invalid.
    """
    for attempt in (1, 2):
        try:
            with unit_of_work(sessions) as session:
                result = save_revision(session, actor, submission)
                return Submitted(draft_view(session, result.draft), result.created_revision, result.outcome)
        except IntegrityError:
            # Two first submissions of one external_id raced; the second becomes a revision.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def find_draft(session: Session, draft_id: int) -> Draft:
    """The draft row; raises NotFound. For services that act on a draft within their own unit of work."""
    draft = session.get(Draft, draft_id)
    if draft is None:
        raise NotFound(f"no draft {draft_id}")
    return draft


def get_draft(sessions: Sessions, draft_id: int) -> DraftView:
    """A draft: status, current revision, claim counts and latest approval. Raises NotFound."""
    with unit_of_work(sessions) as session:
        return draft_view(session, find_draft(session, draft_id))


def filter_drafts(query: Select[Any], *, status: str | None, desk: str | None) -> Select[Any]:
    """`query` narrowed to drafts of one status and one desk, where given (the lists' filters)."""
    if status:
        query = query.where(Draft.status == status)
    if desk:
        query = query.where(Draft.desk == desk)
    return query


def list_drafts(
    sessions: Sessions, *, status: str | None = None, desk: str | None = None, limit: int = 50, offset: int = 0
) -> DraftPage:
    """One page of drafts, newest first, optionally of one status or desk; five queries whatever the page size."""
    query = filter_drafts(select(Draft), status=status, desk=desk)
    with unit_of_work(sessions) as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        items = list(session.scalars(query.order_by(Draft.id.desc()).limit(limit).offset(offset)))
        return DraftPage(draft_views(session, items), total, limit, offset)


def list_draft_claims(
    sessions: Sessions, draft_id: int, *, actor: Actor | None = None,
    shelf_life: Mapping[str, int | None] | None = None, now: datetime | None = None,
) -> DraftClaims:
    """The current revision's claims in text order, each with its latest verdict and, given the `actor` who
    reads them, the matches they may see (services.memory). Raises NotFound."""
    with unit_of_work(sessions) as session:
        draft = find_draft(session, draft_id)
        if draft.current_revision_id is None:
            return DraftClaims(draft.id, None, [])
        revision = session.get_one(Revision, draft.current_revision_id)
        claims = list(session.scalars(
            select(Claim).where(Claim.revision_id == draft.current_revision_id).order_by(Claim.start, Claim.id)
        ))
        views = claim_views(session, claims)
        if actor is not None:
            found = claims_matches(session, actor, [c.id for c in claims], now or utcnow(), shelf_life)
            views = [replace(v, matches=found.get(v.id, [])) for v in views]
        return DraftClaims(draft.id, revision_view(revision), views)


def list_publications(sessions: Sessions, draft_id: int) -> list[PublicationView]:
    """Every publish and unpublish of a draft's CMS document, newest first. Raises NotFound."""
    with unit_of_work(sessions) as session:
        find_draft(session, draft_id)
        rows = session.execute(
            select(Publication, Revision.number).outerjoin(Revision, Revision.id == Publication.revision_id)
            .where(Publication.draft_id == draft_id).order_by(Publication.id.desc()))
        return [publication_view(p, number) for p, number in rows]


def list_revisions(sessions: Sessions, draft_id: int) -> list[RevisionView]:
    """Every revision of a draft, oldest first. Raises NotFound."""
    with unit_of_work(sessions) as session:
        find_draft(session, draft_id)
        rows = session.scalars(select(Revision).where(Revision.draft_id == draft_id).order_by(Revision.number))
        return [revision_view(r) for r in rows]
