"""Who wrote a draft, read from the database: its author set (domain.roles.authors_of) for one draft, and the
same rule as a SQL condition for the queue, so that the lease skips drafts the checker wrote any revision of.

Steps inside a use case's unit of work: they read through the caller's session and never commit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, func, literal_column, select
from sqlalchemy.orm import Session

from ..domain.roles import authors_of
from ..models import Draft, Revision


def draft_authors(session: Session, draft: Draft) -> frozenset[int]:
    """Everyone who created the draft or submitted a revision of it (one indexed query)."""
    submitters = session.scalars(
        select(Revision.created_by_id).where(Revision.draft_id == draft.id, Revision.created_by_id.is_not(None))
        .distinct()
    )
    return authors_of(draft.author_id, submitters)


def revised_by(actor_id: Any) -> ColumnElement[bool]:
    """Whether the actor (an id or a bound parameter) submitted any revision of the query's `Draft`: one probe
    of `ix_revisions_created_by_id_draft_id` per draft.

    `OFFSET 0` keeps PostgreSQL from turning the test into an anti-join: in a prepared statement's generic plan
    it cannot know the actor, guesses that every draft has revisions by them, and so joins and sorts every
    waiting claim instead of walking the queue's index until the first claim the actor may take.
    """
    return (
        select(Revision.id)
        .where(Revision.draft_id == Draft.id, Revision.created_by_id == actor_id)
        .offset(literal_column("0", Integer))
        .exists()
    )


def written_by(actor_id: Any) -> ColumnElement[bool]:
    """The query's `Draft` is one the actor wrote any revision of (whoever creates a draft submits its first
    revision), found from the actor's side of `ix_revisions_created_by_id_draft_id`: cheap however long the
    queue, for the few drafts one person writes."""
    return Draft.id.in_(select(Revision.draft_id).where(Revision.created_by_id == actor_id))


def not_written_by(actor_id: Any) -> ColumnElement[bool]:
    """The query's `Draft` is not the actor's: `domain.roles.is_author` as SQL, for the queue and the lease.

    `coalesce(author_id, 0) != $1` rather than `author_id IS NULL OR ...`: a prepared statement's generic plan
    estimates the OR as "almost no row" when few people write (ids start at 1, so 0 stands for no author).
    """
    return and_(func.coalesce(Draft.author_id, 0) != actor_id, ~revised_by(actor_id))
