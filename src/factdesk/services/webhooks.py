"""Receiving a CMS save: an adapted, verified save becomes a draft revision (or is recognised as known)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..cms import Save
from ..domain.actors import Actor
from ..domain.roles import Role
from .drafts import Submission, submit_draft
from .integrations import IntegrationView
from .saves import CmsVersion


@dataclass(frozen=True)
class Received:
    """What became of one save: outcome is "created", "unchanged", "duplicate" or "stale"."""

    external_id: str
    outcome: str
    draft_id: int
    revision_id: int


def integration_actor(integration: IntegrationView) -> Actor:
    return Actor(id=integration.user_id, name=integration.name, role=Role.INTEGRATION)


def receive_save(session: Session, integration: IntegrationView, save: Save, *, debounce: float) -> Received:
    """Store one save of the integration's document `save.external_id` (one unit of work; safe to repeat).

    Extraction waits `debounce` seconds so that a burst of autosaves is extracted once, newest text only.
    Raises Invalid when the save holds no text.
    """
    cms = None
    if save.source_order is not None:
        cms = CmsVersion(order=save.source_order, previous_body=save.previous_body,
                         previous_title=save.previous_title, first_save=save.first_save)
    submission = Submission(
        body=save.body, format=save.format, title=save.title, external_id=save.external_id, desk=save.desk,
        deadline=save.deadline, reference_date=save.reference_date, source=integration.name,
        source_version=save.source_version, cms=cms,
    )
    result = submit_draft(session, integration_actor(integration), submission, debounce=debounce)
    return Received(save.external_id, result.outcome, result.draft.id, result.revision.id)
