"""Writing and reading audit events. Every state change calls `record` in the same transaction as the change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from ..db import Sessions, unit_of_work
from ..domain.actors import Actor
from ..models import AuditEvent, Draft, utcnow
from .errors import NotFound


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


@dataclass(frozen=True)
class Change:
    """One audited change, for `record_many`."""

    action: str
    draft_id: int | None = None
    revision_id: int | None = None
    claim_id: int | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


def record_many(session: Session, actor: Actor, changes: list[Change]) -> None:
    """Write several audit events in one INSERT, without loading them as objects (for hot paths)."""
    now = utcnow()
    session.execute(
        insert(cast(Table, AuditEvent.__table__)),
        [{"created_at": now, "actor_id": actor.id, "actor": actor.label, "action": c.action, "draft_id": c.draft_id,
          "revision_id": c.revision_id, "claim_id": c.claim_id, "before": c.before, "after": c.after}
         for c in changes],
    )


@dataclass(frozen=True)
class AuditEventView:
    id: int
    created_at: datetime
    actor: str
    actor_id: int | None
    action: str
    revision_id: int | None
    claim_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def list_audit(sessions: Sessions, draft_id: int, *, after_id: int = 0, limit: int = 200) -> list[AuditEventView]:
    """A draft's audit events, oldest first, from the one after `after_id` (read only). Raises NotFound."""
    with unit_of_work(sessions) as session:
        if session.get(Draft, draft_id) is None:
            raise NotFound(f"no draft {draft_id}")
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.draft_id == draft_id, AuditEvent.id > after_id)
            .order_by(AuditEvent.id).limit(limit)
        )
        return [
            AuditEventView(e.id, e.created_at, e.actor, e.actor_id, e.action, e.revision_id, e.claim_id, e.before,
                           e.after)
            for e in events
        ]
