"""Outbound events to a draft's CMS integration: gate.opened, gate.closed, verdict.blocking.

Callers (approvals, verdicts, new revisions) call these inside their unit of work: the event row and its
outbox job commit with the change that caused them, and a Celery task (`factdesk.deliver_event`) delivers
it later, signed, with retries. Drafts submitted through the REST API, and integrations without a callback
URL, get no events.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Draft, EventDelivery, Integration, utcnow
from . import outbox

DELIVER_TASK = "factdesk.deliver_event"


def notify_gate_change(session: Session, draft_id: int, *, opened: bool, detail: dict[str, Any]) -> None:
    """Queue `gate.opened` or `gate.closed` for the draft's integration (nothing for REST drafts)."""
    queue_event(session, draft_id, "gate.opened" if opened else "gate.closed", detail)


def notify_blocking_verdict(session: Session, draft_id: int, claim_id: int, verdict_id: int) -> None:
    """Queue `verdict.blocking` for the draft's integration (nothing for REST drafts)."""
    queue_event(session, draft_id, "verdict.blocking", {"claim_id": claim_id, "verdict_id": verdict_id})


def queue_event(session: Session, draft_id: int, event: str, detail: dict[str, Any]) -> EventDelivery | None:
    """Write one event and its delivery job in the caller's transaction; None when nobody listens."""
    draft = session.get(Draft, draft_id)
    if draft is None or draft.source == "api":
        return None
    integration = session.scalar(select(Integration).where(Integration.name == draft.source))
    if integration is None or not integration.callback_url:
        return None
    event_id = uuid.uuid4().hex
    revision = draft.current_revision
    payload = {
        "id": event_id,
        "type": event,
        "created_at": utcnow().isoformat(),
        "integration": integration.name,
        "draft": {
            "id": draft.id,
            "external_id": draft.external_id,
            "status": draft.status,
            "revision_id": revision.id if revision else None,
            "content_hash": revision.content_hash if revision else None,
        },
        "detail": detail,
    }
    delivery = EventDelivery(
        event_id=event_id, event=event, integration_id=integration.id, draft_id=draft.id,
        url=integration.callback_url, payload=payload, status="pending", attempts=0, log=[],
    )
    session.add(delivery)
    session.flush()
    outbox.add_job(session, DELIVER_TASK, [delivery.id], draft_id=draft.id)
    return delivery
