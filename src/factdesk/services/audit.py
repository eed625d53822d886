"""Writing audit events. Every state change calls `record` in the same transaction as the change."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..domain.actors import Actor
from ..models import AuditEvent


def record(
    session: Session,
    actor: Actor,
    action: str,
    *,
    draft_id: int | None = None,
    revision_id: int | None = None,
    claim_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        actor_id=actor.id,
        actor=actor.label,
        action=action,
        draft_id=draft_id,
        revision_id=revision_id,
        claim_id=claim_id,
        before=before,
        after=after,
    )
    session.add(event)
    return event
